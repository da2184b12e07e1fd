"""Demo data for the core domain: phases, LAs, staff accounts and ~200 social workers.

Every function here is idempotent: running the seed again finds what it made before."""

import random
from datetime import date
from decimal import Decimal

from .dates import add_months
from .models import (
    EmploymentType,
    Level,
    LocalAuthority,
    OfstedGrade,
    Phase,
    PhaseCode,
    Region,
    Role,
    SocialWorker,
    StaffRole,
    User,
)

DEMO_PASSWORD = "Accredit-Demo-2026"
DEMO_DOMAIN = "demo.naas.test"

PHASES = [
    (PhaseCode.ALPHA, date(2018, 4, 1), date(2019, 3, 31), 500),
    (PhaseCode.BETA, date(2019, 4, 1), date(2020, 3, 31), 8000),
    (PhaseCode.NATIONAL, date(2020, 4, 1), None, 30000),
]

# name, ONS code, region, Ofsted grade, phase, minimum tenure, endorses agency, grant
LOCAL_AUTHORITIES = [
    (
        "Bury",
        "E08000002",
        Region.NORTH_WEST,
        OfstedGrade.REQUIRES_IMPROVEMENT,
        "alpha",
        6,
        True,
        "180000",
    ),
    ("Leeds", "E08000035", Region.YORKSHIRE, OfstedGrade.GOOD, "alpha", 6, True, "420000"),
    (
        "Manchester",
        "E08000003",
        Region.NORTH_WEST,
        OfstedGrade.INADEQUATE,
        "alpha",
        9,
        False,
        "390000",
    ),
    (
        "Oldham",
        "E08000004",
        Region.NORTH_WEST,
        OfstedGrade.REQUIRES_IMPROVEMENT,
        "alpha",
        6,
        True,
        "170000",
    ),
    ("Wigan", "E08000010", Region.NORTH_WEST, OfstedGrade.GOOD, "alpha", 12, True, "210000"),
    ("Camden", "E09000007", Region.LONDON, OfstedGrade.OUTSTANDING, "beta", 6, False, "150000"),
    ("Hertfordshire", "E10000015", Region.EAST, OfstedGrade.OUTSTANDING, "beta", 6, True, "260000"),
    (
        "Lincolnshire",
        "E10000019",
        Region.EAST_MIDLANDS,
        OfstedGrade.OUTSTANDING,
        "beta",
        6,
        True,
        "240000",
    ),
    (
        "Kirklees",
        "E08000034",
        Region.YORKSHIRE,
        OfstedGrade.REQUIRES_IMPROVEMENT,
        "beta",
        6,
        True,
        "200000",
    ),
]

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ellie",
    "Farah",
    "George",
    "Hannah",
    "Imran",
    "Jess",
    "Kwame",
    "Laura",
    "Mohammed",
    "Niamh",
    "Olu",
    "Priya",
    "Rhys",
    "Sophie",
    "Tom",
    "Yasmin",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hussain",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Mensah",
    "Nowak",
    "Okafor",
    "Patel",
    "Roberts",
    "Smith",
]
WORKERS_PER_LA = 22
# The last few Leeds workers joined recently: the supervisor's list shows someone short of
# Leeds's minimum tenure (the README's endorsement journey).
LEEDS_NEW_STARTERS = 2


def demo_email(name: str) -> str:
    return f"{name}@{DEMO_DOMAIN}"


def ensure_user(email: str, full_name: str, *, password: str | None = None, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name, **extra)
        if password is None:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    if password is not None and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def ensure_role(user: User, role: str, local_authority=None) -> None:
    StaffRole.objects.get_or_create(user=user, role=role, local_authority=local_authority)


def seed_core(today: date) -> dict:
    """Create the phases, LAs, demo staff accounts and social workers. Returns the accounts."""
    phases = {}
    for code, starts_on, ends_on, target in PHASES:
        phases[code], _ = Phase.objects.get_or_create(
            code=code,
            defaults={"starts_on": starts_on, "ends_on": ends_on, "target_accredited": target},
        )
    las = {}
    for name, ons, region, grade, phase, tenure, agency, grant in LOCAL_AUTHORITIES:
        las[name], _ = LocalAuthority.objects.get_or_create(
            ons_code=ons,
            defaults={
                "name": name,
                "region": region,
                "ofsted_grade": grade,
                "phase": phases[phase],
                "min_tenure_months": tenure,
                "endorses_agency_workers": agency,
                "grant_received": Decimal(grant),
            },
        )
    leeds = las["Leeds"]
    accounts = {
        "supervisor": ensure_user(demo_email("supervisor"), "Sam Okafor", password=DEMO_PASSWORD),
        "la_lead": ensure_user(demo_email("lead"), "Lesley Patel", password=DEMO_PASSWORD),
        "assessor": ensure_user(demo_email("assessor"), "Alex Morgan", password=DEMO_PASSWORD),
        "moderator": ensure_user(demo_email("moderator"), "Morgan Reid", password=DEMO_PASSWORD),
        "administrator": ensure_user(demo_email("admin"), "Ade Bello", password=DEMO_PASSWORD),
        "dfe": ensure_user(demo_email("dfe"), "Dee Francis", password=DEMO_PASSWORD),
        "social_worker": ensure_user(demo_email("worker"), "Wendy Shaw", password=DEMO_PASSWORD),
        "superuser": ensure_user(
            demo_email("backoffice"),
            "Back Office",
            password=DEMO_PASSWORD,
            is_staff=True,
            is_superuser=True,
        ),
    }
    ensure_role(accounts["supervisor"], Role.SUPERVISOR, leeds)
    ensure_role(accounts["la_lead"], Role.LA_LEAD, leeds)
    ensure_role(accounts["assessor"], Role.ASSESSOR, las["Manchester"])
    ensure_role(accounts["moderator"], Role.ASSESSOR, las["Wigan"])
    ensure_role(accounts["moderator"], Role.MODERATOR, las["Wigan"])
    ensure_role(accounts["administrator"], Role.ADMINISTRATOR)
    ensure_role(accounts["dfe"], Role.DFE)

    rng = random.Random(2018)  # a fixed seed keeps the demo the same on every machine
    number = 1000
    for la in las.values():
        supervisors = _la_supervisors(la, accounts, rng)
        for index in range(WORKERS_PER_LA):
            number += 1
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            user = ensure_user(f"sw{number}@{DEMO_DOMAIN}", name)
            employed_since = add_months(today, -rng.randint(2, 120))
            if la == leeds and index >= WORKERS_PER_LA - LEEDS_NEW_STARTERS:
                employed_since = add_months(today, -(la.min_tenure_months // 2))
            _ensure_worker(
                user,
                la,
                number=f"SW{number}",
                supervisor=supervisors[index % len(supervisors)],
                employed_since=employed_since,
                agency=rng.random() < 0.15,
            )
    _ensure_worker(
        accounts["social_worker"],
        leeds,
        number="SW100",
        supervisor=accounts["supervisor"],
        employed_since=add_months(today, -36),
        agency=False,
    )
    return accounts


def _la_supervisors(la, accounts, rng) -> list[User]:
    if la.name == "Leeds":
        return [accounts["supervisor"]]
    slug = la.name.lower()
    supervisors = []
    for n in (1, 2):
        user = ensure_user(
            f"supervisor{n}.{slug}@{DEMO_DOMAIN}",
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        )
        ensure_role(user, Role.SUPERVISOR, la)
        supervisors.append(user)
    lead = ensure_user(
        f"lead.{slug}@{DEMO_DOMAIN}", f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    )
    ensure_role(lead, Role.LA_LEAD, la)
    return supervisors


def _ensure_worker(user, la, *, number, supervisor, employed_since, agency) -> SocialWorker:
    worker = SocialWorker.objects.filter(user=user).first()
    if worker is None:
        worker = SocialWorker.objects.create(
            user=user,
            registration_number=number,
            local_authority=la,
            supervisor=supervisor,
            employed_since=employed_since,
            employment_type=EmploymentType.AGENCY if agency else EmploymentType.PERMANENT,
            job_level=Level.PRACTITIONER,
        )
    return worker
