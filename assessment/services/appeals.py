"""Writes after an outcome: fast-track retakes and reviews."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from naas.models import KSSArea
from naas.services import audit_event_record
from naas.transitions import transition_apply

from .. import policies
from ..audit import AssessmentAction
from ..models import (
    Attempt,
    AttemptArea,
    AttemptState,
    MarkerRole,
    ReviewRequest,
    ReviewState,
    Sitting,
)
from ..selectors.outcomes import (
    areas_not_met,
    current_outcome,
    fast_track_problems,
    review_problems,
)
from .common import AssessmentError, lock_attempt, refused
from .scheduling import (
    AdjustmentAsk,
    adjustment_problems,
    adjustment_requests_record,
    lock_sitting_with_a_place,
)


@transaction.atomic
def attempt_book_fast_track(
    *,
    parent: Attempt,
    sitting: Sitting,
    actor,
    areas: list[KSSArea] | None = None,
    adjustments: list[AdjustmentAsk] = (),
    adjustment_notes: str = "",
) -> Attempt:
    """Book the one fast-track retake a partially-met worker may have, within the window,
    covering only the areas not met, with any reasonable adjustments they ask for (decided by
    an administrator, as for a first booking). No new endorsement is needed."""
    locked_parent = lock_attempt(parent)
    if not policies.can_act_for_own_outcome(actor, locked_parent):
        raise PermissionDenied("Only the candidate can book their fast-track retake")
    if areas is None:
        areas = areas_not_met(locked_parent)
    problems = fast_track_problems(locked_parent, areas=areas) + adjustment_problems(adjustments)
    if problems:
        raise AssessmentError(*problems)
    locked_sitting = lock_sitting_with_a_place(sitting)
    retake = Attempt.objects.create(
        worker_id=locked_parent.worker_id,
        level=locked_parent.level,
        framework=locked_parent.framework,
        parent=locked_parent,
        sitting=locked_sitting,
        booked_by=actor,
        adjustment_notes=adjustment_notes,
    )
    AttemptArea.objects.bulk_create(AttemptArea(attempt=retake, area=area) for area in areas)
    audit_event_record(
        actor=actor,
        subject=retake,
        action=AssessmentAction.ATTEMPT_FAST_TRACK_BOOKED,
        to_state=AttemptState.BOOKED,
        detail={
            "parent": locked_parent.pk,
            "sitting": locked_sitting.pk,
            "areas": [a.number for a in areas],
        },
    )
    adjustment_requests_record(attempt=retake, adjustments=adjustments, actor=actor)
    return retake


@transaction.atomic
def review_request(*, attempt: Attempt, grounds: str, actor, today: date | None = None):
    """The candidate asks for a review of their published outcome, within the window."""
    locked = lock_attempt(attempt)
    if not policies.can_act_for_own_outcome(actor, locked):
        raise PermissionDenied("Only the candidate can ask for a review of their outcome")
    problems = review_problems(locked, today=today)
    if not grounds.strip():
        problems.append("Enter your grounds for the review")
    if problems:
        raise AssessmentError(*problems)
    outcome = current_outcome(locked)
    transition_apply(
        locked,
        "request_review",
        actor=actor,
        action=AssessmentAction.ATTEMPT_REVIEW_REQUESTED,
        refuse=refused(),
    )
    review = ReviewRequest.objects.create(
        attempt=locked, outcome=outcome, grounds=grounds.strip(), requested_by=actor
    )
    audit_event_record(
        actor=actor,
        subject=review,
        action=AssessmentAction.REVIEW_REQUESTED,
        to_state=ReviewState.REQUESTED,
        detail={"outcome": outcome.reference},
    )
    return review


@transaction.atomic
def review_decide(*, review: ReviewRequest, uphold: bool, reason: str, actor) -> ReviewRequest:
    """The independent reviewer upholds the outcome (it stands and the attempt returns to
    published) or overturns it (scoring re-opens for the reviewer's marks, which make a new
    outcome version to confirm and publish; the old version stays in the history)."""
    locked = ReviewRequest.objects.select_for_update().get(pk=review.pk)
    attempt = lock_attempt(locked.attempt)
    reviewer = policies.allocation_of(actor, attempt, MarkerRole.REVIEWER)
    if reviewer is None or not policies.can_mark(actor, reviewer):
        raise PermissionDenied("You are not the reviewer of this attempt")
    if locked.state != ReviewState.REQUESTED:
        raise AssessmentError(
            f"This review has already been decided: {locked.get_state_display().lower()}"
        )
    reason = reason.strip()
    if not reason:
        raise AssessmentError("Enter the reason for your decision")
    transition_apply(
        locked,
        "uphold" if uphold else "overturn",
        actor=actor,
        action=AssessmentAction.REVIEW_UPHELD if uphold else AssessmentAction.REVIEW_OVERTURNED,
        reason=reason,
        values={"decided_by": actor, "decided_at": timezone.now(), "decision_reason": reason},
        refuse=refused(),
    )
    if uphold:
        transition_apply(
            attempt,
            "uphold_review",
            actor=actor,
            action=AssessmentAction.ATTEMPT_REVIEW_UPHELD,
            refuse=refused(),
        )
    return locked
