"""A small, hand-built dataset for reporting tests: every figure on the dashboards is worked
out by hand from it in the tests (see `world`)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from assessment.models import (
    AreaOutcome,
    Attempt,
    AttemptState,
    Outcome,
    OutcomeResult,
    OutcomeRuleSet,
)
from assessment.tests.factories import SittingFactory
from endorsement.models import Endorsement, EndorsementState
from naas.models import (
    EmploymentType,
    EthnicityGroup,
    Level,
    OfstedGrade,
    PhaseCode,
    Region,
)
from naas.tests.factories import (
    LocalAuthorityFactory,
    PhaseFactory,
    SocialWorkerFactory,
    current_framework,
)

TODAY = date(2026, 11, 23)
MET, PARTIALLY, NOT_MET = (
    OutcomeResult.MET,
    OutcomeResult.PARTIALLY_MET,
    OutcomeResult.NOT_MET,
)


def moment(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def worker(la, *, months_employed=24, **fields):
    return SocialWorkerFactory(
        local_authority=la,
        employed_since=TODAY - relativedelta(months=months_employed),
        **fields,
    )


def endorse(person, on: date, state=EndorsementState.ENDORSED) -> Endorsement:
    return Endorsement.objects.create(
        worker=person,
        level=person.job_level,
        state=state,
        supervisor=person.supervisor,
        endorsed_at=moment(on) if state == EndorsementState.ENDORSED else None,
        valid_until=on + timedelta(days=365),
    )


def attempt(person, *, booked_on, sat_on=None, endorsement=None, parent=None, state=None):
    state = state or (AttemptState.OUTCOME_PUBLISHED if sat_on else AttemptState.BOOKED)
    made = Attempt.objects.create(
        worker=person,
        level=person.job_level,
        framework=current_framework(person.job_level),
        endorsement=endorsement,
        parent=parent,
        sitting=SittingFactory(date=sat_on or booked_on + timedelta(days=30)),
        state=state,
        booked_by=person.user,
        sat_at=moment(sat_on) if sat_on else None,
    )
    Attempt.objects.filter(pk=made.pk).update(booked_at=moment(booked_on))
    return made


def rule_set(level=Level.PRACTITIONER) -> OutcomeRuleSet:
    return OutcomeRuleSet.objects.get_or_create(
        framework=current_framework(level), version=77, defaults={"parameters": {}}
    )[0]


_references = {"n": 0}


def outcome(
    tried: Attempt,
    result: str,
    published_on: date | None,
    *,
    not_met_areas=(),
    carried_areas=(),
    superseded=False,
    version=1,
) -> Outcome:
    _references["n"] += 1
    made = Outcome.objects.create(
        attempt=tried,
        version=version,
        rule_set=rule_set(tried.level),
        result=result,
        reference=f"TEST-{_references['n']}",
        published_at=moment(published_on) if published_on else None,
        superseded_at=moment(published_on) if superseded else None,
    )
    for area in tried.framework.areas.order_by("number"):
        AreaOutcome.objects.create(
            outcome=made,
            area=area,
            result=NOT_MET if area.number in not_met_areas else MET,
            carried_forward=area.number in carried_areas,
        )
    return made


def world() -> dict:
    """Two LAs in two phases; nine workers at every stage of the pipeline."""
    alpha = PhaseFactory(code=PhaseCode.ALPHA, starts_on=date(2018, 4, 1), target_accredited=10)
    beta = PhaseFactory(code=PhaseCode.BETA, starts_on=date(2019, 4, 1), target_accredited=100)
    la_a = LocalAuthorityFactory(
        name="Ashford",
        phase=alpha,
        region=Region.NORTH_WEST,
        ofsted_grade=OfstedGrade.GOOD,
        grant_received=Decimal("100000"),
        min_tenure_months=6,
    )
    la_b = LocalAuthorityFactory(
        name="Brookham",
        phase=beta,
        region=Region.LONDON,
        ofsted_grade=OfstedGrade.INADEQUATE,
        grant_received=Decimal("50000"),
        min_tenure_months=12,
    )
    a1 = worker(la_a, ethnicity_group=EthnicityGroup.WHITE, user__full_name="Alice Ashby")
    a2 = worker(la_a, employment_type=EmploymentType.AGENCY, user__full_name="Arun Agency")
    a3 = worker(la_a, user__full_name="Amy Three")
    a4 = worker(la_a, user__full_name="Abe Four")
    a5 = worker(la_a, months_employed=3, user__full_name="Ann New")
    a6 = worker(la_a, user__full_name="Al Six")
    b1 = worker(la_b, user__full_name="Bea One")
    b2 = worker(la_b, months_employed=8, user__full_name="Bob Two")
    b3 = worker(la_b, user__full_name="Bill Three")

    # a1: met first time.
    e = endorse(a1, date(2026, 1, 10))
    t = attempt(a1, endorsement=e, booked_on=date(2026, 1, 20), sat_on=date(2026, 2, 15))
    outcome(t, MET, date(2026, 3, 20))
    # a2: partially met (area 1), then met it at a fast-track retake.
    e = endorse(a2, date(2026, 1, 10))
    first = attempt(a2, endorsement=e, booked_on=date(2026, 1, 20), sat_on=date(2026, 2, 15))
    outcome(first, PARTIALLY, date(2026, 3, 20), not_met_areas={1})
    retake = attempt(a2, parent=first, booked_on=date(2026, 4, 1), sat_on=date(2026, 5, 1))
    outcome(retake, MET, date(2026, 6, 10), carried_areas=set(range(2, 11)))
    # a3: not met (areas 1-4); an earlier version of the outcome said met, then was superseded.
    e = endorse(a3, date(2026, 2, 1))
    t = attempt(a3, endorsement=e, booked_on=date(2026, 2, 5), sat_on=date(2026, 3, 1))
    outcome(t, MET, date(2026, 4, 1), superseded=True)
    outcome(t, NOT_MET, date(2026, 4, 15), not_met_areas={1, 2, 3, 4}, version=2)
    # a4: endorsed and booked, not sat yet.
    e = endorse(a4, date(2026, 5, 1))
    attempt(a4, endorsement=e, booked_on=date(2026, 5, 10))
    # b1: met in 2025.
    e = endorse(b1, date(2025, 6, 1))
    t = attempt(b1, endorsement=e, booked_on=date(2025, 6, 5), sat_on=date(2025, 7, 1))
    outcome(t, MET, date(2025, 8, 1))
    # b3: endorsed, then cancelled the booking.
    e = endorse(b3, date(2026, 3, 1))
    attempt(b3, endorsement=e, booked_on=date(2026, 3, 5), state=AttemptState.CANCELLED)
    return {
        "alpha": alpha,
        "beta": beta,
        "la_a": la_a,
        "la_b": la_b,
        "workers": [a1, a2, a3, a4, a5, a6, b1, b2, b3],
    }
