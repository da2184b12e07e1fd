"""The made-up nation's proportions, and how each made-up person's assessment goes: like the
real scheme's, with older and minority-ethnic candidates meeting the standard a little less
often and agency staff endorsed less."""

import random
from datetime import UTC, date, datetime, time, timedelta

from assessment.models import AttemptState, OutcomeResult
from naas.models import (
    AgeBand,
    Disability,
    EmploymentType,
    EthnicityGroup,
    Level,
    OfstedGrade,
    PhaseCode,
    Sex,
)

DOMAIN = "national.naas.test"
ONS_PREFIX = "E99"
FIRST_REGISTRATION = 200_000
CENTRE_NAME = "National assessment centre (seeded data)"
RULE_SET_VERSION = 900
BATCH = 2_000
LA_COUNTS = {PhaseCode.ALPHA: 5, PhaseCode.BETA: 48, PhaseCode.NATIONAL: 99}
PHASES = {
    PhaseCode.ALPHA: (date(2018, 4, 1), date(2019, 3, 31), 500),
    PhaseCode.BETA: (date(2019, 4, 1), date(2020, 3, 31), 8_000),
    PhaseCode.NATIONAL: (date(2020, 4, 1), None, 30_000),
}
# How likely a worker in each phase is to have been endorsed.
ENDORSED = {PhaseCode.ALPHA: 0.45, PhaseCode.BETA: 0.17, PhaseCode.NATIONAL: 0.065}
GRANT = {PhaseCode.ALPHA: (250_000, 450_000), PhaseCode.BETA: (120_000, 300_000)}
GRANT_NATIONAL = (30_000, 90_000)

PLACE_STARTS = [
    "Ash", "Brad", "Brook", "Craw", "Dun", "Elm", "Fair", "Glen", "Hart", "Kings",
    "Lang", "Mill", "Nor", "Oak", "Pen", "Red", "Stan", "Thorn", "Wes", "Wood",
]  # fmt: skip
PLACE_ENDS = ["bury", "field", "ford", "ham", "ley", "mouth", "ton", "wick"]
FIRST_NAMES = [
    "Aisha", "Ben", "Chloe", "Daniel", "Ellie", "Farah", "George", "Hannah", "Imran", "Jess",
    "Kwame", "Laura", "Mohammed", "Niamh", "Olu", "Priya", "Rhys", "Sophie", "Tom", "Yasmin",
    "Zara", "Adam", "Bethan", "Carlos", "Dami", "Emma", "Femi", "Grace", "Harj", "Isla",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hussain", "Iqbal",
    "Jones", "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Quinn", "Roberts",
    "Singh", "Taylor", "Walker", "Williams", "Wright", "Young", "Adeyemi", "Begum",
]  # fmt: skip


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


AGE = [
    (AgeBand.UNDER_30, 22), (AgeBand.FROM_30_TO_39, 30), (AgeBand.FROM_40_TO_49, 24),
    (AgeBand.FROM_50_TO_59, 16), (AgeBand.OVER_60, 5), (AgeBand.PREFER_NOT_TO_SAY, 3),
]  # fmt: skip
ETHNICITY = [
    (EthnicityGroup.WHITE, 72), (EthnicityGroup.BLACK, 10), (EthnicityGroup.ASIAN, 8),
    (EthnicityGroup.MIXED, 4), (EthnicityGroup.OTHER, 2), (EthnicityGroup.PREFER_NOT_TO_SAY, 4),
]  # fmt: skip
SEX = [(Sex.FEMALE, 84), (Sex.MALE, 14), (Sex.PREFER_NOT_TO_SAY, 2)]
DISABILITY = [(Disability.NO, 84), (Disability.YES, 9), (Disability.PREFER_NOT_TO_SAY, 7)]
LEVELS = [(Level.PRACTITIONER, 80), (Level.SUPERVISOR, 15), (Level.LEADER, 5)]
OFSTED = [
    (OfstedGrade.OUTSTANDING, 15), (OfstedGrade.GOOD, 45),
    (OfstedGrade.REQUIRES_IMPROVEMENT, 30), (OfstedGrade.INADEQUATE, 10),
]  # fmt: skip


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(9 + rng.randint(0, 7), rng.randint(0, 59)), UTC)


def _attempt_fate(rng, worker, sat_on: date, today: date):
    """(state, sat_at, published_on, result) of a first attempt sat on `sat_on`."""
    if sat_on >= today:
        return AttemptState.BOOKED, None, None, None
    if rng.random() < 0.04:
        return AttemptState.CANCELLED, None, None, None
    if rng.random() < 0.05:
        return AttemptState.NO_SHOW, None, None, None
    sat_at = _moment(sat_on, rng)
    published_on = sat_on + timedelta(days=rng.randint(21, 56))
    if published_on >= today:
        return AttemptState.SCORED, sat_at, None, None
    met = 0.6
    if worker.age_band in (AgeBand.FROM_50_TO_59, AgeBand.OVER_60):
        met -= 0.12
    if worker.ethnicity_group in (EthnicityGroup.BLACK, EthnicityGroup.ASIAN):
        met -= 0.12
    if worker.employment_type == EmploymentType.AGENCY:
        met -= 0.05
    draw = rng.random()
    if draw < met:
        result = OutcomeResult.MET
    elif draw < met + 0.25:
        result = OutcomeResult.PARTIALLY_MET
    else:
        result = OutcomeResult.NOT_MET
    return AttemptState.OUTCOME_PUBLISHED, sat_at, published_on, result


def _area_results(rng, result: str, count: int) -> list[str]:
    """Per-area results that fit the overall result."""
    if result == OutcomeResult.MET:
        return [OutcomeResult.MET] * count
    short = rng.randint(1, 2) if result == OutcomeResult.PARTIALLY_MET else rng.randint(3, count)
    results = [OutcomeResult.MET] * count
    for index in rng.sample(range(count), short):
        results[index] = OutcomeResult.NOT_MET
    return results
