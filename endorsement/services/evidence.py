"""The evidence a supervisor gathers for an endorsement: reflective supervision sessions and
service-user feedback, each recorded with its audit event."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from naas.dates import govuk_date
from naas.models import SocialWorker, User
from naas.policies import can_supervise
from naas.services import audit_event_record

from ..audit import EndorsementAction
from ..models import (
    FEEDBACK_SUMMARY_MAX,
    SUPERVISION_REFLECTION_MAX,
    FeedbackSource,
    Readiness,
    ServiceUserFeedback,
    SupervisionAreaView,
    SupervisionSession,
)
from ..selectors import current_framework_areas
from .common import (
    EndorsementChanged,
    EndorsementError,
    EndorsementNotAllowed,
    check_not_future,
    check_text,
)


def _locked_supervisee(worker: SocialWorker, actor: User) -> SocialWorker:
    worker = SocialWorker.objects.select_for_update().select_related("user").get(pk=worker.pk)
    if not can_supervise(actor, worker):
        raise EndorsementNotAllowed(f"Only {worker.full_name}'s supervisor can record this")
    return worker


@transaction.atomic
def supervision_session_record(
    *,
    worker: SocialWorker,
    actor: User,
    held_on: date,
    reflection: str,
    area_views: dict[int, str],
    today: date | None = None,
) -> SupervisionSession:
    """Record a reflective supervision session: the KSS areas discussed (from the current
    framework at the worker's level), each with the readiness view agreed, and a reflection."""
    today = today or timezone.localdate()
    worker = _locked_supervisee(worker, actor)
    check_not_future(held_on, what="The date of the session", today=today)
    reflection = check_text(reflection, limit=SUPERVISION_REFLECTION_MAX, what="a reflection")
    areas = {area.pk: area for area in current_framework_areas(worker.job_level)}
    if not area_views:
        raise EndorsementError("Choose a readiness view for at least one area you discussed")
    for area_id, readiness in area_views.items():
        if area_id not in areas:
            raise EndorsementError("Choose areas from the worker's current framework")
        if readiness not in Readiness.values:
            raise EndorsementError("Choose a readiness view for each area you discussed")
    session = SupervisionSession.objects.create(
        worker=worker, recorded_by=actor, held_on=held_on, reflection=reflection
    )
    SupervisionAreaView.objects.bulk_create(
        SupervisionAreaView(session=session, area=areas[area_id], readiness=readiness)
        for area_id, readiness in sorted(area_views.items())
    )
    audit_event_record(
        actor=actor,
        subject=session,
        action=EndorsementAction.SUPERVISION_SESSION_RECORDED,
        detail={
            "worker_id": worker.pk,
            "held_on": held_on.isoformat(),
            "areas": {str(areas[a].number): r for a, r in sorted(area_views.items())},
        },
    )
    return session


@transaction.atomic
def service_user_feedback_record(
    *,
    worker: SocialWorker,
    actor: User,
    received_on: date,
    source_type: str,
    summary: str,
    today: date | None = None,
) -> ServiceUserFeedback:
    """Record feedback about the worker from someone they work with."""
    today = today or timezone.localdate()
    worker = _locked_supervisee(worker, actor)
    check_not_future(received_on, what="The date the feedback was received", today=today)
    if source_type not in FeedbackSource.values:
        raise EndorsementError("Choose who the feedback came from")
    summary = check_text(summary, limit=FEEDBACK_SUMMARY_MAX, what="a summary of the feedback")
    feedback = ServiceUserFeedback.objects.create(
        worker=worker,
        recorded_by=actor,
        received_on=received_on,
        source_type=source_type,
        summary=summary,
    )
    audit_event_record(
        actor=actor,
        subject=feedback,
        action=EndorsementAction.SERVICE_USER_FEEDBACK_RECORDED,
        detail={
            "worker_id": worker.pk,
            "received_on": received_on.isoformat(),
            "source_type": source_type,
        },
    )
    return feedback


@transaction.atomic
def service_user_feedback_mark_considered(
    *,
    feedback: ServiceUserFeedback,
    actor: User,
    considered_on: date,
    today: date | None = None,
) -> ServiceUserFeedback:
    """The supervisor records the date they considered the feedback."""
    today = today or timezone.localdate()
    locked = (
        ServiceUserFeedback.objects.select_for_update(of=("self",))
        .select_related("worker__user")
        .get(pk=feedback.pk)
    )
    _locked_supervisee(locked.worker, actor)
    if locked.considered_on is not None:
        raise EndorsementChanged(
            f"This feedback was already marked as considered on "
            f"{govuk_date(locked.considered_on)}: reload the page"
        )
    check_not_future(considered_on, what="The date you considered it", today=today)
    if considered_on < locked.received_on:
        raise EndorsementError("The date you considered it must be on or after it was received")
    locked.considered_on = considered_on
    locked.considered_by = actor
    locked.save(update_fields=["considered_on", "considered_by"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action=EndorsementAction.SERVICE_USER_FEEDBACK_CONSIDERED,
        detail={"worker_id": locked.worker_id, "considered_on": considered_on.isoformat()},
    )
    return locked
