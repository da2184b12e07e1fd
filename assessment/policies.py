"""Who may see or do what with bookings, adjustments and test results, object by object."""

from naas.models import Role
from naas.policies import has_role, is_assessment_administrator, la_ids_where, roles_of

__all__ = [
    "can_book_for",
    "can_change_booking",
    "can_view_attempt",
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
    """Administrators; assessors and moderators for candidates from LAs they are not linked
    to. (Allocation of attempts to named assessors narrows this further once it exists.)"""
    if is_assessment_administrator(user):
        return True
    if not is_assessor(user):
        return False
    return attempt.worker.local_authority_id not in assessor_excluded_la_ids(user)


def can_manage_assessment_days(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)
