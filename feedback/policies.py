"""Who may see or do what with results, feedback, letters, certificates and support plans.

A worker's results (outcome, feedback per area, letters, certificate, support plan) are seen
only by the worker, their supervisor (acting in the worker's LA) and their LA's lead. DfE staff
and assessors never see them here: DfE sees aggregates only."""

from assessment.models import Attempt, MarkerRole
from assessment.policies import allocation_of, assessor_conflicted
from naas.models import Role, SocialWorker
from naas.policies import can_lead_la, can_supervise, has_role


def can_view_results(user, worker: SocialWorker) -> bool:
    if not user.is_authenticated:
        return False
    return (
        worker.user_id == user.pk
        or can_supervise(user, worker)
        or can_lead_la(user, worker.local_authority_id)
    )


def can_manage_support_plan(user, worker: SocialWorker) -> bool:
    """The worker's supervisor or their LA's lead records the employer's support."""
    return user.is_authenticated and (
        can_supervise(user, worker) or can_lead_la(user, worker.local_authority_id)
    )


def can_write_feedback(user, attempt: Attempt) -> bool:
    """Only the attempt's active first marker writes its feedback, and never one with a
    conflict of interest in the candidate (assessment's one rule for every assessing action)."""
    first = allocation_of(user, attempt, MarkerRole.FIRST)
    return first is not None and not assessor_conflicted(user, attempt)


def can_manage_documents(user) -> bool:
    """Assessment administrators see letters and certificates that failed, and retry them."""
    return has_role(user, Role.ADMINISTRATOR)


def can_ask_for_support(user, outcome) -> bool:
    """Only the worker whose outcome it is asks their employer for support with it."""
    return user.is_authenticated and outcome.attempt.worker.user_id == user.pk


def can_download_credential(user, accreditation) -> bool:
    """A verifiable credential is the worker's own to hold and share: only they download it
    (their supervisor and LA lead see the accreditation, not the signed credential)."""
    return user.is_authenticated and accreditation.worker.user_id == user.pk
