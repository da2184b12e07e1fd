"""Who may see or do what with bookings, adjustments and test results, object by object."""

from naas.models import Role
from naas.policies import has_role, is_assessment_administrator, la_ids_where, roles_of

from .models import Allocation, MarkerRole

__all__ = [
    "allocation_of",
    "can_act_for_own_outcome",
    "can_book_for",
    "can_change_booking",
    "can_confirm_outcome",
    "can_manage_rules",
    "can_mark",
    "can_publish_outcomes",
    "can_view_all_marks",
    "can_view_attempt",
    "can_view_outcome",
    "can_view_test_results",
    "is_assessment_administrator",
    "is_assessor",
]

ASSESSING_ROLES = (Role.ASSESSOR, Role.MODERATOR)


def _is_the_worker(user, worker) -> bool:
    return user.is_authenticated and worker.user_id == user.pk


def _leads_workers_la(user, worker) -> bool:
    return worker.local_authority_id in la_ids_where(user, Role.LA_LEAD)


def can_book_for(user, worker) -> bool:
    """The worker books for themselves; their LA's lead may book on their behalf."""
    return _is_the_worker(user, worker) or _leads_workers_la(user, worker)


def can_view_attempt(user, attempt) -> bool:
    """The booking and its adjustment decisions: the candidate, their LA lead, administrators."""
    return (
        _is_the_worker(user, attempt.worker)
        or _leads_workers_la(user, attempt.worker)
        or is_assessment_administrator(user)
    )


def can_change_booking(user, attempt) -> bool:
    """Cancel or rebook: the candidate, their LA lead, or an administrator."""
    return can_view_attempt(user, attempt)


def is_assessor(user) -> bool:
    return bool(roles_of(user) & set(ASSESSING_ROLES))


def assessor_excluded_la_ids(user) -> set[int]:
    """LAs an assessor or moderator is linked to: their candidates are never shown to them."""
    linked = set()
    for role in ASSESSING_ROLES:
        linked |= la_ids_where(user, role)
    return linked


def can_view_test_results(user, attempt) -> bool:
    """Administrators; assessors and moderators only for attempts allocated to them, and
    never for candidates from LAs they are linked to."""
    if is_assessment_administrator(user):
        return True
    if not is_assessor(user):
        return False
    if attempt.worker.local_authority_id in assessor_excluded_la_ids(user):
        return False
    return allocation_of(user, attempt) is not None


# --- Simulated practice, moderation, outcomes and reviews -----------------------------------


def allocation_of(user, attempt, role: str | None = None):
    """The user's active part in marking the attempt (optionally in one role), or None."""
    if not user.is_authenticated:
        return None
    allocations = Allocation.objects.filter(attempt=attempt, assessor=user, active=True)
    if role:
        allocations = allocations.filter(role=role)
    return allocations.first()


def can_mark(user, allocation) -> bool:
    """Only the assessor an allocation names marks through it, never one linked to the
    candidate's LA."""
    return (
        user.is_authenticated
        and allocation.active
        and allocation.assessor_id == user.pk
        and allocation.attempt.worker.local_authority_id not in assessor_excluded_la_ids(user)
    )


def can_view_all_marks(user, attempt) -> bool:
    """Every marker's marks side by side: administrators, and the attempt's moderator or
    reviewer. Never the first or second marker: second marking is blind."""
    if is_assessment_administrator(user):
        return True
    allocation = allocation_of(user, attempt)
    return (
        allocation is not None
        and allocation.role in (MarkerRole.MODERATOR, MarkerRole.REVIEWER)
        and attempt.worker.local_authority_id not in assessor_excluded_la_ids(user)
    )


def can_confirm_outcome(user, outcome) -> bool:
    """A moderator (not linked to the candidate's LA) or an administrator."""
    if is_assessment_administrator(user):
        return True
    return has_role(
        user, Role.MODERATOR
    ) and outcome.attempt.worker.local_authority_id not in assessor_excluded_la_ids(user)


def can_publish_outcomes(user) -> bool:
    return is_assessment_administrator(user)


def can_view_outcome(user, outcome) -> bool:
    """The candidate once it is published; administrators; moderators not linked to the
    candidate's LA; the attempt's allocated reviewer."""
    if outcome.is_published and _is_the_worker(user, outcome.attempt.worker):
        return True
    if can_confirm_outcome(user, outcome):
        return True
    return allocation_of(user, outcome.attempt, MarkerRole.REVIEWER) is not None and (
        outcome.attempt.worker.local_authority_id not in assessor_excluded_la_ids(user)
    )


def can_manage_rules(user) -> bool:
    return is_assessment_administrator(user)


def can_act_for_own_outcome(user, attempt) -> bool:
    """Fast-track retakes and reviews are asked for by the candidate themselves."""
    return _is_the_worker(user, attempt.worker)


def can_manage_assessment_days(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)
