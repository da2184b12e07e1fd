"""The rules a worker must meet before a supervisor may sign them off, as one pure function.

The sign-off and confirmation services, the supervisee list and the task list all ask this
function, so what a supervisor sees as "missing" is exactly what the sign-off refuses. The
caller gathers the facts (from queries or from annotated rows); nothing here touches the
database, so each rule is tested at its boundary without fixtures.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from naas.dates import add_months, govuk_date, months_reached
from naas.models import EmploymentType, Level, SocialWorker

FEEDBACK_RECENCY_MONTHS = 12


class Rule(StrEnum):
    NOT_STARTED = "not_started"
    CONSENT = "consent"
    SUPERVISION = "supervision"
    FEEDBACK = "feedback"
    TENURE = "tenure"
    AGENCY = "agency"
    SIGNER = "signer"
    OPEN_ENDORSEMENT = "open_endorsement"
    ACCREDITED = "accredited"
    LEVEL = "level"
    FUTURE_DATE = "future_date"


@dataclass(frozen=True)
class Problem:
    rule: Rule
    message: str


@dataclass(frozen=True)
class Evidence:
    """What has been recorded about a worker, counting only dates up to today."""

    supervision_sessions: int
    latest_feedback_considered_on: date | None


def tenure_reached_on(worker: SocialWorker) -> date:
    """The day the worker reaches their LA's minimum tenure."""
    return add_months(worker.employed_since, worker.local_authority.min_tenure_months)


def feedback_is_recent(considered_on: date | None, *, today: date) -> bool:
    """Considered on a day within the last 12 calendar months (today included)."""
    if considered_on is None or considered_on > today:
        return False
    return considered_on >= add_months(today, -FEEDBACK_RECENCY_MONTHS)


def unmet_rules(
    *,
    level: str,
    job_level: str,
    employed_since: date,
    min_tenure_months: int,
    is_agency: bool,
    la_endorses_agency: bool,
    consent_recorded: bool,
    evidence: Evidence,
    today: date,
    signer_supervises: bool = True,
    has_other_open_endorsement: bool = False,
    has_current_accreditation: bool = False,
) -> list[Rule]:
    """Every rule not yet met for sign-off at `level`, in the order a supervisor would work
    through them; empty when eligible. Plain values, no objects: a list of hundreds of
    supervisees asks this for every row and builds the messages only for the rows it shows."""
    rules = []
    if not signer_supervises:
        rules.append(Rule.SIGNER)
    if level != job_level:
        rules.append(Rule.LEVEL)
    if has_other_open_endorsement:
        rules.append(Rule.OPEN_ENDORSEMENT)
    if has_current_accreditation:
        rules.append(Rule.ACCREDITED)
    if not consent_recorded:
        rules.append(Rule.CONSENT)
    if evidence.supervision_sessions < 1:
        rules.append(Rule.SUPERVISION)
    if not feedback_is_recent(evidence.latest_feedback_considered_on, today=today):
        rules.append(Rule.FEEDBACK)
    if employed_since > today:
        rules.append(Rule.FUTURE_DATE)
    elif not months_reached(employed_since, min_tenure_months, on=today):
        rules.append(Rule.TENURE)
    if is_agency and not la_endorses_agency:
        rules.append(Rule.AGENCY)
    return rules


def eligibility_problems(
    *,
    worker: SocialWorker,
    level: str,
    consent_recorded: bool,
    evidence: Evidence,
    today: date,
    signer_supervises: bool = True,
    has_other_open_endorsement: bool = False,
    has_current_accreditation: bool = False,
) -> list[Problem]:
    """Every rule the worker does not yet meet for sign-off at `level`, each with its own
    message, in the order a supervisor would work through them. Empty when eligible."""
    la = worker.local_authority
    rules = unmet_rules(
        level=level,
        job_level=worker.job_level,
        employed_since=worker.employed_since,
        min_tenure_months=la.min_tenure_months,
        is_agency=worker.employment_type == EmploymentType.AGENCY,
        la_endorses_agency=la.endorses_agency_workers,
        consent_recorded=consent_recorded,
        evidence=evidence,
        today=today,
        signer_supervises=signer_supervises,
        has_other_open_endorsement=has_other_open_endorsement,
        has_current_accreditation=has_current_accreditation,
    )
    return problems_for(rules, worker=worker, level=level)


def problems_for(rules: list[Rule], *, worker: SocialWorker, level: str) -> list[Problem]:
    """The rules `unmet_rules` gave, each with the message a supervisor reads."""
    return [Problem(rule, _message(rule, worker, level)) for rule in rules]


def _message(rule: Rule, worker: SocialWorker, level: str) -> str:
    name = worker.user.full_name
    la = worker.local_authority
    match rule:
        case Rule.NOT_STARTED:
            return "Start an endorsement"
        case Rule.SIGNER:
            return f"Only {name}'s supervisor at {la.name} can sign them off"
        case Rule.LEVEL:
            return (
                f"The {Level(level).label.lower()} level does not fit {name}'s role "
                f"({worker.get_job_level_display().lower()})"
            )
        case Rule.OPEN_ENDORSEMENT:
            return f"{name} already has another open endorsement at this level"
        case Rule.ACCREDITED:
            return f"{name} already holds a current accreditation at this level"
        case Rule.CONSENT:
            return (
                f"{name} has not recorded their consent yet: they give it on their own "
                "accreditation page"
            )
        case Rule.SUPERVISION:
            return "Record at least one reflective supervision session"
        case Rule.FEEDBACK:
            return (
                "Consider service-user feedback: none has been marked as considered in the "
                f"last {FEEDBACK_RECENCY_MONTHS} months"
            )
        case Rule.FUTURE_DATE:
            return f"{name}'s start date at {la.name} is in the future: check the staff list"
        case Rule.TENURE:
            return (
                f"{name} reaches {la.name}'s minimum of {la.min_tenure_months} months' "
                f"employment on {govuk_date(tenure_reached_on(worker))}: they cannot be signed "
                "off before then"
            )
        case Rule.AGENCY:
            return f"{la.name} does not endorse agency workers"
    raise ValueError(rule)
