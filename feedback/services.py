"""Every write in the feedback app, each with its audit event in the same transaction."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessment.models import Attempt, AttemptState, Outcome, OutcomeResult
from naas.models import DocumentState, KSSArea, SocialWorker, User
from naas.notify.services import notify_message_queue
from naas.services import (
    DocumentRetry,
    audit_event_record,
    document_build,
    document_queue,
    document_retry,
)

from . import policies, selectors
from .audit import FeedbackAction
from .credentials.services import credential_issue, credential_revoke
from .documents import certificate_render, letter_render
from .models import (
    SUPPORT_REQUEST_MAX,
    Accreditation,
    AreaFeedback,
    Certificate,
    Letter,
    SupportAction,
    SupportActionStatus,
    SupportPlan,
    SupportRequest,
)
from .tasks import send_support_request_notice

logger = logging.getLogger(__name__)

SERVICE_NAME = "Social work accreditation"
# Attempts whose feedback can still change: once published, it changes only through a review.
FEEDBACK_OPEN_STATES = (
    AttemptState.SAT,
    AttemptState.SCORED,
    AttemptState.MODERATED,
    AttemptState.UNDER_REVIEW,
)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class FeedbackError(Exception):
    """A write the rules refuse; the message is for the user."""


# --- Feedback per area ------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackEntry:
    area_id: int
    feedback: str
    development_suggestions: str


@transaction.atomic
def area_feedback_save(*, attempt: Attempt, actor: User, entries: list[FeedbackEntry]) -> int:
    """Save the first marker's feedback for the attempt's areas; returns how many changed."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not policies.can_write_feedback(actor, locked):
        raise FeedbackError("Only the attempt's first marker can write its feedback")
    if locked.state not in FEEDBACK_OPEN_STATES:
        raise FeedbackError("Feedback cannot be changed for this attempt now")
    allowed = {area.pk for area in selectors.attempt_areas(locked)}
    existing = {
        item.area_id: item for item in AreaFeedback.objects.filter(attempt=locked).order_by()
    }
    changed = 0
    for entry in entries:
        if entry.area_id not in allowed:
            raise FeedbackError("That area is not part of this attempt")
        item = existing.get(entry.area_id)
        if item is None:
            if not entry.feedback and not entry.development_suggestions:
                continue
            item = AreaFeedback.objects.create(
                attempt=locked,
                area_id=entry.area_id,
                feedback=entry.feedback,
                development_suggestions=entry.development_suggestions,
                written_by=actor,
            )
            action = FeedbackAction.AREA_FEEDBACK_CREATED
        elif (item.feedback, item.development_suggestions) != (
            entry.feedback,
            entry.development_suggestions,
        ):
            item.feedback = entry.feedback
            item.development_suggestions = entry.development_suggestions
            item.written_by = actor
            item.save(
                update_fields=["feedback", "development_suggestions", "written_by", "updated_at"]
            )
            action = FeedbackAction.AREA_FEEDBACK_UPDATED
        else:
            continue
        changed += 1
        # The text itself stays out of the audit trail; the row keeps it.
        audit_event_record(
            actor=actor, subject=item, action=action, detail={"area_id": entry.area_id}
        )
    return changed


def publication_feedback_problems(outcome: Outcome) -> list[str]:
    """A pre-publish check: every area that is not met needs feedback."""
    return publication_feedback_problems_by_outcome([outcome])[outcome.pk]


def publication_feedback_problems_by_outcome(outcomes) -> dict[int, list[str]]:
    """The same check for a list of outcomes at once (the publishing page's)."""
    return {
        pk: [
            f"Write feedback for area {row.area.number}, {row.area.title}: it was "
            f"{row.result_label.lower()}"
            for row in rows
            if row.result != OutcomeResult.MET and not row.feedback.strip()
        ]
        for pk, rows in selectors.area_rows_by_outcome(outcomes).items()
    }


# --- Publication: letters, accreditations, certificates -------------------------------------


def _new_accreditation_reference() -> str:
    while True:
        body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"ACC-{body[:4]}-{body[4:]}"
        if not Accreditation.objects.filter(reference=reference).exists():
            return reference


def outcome_publication_record(*, outcome: Outcome) -> Letter:
    """Called inside the transaction that publishes an outcome version: make its letter row
    (once), record or withdraw the accreditation, and queue the PDFs on commit."""
    with transaction.atomic():
        outcome = Outcome.objects.select_related("attempt", "attempt__worker").get(pk=outcome.pk)
        letter, created = Letter.objects.get_or_create(outcome=outcome)
        if created:
            audit_event_record(
                actor=None,
                subject=letter,
                action=FeedbackAction.LETTER_REQUESTED,
                to_state=DocumentState.PENDING,
                detail={"outcome_id": outcome.pk},
            )
            document_queue(document=letter)
        worker = outcome.attempt.worker
        # A review that replaced a met outcome with one that is not met withdraws it.
        for old in (
            Accreditation.objects.select_for_update()
            .filter(outcome__attempt=outcome.attempt, withdrawn_at__isnull=True)
            .exclude(outcome=outcome)
        ):
            if outcome.result != OutcomeResult.MET:
                old.withdrawn_at = timezone.now()
                old.save(update_fields=["withdrawn_at"])
                audit_event_record(
                    actor=None,
                    subject=old,
                    action=FeedbackAction.ACCREDITATION_WITHDRAWN,
                    detail={"outcome_id": outcome.pk},
                )
                credential_revoke(
                    accreditation=old, reason=f"Replaced by outcome {outcome.reference}"
                )
        if outcome.result == OutcomeResult.MET and not selectors.worker_holds_accreditation(
            worker, outcome.attempt.level
        ):
            accreditation = Accreditation.objects.create(
                worker=worker,
                level=outcome.attempt.level,
                outcome=outcome,
                accredited_on=timezone.localdate(outcome.published_at or timezone.now()),
                reference=_new_accreditation_reference(),
            )
            certificate = Certificate.objects.create(accreditation=accreditation)
            audit_event_record(
                actor=None, subject=accreditation, action=FeedbackAction.ACCREDITATION_RECORDED
            )
            document_queue(document=certificate)
            credential_issue(accreditation=accreditation)
    return letter


def on_outcome_published(sender, *, outcome: Outcome, **kwargs) -> None:
    outcome_publication_record(outcome=outcome)


def letter_build(*, letter_id: int) -> Letter:
    """The background task's work: make the PDF once, then tell the worker once."""
    letter = document_build(model=Letter, document_id=letter_id, render=letter_render)
    _email_letter_ready(letter_id=letter.pk)
    return letter


def certificate_build(*, certificate_id: int) -> Certificate:
    return document_build(model=Certificate, document_id=certificate_id, render=certificate_render)


@transaction.atomic
def _email_letter_ready(*, letter_id: int) -> None:
    """Tell the worker once (GOV.UK Notify, naas.notify): the claim and the queued email commit
    together, so a failure leaves neither and the retry asks again."""
    claimed = Letter.objects.filter(
        pk=letter_id, state=DocumentState.READY, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return
    letter = Letter.objects.select_related("outcome__attempt__worker__user").get(pk=letter_id)
    user = letter.outcome.attempt.worker.user
    if not user.email:
        return
    site = getattr(settings, "NAAS_SITE_URL", "").rstrip("/")
    where = f"{site}/results/" if site else f"Sign in to {SERVICE_NAME} and open Your results."
    notify_message_queue(
        kind="feedback_letter_ready",
        recipient=user,
        personalisation={"name": user.full_name, "link": where},
        actor=None,
    )


@transaction.atomic
def letter_retry(*, letter: Letter, actor: User) -> DocumentRetry:
    """Ask again for a failed (or stuck) letter; a ready one is left as it is."""
    if not policies.can_manage_documents(actor):
        raise FeedbackError("Only an assessment administrator can retry a letter")
    return document_retry(document=letter, actor=actor)


@transaction.atomic
def certificate_retry(*, certificate: Certificate, actor: User) -> DocumentRetry:
    """Ask again for a failed (or stuck) certificate; a ready one is left as it is."""
    if not policies.can_manage_documents(actor):
        raise FeedbackError("Only an assessment administrator can retry a certificate")
    return document_retry(document=certificate, actor=actor)


# --- Employer support -------------------------------------------------------------------------


@transaction.atomic
def support_action_add(
    *,
    worker: SocialWorker,
    actor: User,
    area: KSSArea,
    action: str,
    owner: str,
    due_on: date,
) -> SupportAction:
    """Record a support action for an area the worker's current outcome did not meet (making
    the plan on the first one)."""
    if not policies.can_manage_support_plan(actor, worker):
        raise FeedbackError("Only the worker's supervisor or LA lead can record support")
    outcome = selectors.current_outcome(worker)
    if outcome is None or outcome.result == OutcomeResult.MET:
        raise FeedbackError("Support plans are for workers who have not yet met the standard")
    if area.pk not in {a.pk for a in selectors.areas_not_met(outcome)}:
        raise FeedbackError("Choose an area the worker did not meet")
    plan, created = SupportPlan.objects.select_for_update().get_or_create(
        outcome=outcome, defaults={"worker": worker, "created_by": actor}
    )
    if created:
        audit_event_record(actor=actor, subject=plan, action=FeedbackAction.SUPPORT_PLAN_CREATED)
    item = SupportAction.objects.create(
        plan=plan, area=area, action=action, owner=owner, due_on=due_on
    )
    audit_event_record(
        actor=actor,
        subject=item,
        action=FeedbackAction.SUPPORT_ACTION_CREATED,
        to_state=item.status,
        detail={"area_id": area.pk},
    )
    return item


@transaction.atomic
def support_action_set_status(*, item: SupportAction, actor: User, status: str) -> SupportAction:
    locked = (
        SupportAction.objects.select_for_update().select_related("plan__worker").get(pk=item.pk)
    )
    if not policies.can_manage_support_plan(actor, locked.plan.worker):
        raise FeedbackError("Only the worker's supervisor or LA lead can update support")
    if status not in SupportActionStatus.values:
        raise FeedbackError("Choose a status")
    if locked.status == status:
        return locked
    before = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action=FeedbackAction.SUPPORT_ACTION_STATUS_CHANGED,
        from_state=before,
        to_state=status,
    )
    return locked


# --- The worker asks for support --------------------------------------------------------------


def support_request_closed(outcome: Outcome) -> list[str]:
    """Why no support can be asked for with this outcome at all (empty when it can)."""
    if outcome.published_at is None or outcome.superseded_at is not None:
        return ["This result has been replaced. Go back to your results to see the latest one"]
    if outcome.result == OutcomeResult.MET:
        return ["You met the standard in every area, so there is no support to ask for"]
    return []


def support_request_problems(outcome: Outcome, *, area_ids, what_would_help: str) -> list[str]:
    """Why this request cannot be sent (empty when it can)."""
    closed = support_request_closed(outcome)
    if closed:
        return closed
    allowed = {area.pk for area in selectors.areas_not_met(outcome)}
    problems = []
    if not area_ids:
        problems.append("Select at least one area you would like support with")
    elif not set(area_ids) <= allowed:
        problems.append("Select only areas you did not meet")
    if not what_would_help.strip():
        problems.append("Enter what would help you")
    elif len(what_would_help) > SUPPORT_REQUEST_MAX:
        problems.append(f"What would help must be {SUPPORT_REQUEST_MAX} characters or fewer")
    return problems


@transaction.atomic
def support_request_send(
    *, outcome: Outcome, area_ids: list[int], what_would_help: str, actor: User
) -> SupportRequest:
    """The worker asks their supervisor for support in areas their current outcome did not
    meet. The supervisor is emailed once the request is saved."""
    locked = (
        Outcome.objects.select_for_update().select_related("attempt__worker").get(pk=outcome.pk)
    )
    if not policies.can_ask_for_support(actor, locked):
        raise FeedbackError("You can only ask for support with your own results")
    what_would_help = what_would_help.strip()
    problems = support_request_problems(locked, area_ids=area_ids, what_would_help=what_would_help)
    if problems:
        raise FeedbackError(*problems)
    worker = locked.attempt.worker
    item = SupportRequest.objects.create(
        worker=worker,
        outcome=locked,
        what_would_help=what_would_help,
        sent_to_id=worker.supervisor_id,
    )
    item.areas.set(area_ids)
    # What the worker wrote stays out of the audit trail; the row keeps it.
    audit_event_record(
        actor=actor,
        subject=item,
        action=FeedbackAction.SUPPORT_REQUESTED,
        detail={"outcome_id": locked.pk, "area_ids": sorted(area_ids)},
    )
    transaction.on_commit(partial(send_support_request_notice.delay, item.pk))
    return item
