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
    name = worker.user.full_name
    la = worker.local_authority
    problems: list[Problem] = []

    if not signer_supervises:
        problems.append(
            Problem(Rule.SIGNER, f"Only {name}'s supervisor at {la.name} can sign them off")
        )
    if level != worker.job_level:
        problems.append(
            Problem(
                Rule.LEVEL,
                f"The {Level(level).label.lower()} level does not fit {name}'s role "
                f"({worker.get_job_level_display().lower()})",
            )
        )
    if has_other_open_endorsement:
        problems.append(
            Problem(
                Rule.OPEN_ENDORSEMENT,
                f"{name} already has another open endorsement at this level",
            )
        )
    if has_current_accreditation:
        problems.append(
            Problem(Rule.ACCREDITED, f"{name} already holds a current accreditation at this level")
        )
    if not consent_recorded:
        problems.append(
            Problem(
                Rule.CONSENT,
                f"{name} has not recorded their consent yet: they give it on their own "
                "accreditation page",
            )
        )
    if evidence.supervision_sessions < 1:
        problems.append(
            Problem(Rule.SUPERVISION, "Record at least one reflective supervision session")
        )
    if not feedback_is_recent(evidence.latest_feedback_considered_on, today=today):
        problems.append(
            Problem(
                Rule.FEEDBACK,
                "Consider service-user feedback: none has been marked as considered in the "
                f"last {FEEDBACK_RECENCY_MONTHS} months",
            )
        )
    if worker.employed_since > today:
        problems.append(
            Problem(
                Rule.FUTURE_DATE,
                f"{name}'s start date at {la.name} is in the future: check the staff list",
            )
        )
    elif not months_reached(worker.employed_since, la.min_tenure_months, on=today):
        problems.append(
            Problem(
                Rule.TENURE,
                f"{name} reaches {la.name}'s minimum of {la.min_tenure_months} months' "
                f"employment on {govuk_date(tenure_reached_on(worker))}: they cannot be signed "
                "off before then",
            )
        )
    if worker.employment_type == EmploymentType.AGENCY and not la.endorses_agency_workers:
        problems.append(Problem(Rule.AGENCY, f"{la.name} does not endorse agency workers"))
    return problems
