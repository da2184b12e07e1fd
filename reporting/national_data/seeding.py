"""Writing the national dataset: LAs, workers, endorsements, sittings, attempts, outcomes,
fast-track retakes and support plans, with bulk inserts in batches and no audit events."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from assessment.models import (
    AreaOutcome,
    AssessmentCentre,
    Attempt,
    AttemptArea,
    AttemptState,
    Outcome,
    OutcomeResult,
    OutcomeRuleSet,
    Sitting,
    Slot,
)
from assessment.outcome_rules import RuleParameters
from endorsement.models import Endorsement, EndorsementState
from endorsement.services import validity_last_day
from feedback.models import SupportAction, SupportActionStatus, SupportPlan
from naas.dates import local_date
from naas.models import (
    EmploymentType,
    KSSFramework,
    LocalAuthority,
    Phase,
    Region,
    Role,
    SocialWorker,
    StaffRole,
    User,
)

from .population import (
    AGE,
    BATCH,
    CENTRE_NAME,
    DISABILITY,
    DOMAIN,
    ENDORSED,
    ETHNICITY,
    FIRST_NAMES,
    FIRST_REGISTRATION,
    GRANT,
    GRANT_NATIONAL,
    LA_COUNTS,
    LAST_NAMES,
    LEVELS,
    OFSTED,
    ONS_PREFIX,
    PHASES,
    PLACE_ENDS,
    PLACE_STARTS,
    RULE_SET_VERSION,
    SEX,
    _area_results,
    _attempt_fate,
    _moment,
    _weighted,
)
from .psychometric_data import seed_psychometrics


@dataclass
class Summary:
    local_authorities: int = 0
    workers: int = 0
    endorsements: int = 0
    attempts: int = 0
    outcomes: int = 0
    accredited: int = 0
    test_results: int = 0


def _insert(model, objects: list) -> list:
    created = []
    for start in range(0, len(objects), BATCH):
        created += model.objects.bulk_create(objects[start : start + BATCH])
    return created


def _phases() -> dict[str, Phase]:
    phases = {}
    for code, (starts_on, ends_on, target) in PHASES.items():
        phases[code], _ = Phase.objects.get_or_create(
            code=code,
            defaults={"starts_on": starts_on, "ends_on": ends_on, "target_accredited": target},
        )
    return phases


def _place_names(count: int) -> list[str]:
    taken = set(LocalAuthority.objects.values_list("name", flat=True))
    names = [
        f"{start}{end}"
        for end in PLACE_ENDS
        for start in PLACE_STARTS
        if f"{start}{end}" not in taken
    ]
    return names[:count]


@transaction.atomic
def seed(
    *, workers: int, today: date, seed_value: int = 2022, endorsed_share: float | None = None
) -> Summary:
    rng = random.Random(seed_value)
    summary = Summary()
    phases = _phases()
    frameworks = {f.level: f for f in KSSFramework.objects.filter(is_current=True)}
    areas = {level: list(f.areas.order_by("number")) for level, f in frameworks.items()}
    rule_sets = {
        level: OutcomeRuleSet.objects.get_or_create(
            framework=framework,
            version=RULE_SET_VERSION,
            defaults={
                "parameters": RuleParameters().to_json(),
                "notes": "Made by seed_national for benchmarks and demos.",
            },
        )[0]
        for level, framework in frameworks.items()
    }
    password = make_password(None)  # unusable: nobody signs in as seeded staff

    # Local authorities, each with a supervisor.
    plan = [code for code, count in LA_COUNTS.items() for _ in range(count)]
    names = _place_names(len(plan))
    las = _insert(
        LocalAuthority,
        [
            LocalAuthority(
                name=name,
                ons_code=f"{ONS_PREFIX}{n:06d}",
                region=rng.choice(Region.values),
                ofsted_grade=_weighted(rng, OFSTED),
                phase=phases[code],
                min_tenure_months=rng.choice([6, 6, 6, 9, 12]),
                endorses_agency_workers=rng.random() < 0.7,
                grant_received=Decimal(rng.randint(*GRANT.get(code, GRANT_NATIONAL))),
            )
            for n, (code, name) in enumerate(zip(plan, names, strict=True), start=1)
        ],
    )
    summary.local_authorities = len(las)
    supervisors = _insert(
        User,
        [
            User(
                email=f"supervisor.{la.ons_code.lower()}@{DOMAIN}",
                full_name=f"Supervisor {n}",
                password=password,
            )
            for n, la in enumerate(las, start=1)
        ],
    )
    _insert(
        StaffRole,
        [
            StaffRole(user=user, role=Role.SUPERVISOR, local_authority=la)
            for user, la in zip(supervisors, las, strict=True)
        ],
    )
    supervisor_of = {la.pk: user for la, user in zip(las, supervisors, strict=True)}

    # Social workers, spread unevenly over the LAs.
    weights = [rng.uniform(0.4, 1.8) for _ in las]
    homes = rng.choices(las, weights=weights, k=workers)
    users = _insert(
        User,
        [
            User(
                email=f"sw{FIRST_REGISTRATION + n}@{DOMAIN}",
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                password=password,
            )
            for n in range(workers)
        ],
    )
    recorded = [rng.random() < 0.7 for _ in range(workers)]
    people = _insert(
        SocialWorker,
        [
            SocialWorker(
                user=user,
                registration_number=f"SW{FIRST_REGISTRATION + n}",
                local_authority=la,
                employment_type=(
                    EmploymentType.AGENCY if rng.random() < 0.15 else EmploymentType.PERMANENT
                ),
                employed_since=today - timedelta(days=rng.randint(30, 15 * 365)),
                job_level=_weighted(rng, LEVELS),
                supervisor=supervisor_of[la.pk],
                age_band=_weighted(rng, AGE) if recorded[n] else "",
                ethnicity_group=_weighted(rng, ETHNICITY) if recorded[n] else "",
                sex=_weighted(rng, SEX) if recorded[n] else "",
                disability=_weighted(rng, DISABILITY) if rng.random() < 0.6 and recorded[n] else "",
            )
            for n, (user, la) in enumerate(zip(users, homes, strict=True))
        ],
    )
    summary.workers = len(people)
    la_by_pk = {la.pk: la for la in las}

    # Endorsements: who was put forward, and what became of it.
    endorsements, journeys = [], []
    for worker in people:
        la = la_by_pk[worker.local_authority_id]
        chance = ENDORSED[la.phase.code] if endorsed_share is None else endorsed_share
        if worker.employment_type == EmploymentType.AGENCY:
            chance *= 0.6 if la.endorses_agency_workers else 0
        if rng.random() >= chance:
            continue
        earliest = max(
            la.phase.starts_on, worker.employed_since + timedelta(days=31 * la.min_tenure_months)
        )
        latest = today - timedelta(days=20)
        if earliest >= latest:
            continue
        endorsed_on = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
        fate = rng.random()
        state = EndorsementState.ENDORSED
        if fate < 0.04:
            state = EndorsementState.DRAFT
        elif fate < 0.07:
            state = EndorsementState.SIGNED_OFF
        elif fate < 0.09:
            state = EndorsementState.DECLINED
        booked = state == EndorsementState.ENDORSED and rng.random() < 0.9
        if state == EndorsementState.ENDORSED and not booked and (today - endorsed_on).days > 365:
            state = EndorsementState.LAPSED
        endorsed_at = (
            _moment(endorsed_on, rng)
            if state in (EndorsementState.ENDORSED, EndorsementState.LAPSED)
            else None
        )
        booked_on = endorsed_on + timedelta(days=rng.randint(7, 42))
        endorsements.append(
            Endorsement(
                worker=worker,
                level=worker.job_level,
                state=state,
                supervisor=supervisor_of[la.pk],
                consent_recorded_at=_moment(endorsed_on - timedelta(days=30), rng),
                signed_off_by=supervisor_of[la.pk] if state != EndorsementState.DRAFT else None,
                signed_off_at=_moment(endorsed_on - timedelta(days=7), rng)
                if state != EndorsementState.DRAFT
                else None,
                endorsed_at=endorsed_at,
                valid_until=validity_last_day(endorsed_on) if endorsed_at else None,
                used_at=_moment(booked_on, rng) if booked else None,
                closed_at=_moment(validity_last_day(endorsed_on) + timedelta(days=1), rng)
                if state == EndorsementState.LAPSED
                else None,
            )
        )
        journeys.append((worker, booked, booked_on))
    endorsements = _insert(Endorsement, endorsements)
    summary.endorsements = len(endorsements)

    # Sittings, made for the days they are needed.
    centre, _ = AssessmentCentre.objects.get_or_create(
        name=CENTRE_NAME, defaults={"address": "Seeded data", "region": Region.LONDON}
    )
    sittings: dict[date, Sitting] = {
        s.date: s for s in Sitting.objects.filter(centre=centre, slot=Slot.MORNING)
    }

    def sitting_on(day: date) -> Sitting:
        if day not in sittings:
            sittings[day] = Sitting(centre=centre, date=day, slot=Slot.MORNING, capacity=10_000)
        return sittings[day]

    # First attempts, with how each went.
    plans = []
    for endorsement, (worker, booked, booked_on) in zip(endorsements, journeys, strict=True):
        if not booked:
            continue
        sat_on = booked_on + timedelta(days=rng.randint(14, 56))
        plans.append((endorsement, worker, booked_on, sat_on))
    for _, _, _, sat_on in plans:
        sitting_on(sat_on)
    new_sittings = [s for s in sittings.values() if s.pk is None]
    _insert(Sitting, new_sittings)

    attempts, fates = [], []
    for endorsement, worker, booked_on, sat_on in plans:
        state, sat_at, published_on, result = _attempt_fate(rng, worker, sat_on, today)
        attempts.append(
            Attempt(
                worker=worker,
                level=endorsement.level,
                framework=frameworks[endorsement.level],
                endorsement=endorsement,
                sitting=sittings[sat_on],
                state=state,
                booked_by=worker.user,
                sat_at=sat_at,
                cancelled_at=_moment(booked_on + timedelta(days=3), rng)
                if state == AttemptState.CANCELLED
                else None,
                no_show_at=_moment(sat_on, rng) if state == AttemptState.NO_SHOW else None,
            )
        )
        fates.append((booked_on, published_on, result))
    attempts = _insert(Attempt, attempts)
    # booked_at is set on insert (auto_now_add): put the real booking days back.
    for attempt, (booked_on, _, _) in zip(attempts, fates, strict=True):
        attempt.booked_at = _moment(booked_on, rng)
    for start in range(0, len(attempts), BATCH):
        Attempt.objects.bulk_update(attempts[start : start + BATCH], ["booked_at"])

    outcomes, area_rows, attempt_areas, retakes = [], [], [], []
    for attempt, (_booked_on, published_on, result) in zip(attempts, fates, strict=True):
        level_areas = areas[attempt.level]
        attempt_areas += [AttemptArea(attempt=attempt, area=area) for area in level_areas]
        if result is None:
            continue
        outcome = Outcome(
            attempt=attempt,
            rule_set=rule_sets[attempt.level],
            result=result,
            reference=f"NAT-{attempt.pk}-1",
            confirmed_at=_moment(published_on - timedelta(days=3), rng),
            published_at=_moment(published_on, rng),
        )
        per_area = _area_results(rng, result, len(level_areas))
        outcomes.append(outcome)
        area_rows.append((outcome, level_areas, per_area, None))
        if result == OutcomeResult.PARTIALLY_MET and rng.random() < 0.6:
            retakes.append((attempt, published_on, level_areas, per_area))
    _insert(AttemptArea, attempt_areas)

    # Fast-track retakes of the areas not met, within six months.
    retake_attempts, retake_fates, retake_areas = [], [], []
    for parent, published_on, level_areas, per_area in retakes:
        sat_on = published_on + timedelta(days=rng.randint(30, 170))
        if sat_on >= today:
            continue
        sitting_on(sat_on)
        result = OutcomeResult.MET if rng.random() < 0.7 else OutcomeResult.PARTIALLY_MET
        retake_published = sat_on + timedelta(days=rng.randint(21, 56))
        retake_fates.append(
            (
                parent,
                sat_on,
                retake_published if retake_published < today else None,
                result,
                level_areas,
                per_area,
            )
        )
    _insert(Sitting, [s for s in sittings.values() if s.pk is None])
    for parent, sat_on, published_on, *_ in retake_fates:
        retake_attempts.append(
            Attempt(
                worker=parent.worker,
                level=parent.level,
                framework=parent.framework,
                parent=parent,
                sitting=sittings[sat_on],
                state=AttemptState.OUTCOME_PUBLISHED if published_on else AttemptState.SCORED,
                booked_by=parent.worker.user,
                sat_at=_moment(sat_on, rng),
            )
        )
    retake_attempts = _insert(Attempt, retake_attempts)
    for attempt, (_parent, _sat_on, published_on, result, level_areas, per_area) in zip(
        retake_attempts, retake_fates, strict=True
    ):
        retaken = [a for a, r in zip(level_areas, per_area, strict=True) if r != OutcomeResult.MET]
        retake_areas += [AttemptArea(attempt=attempt, area=area) for area in retaken]
        if published_on is None:
            continue
        outcome = Outcome(
            attempt=attempt,
            rule_set=rule_sets[attempt.level],
            result=result,
            reference=f"NAT-{attempt.pk}-1",
            confirmed_at=_moment(published_on - timedelta(days=3), rng),
            published_at=_moment(published_on, rng),
        )
        retaken_results = (
            [OutcomeResult.MET] * len(retaken)
            if result == OutcomeResult.MET
            else [OutcomeResult.NOT_MET] + [OutcomeResult.MET] * (len(retaken) - 1)
        )
        outcomes.append(outcome)
        area_rows.append((outcome, level_areas, per_area, retaken_results))
    _insert(AttemptArea, retake_areas)
    outcomes = _insert(Outcome, outcomes)
    area_outcomes = []
    for outcome, level_areas, per_area, retaken_results in area_rows:
        retaken = iter(retaken_results or [])
        for area, first_result in zip(level_areas, per_area, strict=True):
            carried = retaken_results is not None and first_result == OutcomeResult.MET
            result = first_result if retaken_results is None or carried else next(retaken)
            area_outcomes.append(
                AreaOutcome(outcome=outcome, area=area, result=result, carried_forward=carried)
            )
    _insert(AreaOutcome, area_outcomes)
    summary.attempts = len(attempts) + len(retake_attempts)
    summary.outcomes = len(outcomes)

    # Support plans for about half of those who did not meet the standard.
    support = [o for o in outcomes if o.result != OutcomeResult.MET and rng.random() < 0.5]
    support_plans = _insert(
        SupportPlan,
        [
            SupportPlan(
                worker=o.attempt.worker,
                outcome=o,
                created_by=supervisor_of[o.attempt.worker.local_authority_id],
            )
            for o in support
        ],
    )
    # created_at is set on insert: date each plan a fortnight after its outcome.
    for plan_row, o in zip(support_plans, support, strict=True):
        plan_row.created_at = o.published_at + timedelta(days=14)
    for start in range(0, len(support_plans), BATCH):
        SupportPlan.objects.bulk_update(support_plans[start : start + BATCH], ["created_at"])
    first_area = {level: level_areas[0] for level, level_areas in areas.items()}
    _insert(
        SupportAction,
        [
            SupportAction(
                plan=plan_row,
                area=first_area[o.attempt.level],
                action="Shadow an experienced colleague and reflect on it in supervision.",
                owner="Practice supervisor",
                due_on=local_date(o.published_at) + timedelta(days=rng.randint(30, 120)),
                status=rng.choice(SupportActionStatus.values),
            )
            for plan_row, o in zip(support_plans, support, strict=True)
        ],
    )
    summary.accredited = len(
        {o.attempt.worker_id for o in outcomes if o.result == OutcomeResult.MET}
    )
    summary.test_results = seed_psychometrics(
        attempts=attempts, area_rows=area_rows, areas=areas, frameworks=frameworks,
        password=password, seed_value=seed_value,
    )  # fmt: skip
    return summary
