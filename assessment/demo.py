"""Demo data for assessment days and the knowledge test.

- Two centres (Leeds, Manchester) with sittings in each of the coming six weeks.
- An item bank covering every area of all three KSS frameworks (general and applied questions
  in both formats), a scenario per level, and a test form per level that follows the blueprint.
- Two of the Leeds workers whom the endorsement demo left endorsed are booked on the first Leeds
  sitting: one with an extra-time request waiting for a decision, one with an approved rest
  break. The other endorsed Leeds workers are left for the LA lead (or themselves) to book.
- A Manchester sitting held last week with three Kirklees candidates whose test results have
  been imported, so the assessor (who is linked to Manchester, not Kirklees) sees per-area scores.

Simulated practice, moderation and outcomes (issue 5):
- The assessor (assessor@demo.naas.test, linked to Manchester) is first marker for the three
  Kirklees candidates: their attempts are ready to score.
- A Bury candidate's attempt waits for the moderator (moderator@demo.naas.test, linked to
  Wigan): borderline first marks, a second marker two points apart on one task.
- A fourth Oldham worker's met outcome is confirmed but not published: *Publish outcomes* offers it.
- Published outcomes of each kind (met, partially met, not met) for three Oldham workers, and a
  partially-met outcome for the demo worker (worker@demo.naas.test) so she can book a
  fast-track retake. Hers is at the practice supervisor level, because the endorsement demo
  keeps her practitioner endorsement open as a draft for the endorsement journey.
- Two more assessors (assessor2@ and assessor3@demo.naas.test) do the other marking.
Publishing in the seed skips later apps' pre-publish checks (feedback for areas not met): the
feedback demo writes feedback afterwards, if it chooses.

Everything goes through the services, so the audit trail is real. Running the seed again
changes nothing: items and forms are found by code, and sittings are made only on the first run.
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from endorsement.models import Endorsement, EndorsementState
from endorsement.selectors import endorsements_bookable
from endorsement.services import validity_last_day
from naas.models import KSSFramework, Level, Region, SocialWorker

from . import selectors, services
from .models import (
    OPTION_LETTERS,
    AssessmentCentre,
    Item,
    ItemFormat,
    Scenario,
    Sitting,
    Slot,
    TestForm,
)
from .results_csv import ResultsRecord
from .services import AdjustmentAsk

LEEDS_CENTRE = "Leeds Assessment Centre"
MANCHESTER_CENTRE = "Manchester Assessment Centre"
LEVEL_PREFIX = {Level.PRACTITIONER: "P", Level.SUPERVISOR: "S", Level.LEADER: "L"}
SCENARIOS = {
    Level.PRACTITIONER: (
        "The Ahmed family",
        "Aliyah (7) and her brother Sami (3) live with their mother, who has recently separated "
        "from a violent partner. School reports Aliyah is withdrawn and often hungry.",
    ),
    Level.SUPERVISOR: (
        "A team under pressure",
        "You supervise a team of six practitioners. Two have caseloads above the agreed limit and "
        "one has just had a serious incident on a case.",
    ),
    Level.LEADER: (
        "An improvement plan",
        "Your authority's last inspection found inconsistent practice in assessments. You lead "
        "the response across three teams.",
    ),
}
GENERAL_STEMS = [
    "Which of these best reflects good practice in “{area}”?",
    "A colleague asks you about “{area}”. Which of these is the most accurate advice?",
    "Which of these statements about “{area}” is supported by current research and law?",
]
APPLIED_STEMS = [
    "In this scenario, what should you do first in relation to “{area}”?",
    "In this scenario, which of these shows the strongest practice in “{area}”?",
]


def seed(accounts: dict, today: date) -> None:
    admin = accounts["administrator"]
    # Added to the accounts, so seed_demo prints them with the rest.
    accounts.update(ensure_more_assessors())
    ensure_item_bank(admin)
    forms = ensure_test_forms(admin)
    leeds, created = _ensure_centre(admin, LEEDS_CENTRE, "Leeds Civic Hall\nLeeds\nLS1 1UR")
    manchester, _ = _ensure_centre(
        admin, MANCHESTER_CENTRE, "Manchester Central\nManchester\nM2 3GX", Region.NORTH_WEST
    )
    if not created:
        return
    first_leeds = _plan_sittings(admin, leeds, manchester, today)
    _book_leeds_workers(accounts, first_leeds)
    kirklees = _past_sitting_with_results(admin, manchester, forms[Level.PRACTITIONER], today)
    seed_marking(accounts, today, manchester, forms, kirklees)


def _ensure_centre(admin, name, address, region=Region.YORKSHIRE):
    centre = AssessmentCentre.objects.filter(name=name).first()
    if centre:
        return centre, False
    return services.centre_create(actor=admin, name=name, address=address, region=region), True


def _item_options(item_format: str, area_title: str) -> list[str]:
    count = 4 if item_format == ItemFormat.ONE_OF_FOUR else 8
    return [
        f"Option {letter}: an approach to {area_title.lower()[:60]}"
        for letter in OPTION_LETTERS[:count]
    ]


def _ensure_item(admin, code, area, item_format, stem, scenario=None, rng=None):
    if Item.objects.filter(code=code).exists():
        return
    option_count = 4 if item_format == ItemFormat.ONE_OF_FOUR else 8
    correct_count = 1 if item_format == ItemFormat.ONE_OF_FOUR else 3
    correct = "".join(sorted(rng.sample(OPTION_LETTERS[:option_count], correct_count)))
    services.item_create(
        actor=admin,
        code=code,
        area=area,
        scenario=scenario,
        item_format=item_format,
        stem=stem.format(area=area.title),
        options=_item_options(item_format, area.title),
        correct=correct,
    )


def ensure_item_bank(admin) -> None:
    """Three general questions per area (practitioner and leader levels: supervisor forms use
    practitioner general questions) and two applied questions per area for every level."""
    rng = random.Random(2019)
    for level, prefix in LEVEL_PREFIX.items():
        framework = KSSFramework.objects.get(level=level, is_current=True)
        areas = list(framework.areas.order_by("number"))
        title, text = SCENARIOS[level]
        scenario = Scenario.objects.filter(code=f"SC-{prefix}-01").first()
        if scenario is None:
            scenario = services.scenario_create(
                actor=admin, code=f"SC-{prefix}-01", title=title, text=text, level=level
            )
        for area in areas:
            if level != Level.SUPERVISOR:
                for n, stem in enumerate(GENERAL_STEMS, start=1):
                    item_format = ItemFormat.THREE_OF_EIGHT if n == 3 else ItemFormat.ONE_OF_FOUR
                    code = f"{prefix}-G-{area.number:02d}-{n}"
                    _ensure_item(admin, code, area, item_format, stem, rng=rng)
            for n, stem in enumerate(APPLIED_STEMS, start=1):
                item_format = ItemFormat.THREE_OF_EIGHT if n == 2 else ItemFormat.ONE_OF_FOUR
                code = f"{prefix}-A-{area.number:02d}-{n}"
                _ensure_item(admin, code, area, item_format, stem, scenario=scenario, rng=rng)


def _spread(codes_by_area: list[list[str]], count: int) -> list[str]:
    """Take `count` codes round-robin across areas, so every area is covered first."""
    chosen: list[str] = []
    depth = 0
    while len(chosen) < count:
        for codes in codes_by_area:
            if depth < len(codes) and len(chosen) < count:
                chosen.append(codes[depth])
        depth += 1
    return chosen


def _codes(prefix: str, kind: str, level: str) -> list[list[str]]:
    framework = KSSFramework.objects.get(level=level, is_current=True)
    per_area = []
    for area in framework.areas.order_by("number"):
        per_area.append(
            list(
                Item.objects.filter(area=area, is_active=True, code__startswith=f"{prefix}-{kind}-")
                .order_by("code")
                .values_list("code", flat=True)
            )
        )
    return per_area


def ensure_test_forms(admin) -> dict[str, TestForm]:
    forms = {}
    for level, prefix in LEVEL_PREFIX.items():
        code = f"{prefix}-2026-A"
        existing = TestForm.objects.filter(code=code).first()
        if existing:
            forms[level] = existing
            continue
        general_level = Level.PRACTITIONER if level == Level.SUPERVISOR else level
        general_prefix = LEVEL_PREFIX[general_level]
        forms[level] = services.test_form_create(
            actor=admin,
            code=code,
            title=f"{Level(level).label}: knowledge test, form A",
            level=level,
            scenario=Scenario.objects.get(code=f"SC-{prefix}-01"),
            general_codes=_spread(_codes(general_prefix, "G", general_level), 18),
            applied_codes=_spread(_codes(prefix, "A", level), 12),
            three_of_eight_scoring="exact",
        )
    return forms


def _plan_sittings(admin, leeds, manchester, today) -> Sitting:
    first = None
    for week in range(1, 7):
        monday = today + timedelta(days=7 * week - today.weekday())
        for slot in Slot.values:
            sitting = services.sitting_create(
                actor=admin, centre=leeds, on=monday + timedelta(days=1), slot=slot, capacity=12
            )
            first = first or sitting
        services.sitting_create(
            actor=admin,
            centre=manchester,
            on=monday + timedelta(days=3),
            slot=Slot.MORNING,
            capacity=16,
        )
    return first


def _book_leeds_workers(accounts, sitting) -> None:
    admin = accounts["administrator"]
    demo_worker = accounts["social_worker"]
    endorsed = list(
        endorsements_bookable()
        .filter(worker__local_authority__name="Leeds")
        .exclude(worker__user=demo_worker)
        .select_related("worker__user")
        .order_by("worker__registration_number")
    )
    if not endorsed:
        endorsed = [_endorse_directly(w) for w in _leeds_workers_without_endorsements(3)]
    if len(endorsed) >= 1:
        services.attempt_book(
            endorsement=endorsed[0],
            sitting=sitting,
            actor=endorsed[0].worker.user,
            adjustments=[AdjustmentAsk("extra_time")],
            adjustment_notes="I have dyslexia and usually have 25% extra time in exams.",
        )
    if len(endorsed) >= 2:
        attempt = services.attempt_book(
            endorsement=endorsed[1],
            sitting=sitting,
            actor=accounts["la_lead"],
            adjustments=[AdjustmentAsk("rest_break")],
        )
        services.adjustment_decide(
            adjustment=attempt.adjustments.get(),
            approve=True,
            reason="A 10-minute break between the knowledge test and the role plays.",
            actor=admin,
        )


def _leeds_workers_without_endorsements(count: int) -> list[SocialWorker]:
    return list(
        SocialWorker.objects.filter(local_authority__name="Leeds", endorsements__isnull=True)
        .exclude(registration_number="SW100")
        .order_by("registration_number")[:count]
    )


def _endorse_directly(worker: SocialWorker, level: str | None = None) -> Endorsement:
    """A past endorsement, for demo candidates whose endorsement journey is not the point.
    It was started when consent was given, 60 days ago, not on the day the demo is seeded
    (the endorsement history's "Started" column)."""
    started = timezone.now() - timedelta(days=60)
    endorsement = Endorsement.objects.create(
        worker=worker,
        level=level or worker.job_level,
        state=EndorsementState.ENDORSED,
        supervisor=worker.supervisor,
        consent_recorded_at=started,
        signed_off_by=worker.supervisor,
        signed_off_at=timezone.now() - timedelta(days=45),
        endorsed_at=timezone.now() - timedelta(days=40),
        valid_until=validity_last_day(timezone.localdate() - timedelta(days=40)),
    )
    Endorsement.objects.filter(pk=endorsement.pk).update(created_at=started)
    endorsement.created_at = started
    return endorsement


def _past_sitting_with_results(admin, centre, form, today) -> None:
    """Three Kirklees candidates sat last week; their results file has been imported."""
    workers = list(
        SocialWorker.objects.filter(
            local_authority__name="Kirklees", endorsements__isnull=True, job_level=form.level
        ).order_by("registration_number")[:3]
    )
    if not workers:
        return []
    # Planned and booked while it was still to come, then the day passed.
    sitting = services.sitting_create(
        actor=admin, centre=centre, on=today + timedelta(days=1), slot=Slot.LATE_MORNING, capacity=8
    )
    attempts = [
        services.attempt_book(endorsement=_endorse_directly(w), sitting=sitting, actor=w.user)
        for w in workers
    ]
    Sitting.objects.filter(pk=sitting.pk).update(date=today - timedelta(days=7))
    sitting.refresh_from_db()
    rng = random.Random(2020)
    records = []
    line = 1
    items = [link.item for link in form.form_items.select_related("item").order_by("position")]
    for attempt, accuracy in zip(attempts, (0.9, 0.7, 0.5), strict=False):
        for item in items:
            line += 1
            if rng.random() < accuracy:
                chosen = item.correct_options
            else:
                pool = OPTION_LETTERS[: item.option_count]
                chosen = "".join(sorted(rng.sample(pool, len(item.correct_options))))
            records.append(
                ResultsRecord(
                    line, attempt.worker.registration_number, form.code, item.code, chosen
                )
            )
    services.test_results_import(
        sitting=sitting, records=records, actor=admin, file_name="demo-results.csv"
    )
    _booked_before(attempts, sitting.date, today)
    return [type(a).objects.get(pk=a.pk) for a in attempts]


def _booked_before(attempts, sitting_day: date, today: date) -> None:
    """A sitting moved into the past was booked three weeks before it was held (and after the
    endorsement, made 40 days ago by `_endorse_directly`), not on the day the demo is seeded."""
    booked_at = timezone.now() - timedelta(days=(today - sitting_day).days + 21)
    for attempt in attempts:
        type(attempt).objects.filter(pk=attempt.pk).update(booked_at=booked_at)
        Endorsement.objects.filter(pk=attempt.endorsement_id).update(used_at=booked_at)


# --- Simulated practice, moderation and outcomes ----------------------------------------------

PARTIAL = {9: (2, 2, 2, 2), 10: (2, 1, 2, 1)}  # 8 of 10 practitioner areas met
NOT_MET = {n: (2, 1, 2, 2) for n in range(1, 7)}  # 4 of 10 met


def ensure_more_assessors() -> dict:
    """The second and third demo assessors, who do the marking the demo's own assessor and
    moderator do not."""
    from naas.demo import DEMO_PASSWORD, ensure_role, ensure_user
    from naas.models import LocalAuthority, Role

    second = ensure_user("assessor2@demo.naas.test", "Jordan Hale", password=DEMO_PASSWORD)
    third = ensure_user("assessor3@demo.naas.test", "Taylor Quinn", password=DEMO_PASSWORD)
    ensure_role(second, Role.ASSESSOR, LocalAuthority.objects.get(name="Lincolnshire"))
    ensure_role(third, Role.ASSESSOR, LocalAuthority.objects.get(name="Camden"))
    return {"second_assessor": second, "third_assessor": third}


def seed_marking(accounts, today, centre, forms, kirklees) -> None:

    from . import signals
    from .models import Allocation, MarkerRole

    if Allocation.objects.exists():
        return
    admin = accounts["administrator"]
    second, third = accounts["second_assessor"], accounts["third_assessor"]
    for attempt in kirklees:
        services.allocation_create(
            attempt=attempt, assessor=accounts["assessor"], role=MarkerRole.FIRST, actor=admin
        )
    oldham = list(_workers_without_endorsements("Oldham", 4))
    bury = list(_workers_without_endorsements("Bury", 1))
    candidates = [(w, w.job_level) for w in oldham + bury]
    candidates.append((SocialWorker.objects.get(user=accounts["social_worker"]), Level.SUPERVISOR))
    attempts = _sat_with_results(admin, centre, forms, today, candidates)
    if len(attempts) < 6:
        return
    met, partial, not_met, ready, moderated, demo_worker = attempts
    # Waiting for the moderator: borderline first marks, a second marker far apart.
    _mark(moderated, second, MarkerRole.FIRST, admin, per_area={3: (3, 2, 3, 2)})
    _mark(moderated, third, MarkerRole.SECOND, admin, per_area={3: (1, 2, 3, 2)})
    services.allocation_create(
        attempt=moderated, assessor=accounts["moderator"], role=MarkerRole.MODERATOR, actor=admin
    )
    # Published, one of each kind, and the demo worker's partially-met outcome.
    saved = list(signals.pre_publish_checks)
    signals.pre_publish_checks.clear()
    try:
        for attempt, per_area in (
            (met, {}),
            (partial, PARTIAL),
            (not_met, NOT_MET),
            (demo_worker, {7: (2, 2, 2, 2), 8: (2, 1, 2, 1)}),
        ):
            _mark_to_final(attempt, second, third, admin, per_area)
            outcome = selectors.current_outcome(attempt)
            services.outcome_confirm(outcome=outcome, actor=admin)
            services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin)
    finally:
        signals.pre_publish_checks.extend(saved)
    # Confirmed and ready, not yet published: what *Publish outcomes* offers in the demo.
    _mark_to_final(ready, second, third, admin, {})
    services.outcome_confirm(outcome=selectors.current_outcome(ready), actor=admin)


def _workers_without_endorsements(la_name: str, count: int):
    return SocialWorker.objects.filter(
        local_authority__name=la_name, endorsements__isnull=True, job_level=Level.PRACTITIONER
    ).order_by("registration_number")[:count]


def _sat_with_results(admin, centre, forms, today, candidates):
    """Book the candidates on a sitting, move it a fortnight into the past and import their
    knowledge-test results (all answers correct), which records them as having sat."""
    sitting = services.sitting_create(
        actor=admin, centre=centre, on=today + timedelta(days=2), slot=Slot.EARLY_AFTERNOON,
        capacity=10,
    )  # fmt: skip
    attempts = []
    for worker, level in candidates:
        endorsement = _endorse_directly(worker, level)
        attempts.append(
            services.attempt_book(endorsement=endorsement, sitting=sitting, actor=worker.user)
        )
    Sitting.objects.filter(pk=sitting.pk).update(date=today - timedelta(days=14))
    _booked_before(attempts, today - timedelta(days=14), today)
    records, line = [], 1
    for attempt in attempts:
        form = forms[attempt.level]
        for link in form.form_items.select_related("item").order_by("position"):
            line += 1
            records.append(
                ResultsRecord(
                    line,
                    attempt.worker.registration_number,
                    form.code,
                    link.item.code,
                    link.item.correct_options,
                )
            )
    services.test_results_import(
        sitting=sitting, records=records, actor=admin, file_name="demo-results-2.csv"
    )
    return [type(a).objects.get(pk=a.pk) for a in attempts]


def _entries(attempt, per_area, marks=(3, 3, 3, 4)):
    return {
        area.pk: services.MarkEntry(
            *per_area.get(area.number, marks),
            evidence_note="Observed in the role plays and the written task: "
            + ("clear, well-judged practice." if area.number not in per_area else "gaps noted."),
        )
        for area in attempt.areas.all()
    }


def _mark(attempt, assessor, role, admin, per_area):
    allocation = services.allocation_create(
        attempt=type(attempt).objects.get(pk=attempt.pk), assessor=assessor, role=role, actor=admin
    )
    services.marks_submit(allocation=allocation, marks=_entries(attempt, per_area), actor=assessor)


def _mark_to_final(attempt, first, second, admin, per_area):
    """First marks; if the attempt falls in the sample, a second marker who agrees."""
    from .models import AttemptState, MarkerRole

    _mark(attempt, first, MarkerRole.FIRST, admin, per_area)
    attempt.refresh_from_db()
    if attempt.state == AttemptState.SCORED:
        _mark(attempt, second, MarkerRole.SECOND, admin, per_area)
