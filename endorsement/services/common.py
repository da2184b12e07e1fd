"""What every endorsement write shares: the refusals it raises, the validity rules, locking the
row at the version the page showed, the audit detail and checking typed text."""

from datetime import date

from django.conf import settings

from naas.dates import add_months
from naas.transitions import Refuse, TransitionRefused

from ..eligibility import Problem
from ..models import Endorsement

DEFAULT_VALIDITY_MONTHS = 12


class EndorsementError(Exception):
    """A request the endorsement rules refuse; the message is shown to the user."""


class EndorsementChanged(EndorsementError):
    """The endorsement changed after the page acting on it was shown."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or "This endorsement has changed since you opened the page. Reload the page to see "
            "the latest version: nothing you sent has been saved."
        )


class EndorsementNotAllowed(EndorsementError):
    """The person acting may not do this to this endorsement or worker."""


class EndorsementNotEligible(EndorsementError):
    """Sign-off or confirmation refused by one or more eligibility rules."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def validity_months() -> int:
    """How long an endorsement stays usable after confirmation (setting, default 12)."""
    return int(getattr(settings, "NAAS_ENDORSEMENT_VALIDITY_MONTHS", DEFAULT_VALIDITY_MONTHS))


def validity_last_day(endorsed_on: date) -> date:
    """The last day an endorsement confirmed on `endorsed_on` (a date in England) can be used
    for a booking: `validity_months()` calendar months later. Stored as `valid_until` at
    confirmation; every page shows that stored day and `validity_ended` enforces it."""
    return add_months(endorsed_on, validity_months())


def validity_ended(valid_until: date | None, *, on: date) -> bool:
    """Whether an endorsement valid until `valid_until` (None: no end) has lapsed by the day
    `on`. The last day itself is still valid (the queries use `valid_until__lt=on` to match)."""
    return valid_until is not None and on > valid_until


def lock(endorsement: Endorsement, expected_version: int | None) -> Endorsement:
    """Lock the row for this transaction and check it is the version the page showed."""
    locked = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("worker__user", "worker__local_authority")
        .get(pk=endorsement.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise EndorsementChanged()
    return locked


def audit_detail(endorsement: Endorsement) -> dict:
    """What every endorsement audit event records besides its action and states."""
    return {"level": endorsement.level, "version": endorsement.version}


def refused(refusal: str) -> Refuse:
    """How a refused transition is shown: `refusal`, then the state the endorsement is in."""

    def message(refused: TransitionRefused) -> EndorsementError:
        if refused.concurrent:  # only if a row lock was bypassed
            return EndorsementChanged()
        locked = refused.subject
        return EndorsementError(
            f"{refusal}: it is {locked.get_state_display().lower()}"
            + (" and already used for a booking" if locked.used_at else "")
        )

    return message


def check_text(text: str, *, limit: int, what: str, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise EndorsementError(f"Enter {what}")
    if len(text) > limit:
        raise EndorsementError(f"{what[0].upper()}{what[1:]} must be {limit} characters or fewer")
    return text


def check_not_future(day: date, *, what: str, today: date) -> None:
    if day > today:
        raise EndorsementError(f"{what} must be today or in the past")
