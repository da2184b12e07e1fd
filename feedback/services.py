"""Every write in the feedback app, each with its audit event in the same transaction."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from assessment.models import Attempt, AttemptState, Outcome, OutcomeResult
from naas.dates import govuk_date
from naas.models import DocumentState, KSSArea, SocialWorker, User
from naas.pdf import render_pdf
from naas.services import (
    DocumentRetry,
    audit_event_record,
    document_build,
    document_queue,
    document_retry,
)

from . import policies, selectors
from .audit import FeedbackAction
from .models import (
    Accreditation,
    AreaFeedback,
    Certificate,
    Letter,
    SupportAction,
    SupportActionStatus,
    SupportPlan,
)

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
    existing = {item.area_id: item for item in AreaFeedback.objects.filter(attempt=locked)}
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
    rows = selectors.area_rows(outcome)
    return [
        f"Write feedback for area {row.area.number}, {row.area.title}: it was "
        f"{row.result_label.lower()}"
        for row in rows
        if row.result != OutcomeResult.MET and not row.feedback.strip()
    ]


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
    return letter


def on_outcome_published(sender, *, outcome: Outcome, **kwargs) -> None:
    outcome_publication_record(outcome=outcome)


def letter_context(letter: Letter, *, today: date | None = None) -> dict:
    outcome = Outcome.objects.select_related(
        "attempt",
        "attempt__worker",
        "attempt__worker__user",
        "attempt__worker__local_authority",
        "attempt__parent",
    ).get(pk=letter.outcome_id)
    worker = outcome.attempt.worker
    rows = selectors.area_rows(outcome)
    met = sum(1 for row in rows if row.result == OutcomeResult.MET)
    level = outcome.attempt.get_level_display()
    if outcome.result == OutcomeResult.MET:
        summary = f"You met the standard in all {len(rows)} areas. You are now accredited."
    elif outcome.result == OutcomeResult.PARTIALLY_MET:
        summary = f"You met the standard in {met} of {len(rows)} areas."
    else:
        summary = f"You met the standard in {met} of {len(rows)} areas."
    steps = []
    fast_track = selectors.fast_track_deadline(outcome)
    review = selectors.review_deadline(outcome)
    if outcome.result == OutcomeResult.MET:
        steps.append("Your accreditation certificate is ready to download from your results page.")
    elif outcome.result == OutcomeResult.PARTIALLY_MET and fast_track:
        steps.append(
            "You can retake only the areas not met, without a new endorsement, "
            f"until {govuk_date(fast_track)}."
        )
        steps.append("Talk to your supervisor about the support your employer will give you.")
    else:
        steps.append("To be assessed again you need a new practice endorsement from your employer.")
        steps.append("Talk to your supervisor about the support your employer will give you.")
    if review:
        steps.append(f"You can ask for a review of this result until {govuk_date(review)}.")
    return {
        "worker_name": worker.user.full_name,
        "registration_number": worker.registration_number,
        "local_authority": worker.local_authority.name,
        "reference": outcome.reference,
        "version": outcome.version,
        "is_retake": outcome.attempt.parent_id is not None,
        "letter_date": today or timezone.localdate(outcome.published_at or timezone.now()),
        "level": level,
        "outcome": outcome.get_result_display(),
        "outcome_summary": summary,
        "areas": rows,
        "next_steps": steps,
    }


def letter_render(letter: Letter) -> bytes:
    context = letter_context(letter)
    return render_pdf(
        template_name="pdf/letter.html",
        context=context,
        title=f"Accreditation assessment result {context['reference']}",
    )


def certificate_render(certificate: Certificate) -> bytes:
    accreditation = Accreditation.objects.select_related(
        "worker", "worker__user", "worker__local_authority"
    ).get(pk=certificate.accreditation_id)
    return render_pdf(
        template_name="pdf/certificate.html",
        context={
            "worker_name": accreditation.worker.user.full_name,
            "registration_number": accreditation.worker.registration_number,
            "level": accreditation.get_level_display(),
            "accredited_on": accreditation.accredited_on,
            "reference": accreditation.reference,
        },
        title=f"Accreditation certificate {accreditation.reference}",
    )


def letter_build(*, letter_id: int) -> Letter:
    """The background task's work: make the PDF once, then tell the worker once."""
    letter = document_build(model=Letter, document_id=letter_id, render=letter_render)
    _email_letter_ready(letter_id=letter.pk)
    return letter


def certificate_build(*, certificate_id: int) -> Certificate:
    return document_build(model=Certificate, document_id=certificate_id, render=certificate_render)


def _email_letter_ready(*, letter_id: int) -> None:
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
    message = EmailMessage(
        subject=f"Your assessment result letter is ready – {SERVICE_NAME}",
        body=(
            f"Dear {user.full_name},\n\nYour accreditation assessment result and feedback "
            f"letter are ready.\n\n{where}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    try:
        message.send()
    except Exception:
        # Let the retry send it: give the claim back.
        Letter.objects.filter(pk=letter_id).update(emailed_at=None)
        raise


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
