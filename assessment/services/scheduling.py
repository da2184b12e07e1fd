"""Writes for assessment days: centres, sittings, bookings, attendance and reasonable adjustments."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from endorsement.models import Endorsement
from endorsement.services import EndorsementError, endorsement_record_use, endorsement_release_use
from naas.dates import govuk_date
from naas.models import KSSFramework
from naas.services import audit_event_record
from naas.transitions import transition_apply

from .. import policies
from ..audit import AssessmentAction
from ..models import (
    SEAT_TAKING_STATES,
    AdjustmentDecision,
    AdjustmentKind,
    AdjustmentRequest,
    AssessmentCentre,
    Attempt,
    AttemptArea,
    AttemptState,
    Sitting,
)
from .common import (
    BOOKING_CHANGED_MESSAGE,
    AssessmentError,
    lock_attempt,
    not_booked,
    refused,
    require_administrator,
)


@transaction.atomic
def centre_create(*, actor, name: str, address: str, region: str) -> AssessmentCentre:
    """Add an assessment centre."""
    require_administrator(actor)
    if AssessmentCentre.objects.filter(name__iexact=name).exists():
        raise AssessmentError(f"There is already a centre called {name}")
    centre = AssessmentCentre.objects.create(name=name, address=address, region=region)
    audit_event_record(actor=actor, subject=centre, action=AssessmentAction.CENTRE_CREATED)
    return centre


@transaction.atomic
def sitting_create(
    *, actor, centre: AssessmentCentre, on: date, slot: int, capacity: int
) -> Sitting:
    """Plan a sitting at a centre on a future day, in one of the day's start slots."""
    require_administrator(actor)
    problems = []
    if on <= timezone.localdate():
        problems.append("The date of the sitting must be in the future")
    if not centre.is_active:
        problems.append(f"{centre.name} is no longer used as a centre")
    if capacity < 1:
        problems.append("The number of places must be 1 or more")
    if Sitting.objects.filter(centre=centre, date=on, slot=slot).exists():
        problems.append(f"{centre.name} already has a sitting in that slot on that day")
    if problems:
        raise AssessmentError(*problems)
    sitting = Sitting.objects.create(centre=centre, date=on, slot=slot, capacity=capacity)
    audit_event_record(
        actor=actor,
        subject=sitting,
        action=AssessmentAction.SITTING_CREATED,
        detail={"date": on.isoformat(), "slot": slot, "capacity": capacity},
    )
    return sitting


def lock_sitting_with_a_place(sitting: Sitting) -> Sitting:
    """Lock the sitting row (so bookings for it queue up), then check it is open and has a
    place. Every booking and rebooking goes through here, which is what keeps capacity."""
    locked = Sitting.objects.select_for_update().select_related("centre").get(pk=sitting.pk)
    if locked.date <= timezone.localdate():
        raise AssessmentError("Bookings for that sitting have closed; choose a later sitting")
    taken = Attempt.objects.filter(sitting=locked, state__in=SEAT_TAKING_STATES).count()
    if taken >= locked.capacity:
        raise AssessmentError("That sitting is full; choose another sitting")
    return locked


@dataclass(frozen=True)
class AdjustmentAsk:
    kind: str
    detail: str = ""


@transaction.atomic
def attempt_book(
    *,
    endorsement: Endorsement,
    sitting: Sitting,
    actor,
    adjustments: list[AdjustmentAsk] = (),
    adjustment_notes: str = "",
) -> Attempt:
    """Book an endorsed worker on a sitting, using their endorsement, with any reasonable
    adjustments they ask for."""
    if not policies.can_book_for(actor, endorsement.worker):
        raise PermissionDenied("You cannot book an assessment for this social worker")
    problems = adjustment_problems(adjustments)
    if problems:
        raise AssessmentError(*problems)
    locked_sitting = lock_sitting_with_a_place(sitting)
    try:
        used = endorsement_record_use(endorsement=endorsement, actor=actor)
    except EndorsementError as exc:
        raise AssessmentError(str(exc)) from exc
    framework = KSSFramework.objects.get(level=used.level, is_current=True)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                worker_id=used.worker_id,
                level=used.level,
                framework=framework,
                endorsement=used,
                sitting=locked_sitting,
                booked_by=actor,
                adjustment_notes=adjustment_notes,
            )
    except IntegrityError as exc:
        raise AssessmentError("This endorsement already has a booking") from exc
    AttemptArea.objects.bulk_create(
        AttemptArea(attempt=attempt, area=area) for area in framework.areas.all()
    )
    audit_event_record(
        actor=actor,
        subject=attempt,
        action=AssessmentAction.ATTEMPT_BOOKED,
        to_state=AttemptState.BOOKED,
        detail={"sitting": locked_sitting.pk, "endorsement": used.pk},
    )
    adjustment_requests_record(attempt=attempt, adjustments=adjustments, actor=actor)
    return attempt


def adjustment_requests_record(*, attempt: Attempt, adjustments, actor) -> None:
    """The adjustments asked for with a booking (a first booking or a fast-track retake), each
    pending an administrator's decision; the caller has checked them (adjustment_problems)."""
    for ask in adjustments:
        request = AdjustmentRequest.objects.create(
            attempt=attempt, kind=ask.kind, detail=ask.detail, requested_by=actor
        )
        audit_event_record(
            actor=actor,
            subject=request,
            action=AssessmentAction.ADJUSTMENT_REQUESTED,
            to_state=AdjustmentDecision.PENDING,
            detail={"attempt": attempt.pk, "kind": ask.kind},
        )


def adjustment_problems(adjustments) -> list[str]:
    problems = []
    kinds = [ask.kind for ask in adjustments]
    if len(set(kinds)) != len(kinds):
        problems.append("Ask for each kind of adjustment only once")
    for ask in adjustments:
        if ask.kind not in AdjustmentKind.values:
            problems.append("Choose adjustments from the list")
        elif ask.kind == AdjustmentKind.OTHER and not ask.detail.strip():
            problems.append("Describe the other adjustment you need")
    return problems


@transaction.atomic
def attempt_rebook(*, attempt: Attempt, sitting: Sitting, actor) -> Attempt:
    """Move a booking to another sitting before the day."""
    locked = lock_attempt(attempt)
    if not policies.can_change_booking(actor, locked):
        raise PermissionDenied("You cannot change this booking")
    if locked.state != AttemptState.BOOKED:
        raise not_booked(locked)
    if locked.sitting.date <= timezone.localdate():
        raise AssessmentError("A booking cannot be changed on or after the day of its sitting")
    if locked.sitting_id == sitting.pk:
        raise AssessmentError("The candidate is already booked on that sitting")
    new_sitting = lock_sitting_with_a_place(sitting)
    return transition_apply(
        locked,
        "rebook",
        actor=actor,
        action=AssessmentAction.ATTEMPT_REBOOKED,
        values={"sitting": new_sitting},
        detail={"from_sitting": locked.sitting_id, "to_sitting": new_sitting.pk},
        refuse=refused(BOOKING_CHANGED_MESSAGE),
    )


@transaction.atomic
def attempt_cancel(*, attempt: Attempt, actor, reason: str = "") -> Attempt:
    """Cancel a booking; the endorsement is freed so the worker can book again. Candidates
    and LA leads cancel before the day; an administrator may also cancel on the day."""
    locked = lock_attempt(attempt)
    if not policies.can_change_booking(actor, locked):
        raise PermissionDenied("You cannot cancel this booking")
    if locked.state != AttemptState.BOOKED:
        raise not_booked(locked)
    today = timezone.localdate()
    is_admin = policies.is_assessment_administrator(actor)
    if locked.sitting.date <= today and not is_admin:
        raise AssessmentError(
            "A booking cannot be cancelled on or after the day of its sitting; contact the "
            "assessment administrator"
        )
    if locked.sitting.date < today:
        raise AssessmentError("The sitting has taken place: record attendance instead")
    # Freed first so the trail reads as before: the endorsement released, then the booking
    # cancelled (a refusal below rolls the release back with everything else).
    if locked.endorsement_id:
        endorsement_release_use(endorsement=locked.endorsement, actor=actor)
    return transition_apply(
        locked,
        "cancel",
        actor=actor,
        action=AssessmentAction.ATTEMPT_CANCELLED,
        reason=reason,
        values={"cancelled_at": timezone.now(), "cancel_reason": reason},
        refuse=refused(BOOKING_CHANGED_MESSAGE),
    )


@transaction.atomic
def attempt_record_attendance(*, attempt: Attempt, attended: bool, actor) -> Attempt:
    """On or after the day, record that the candidate sat the assessment or did not come."""
    require_administrator(actor)
    locked = lock_attempt(attempt)
    if locked.state != AttemptState.BOOKED:
        raise AssessmentError(
            f"{locked.worker.registration_number} is already recorded as "
            f"{locked.get_state_display().lower()}"
        )
    if locked.sitting.date > timezone.localdate():
        raise AssessmentError("Attendance can be recorded only on or after the day of the sitting")
    if attended:
        name, action, moment = "sit", AssessmentAction.ATTEMPT_SAT, "sat_at"
    else:
        name, action, moment = "record_no_show", AssessmentAction.ATTEMPT_NO_SHOW, "no_show_at"
    return transition_apply(
        locked,
        name,
        actor=actor,
        action=action,
        values={moment: timezone.now()},
        refuse=refused(BOOKING_CHANGED_MESSAGE),
    )


@transaction.atomic
def sitting_record_attendance(*, sitting: Sitting, attendance: dict[int, bool], actor) -> int:
    """Record attendance for several of a sitting's candidates at once (attempt id -> attended).
    All or nothing: one refusal leaves every candidate as they were."""
    require_administrator(actor)
    attempts = {a.pk: a for a in Attempt.objects.filter(sitting=sitting, pk__in=attendance)}
    if attempts.keys() != set(attendance):
        raise AssessmentError("Some candidates are not booked on this sitting")
    for attempt_id, attended in attendance.items():
        attempt_record_attendance(attempt=attempts[attempt_id], attended=attended, actor=actor)
    return len(attendance)


@transaction.atomic
def adjustment_decide(
    *, adjustment: AdjustmentRequest, approve: bool, reason: str, actor
) -> AdjustmentRequest:
    """An administrator approves or declines an adjustment request, with a reason, before the
    day of the sitting."""
    require_administrator(actor)
    locked = (
        AdjustmentRequest.objects.select_for_update(of=("self",))
        .select_related("attempt__sitting")
        .get(pk=adjustment.pk)
    )
    if locked.decision != AdjustmentDecision.PENDING:
        raise AssessmentError(
            f"This request was already {locked.get_decision_display().lower()}"
            + (f" on {govuk_date(locked.decided_at)}" if locked.decided_at else "")
        )
    if locked.attempt.state != AttemptState.BOOKED:
        raise AssessmentError(
            f"The booking is {locked.attempt.get_state_display().lower()}, so the request "
            "no longer needs a decision"
        )
    if locked.attempt.sitting.date <= timezone.localdate():
        raise AssessmentError("Adjustments must be decided before the day of the sitting")
    reason = reason.strip()
    if not reason:
        raise AssessmentError("Enter the reason for the decision")
    return transition_apply(
        locked,
        "approve" if approve else "decline",
        actor=actor,
        action=AssessmentAction.ADJUSTMENT_APPROVED
        if approve
        else AssessmentAction.ADJUSTMENT_DECLINED,
        reason=reason,
        values={"decision_reason": reason, "decided_by": actor, "decided_at": timezone.now()},
        detail={"attempt": locked.attempt_id, "kind": locked.kind},
        refuse=refused(),
    )
