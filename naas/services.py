"""Every write in the core domain, each with its audit event in the same transaction."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import (
    AuditEvent,
    DocumentState,
    GeneratedDocument,
    LocalAuthority,
    SocialWorker,
    User,
)


def audit_event_record(
    *,
    actor,
    subject,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append an audit event. Call it inside the transaction that made the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        detail=detail or {},
    )


def audit_events_record_many(*, actor, action: str, subjects, detail=None) -> None:
    """Append one audit event per subject in a single insert (bulk imports)."""
    events = [
        AuditEvent(
            actor=actor,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=str(subject.pk),
            action=action,
            detail=detail or {},
        )
        for subject in subjects
    ]
    AuditEvent.objects.bulk_create(events)


@transaction.atomic
def social_worker_update_equality_data(*, worker: SocialWorker, actor: User, data: dict) -> None:
    """Record the worker's own equality answers (each optional)."""
    fields = ["age_band", "ethnicity_group", "sex", "disability"]
    for field in fields:
        setattr(worker, field, data.get(field, ""))
    worker.save(update_fields=fields)
    # The answers themselves stay out of the audit trail: they are sensitive.
    audit_event_record(actor=actor, subject=worker, action="equality_data.updated")


@dataclass
class StaffImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def staff_import(*, local_authority: LocalAuthority, actor: User, rows) -> StaffImportResult:
    """Create or update the LA's social workers from checked rows. Importing the same rows
    again changes nothing; a worker is matched by registration number."""
    result = StaffImportResult()
    existing = {
        w.registration_number: w
        for w in SocialWorker.objects.select_for_update()
        .select_related("user")
        .filter(registration_number__in=[row.registration_number for row in rows])
    }
    users_by_email = {
        u.email: u for u in User.objects.filter(email__in=[row.email for row in rows])
    }
    created, updated = [], []
    for row in rows:
        worker = existing.get(row.registration_number)
        if worker is None:
            user = users_by_email.get(row.email) or User.objects.create_user(
                email=row.email, full_name=row.full_name
            )
            worker = SocialWorker(user=user, registration_number=row.registration_number)
            _apply_staff_row(worker, row, local_authority)
            worker.save()
            created.append(worker)
            continue
        if _staff_row_changes(worker, row, local_authority):
            _apply_staff_row(worker, row, local_authority)
            worker.save()
            if worker.user.full_name != row.full_name or worker.user.email != row.email:
                worker.user.full_name, worker.user.email = row.full_name, row.email
                worker.user.save(update_fields=["full_name", "email"])
            updated.append(worker)
        else:
            result.unchanged += 1
    result.created, result.updated = len(created), len(updated)
    audit_events_record_many(actor=actor, action="staff_import.created", subjects=created)
    audit_events_record_many(actor=actor, action="staff_import.updated", subjects=updated)
    return result


def _apply_staff_row(worker: SocialWorker, row, local_authority: LocalAuthority) -> None:
    worker.local_authority = local_authority
    worker.employment_type = row.employment_type
    worker.employed_since = row.employed_since
    worker.supervisor_id = row.supervisor_id
    worker.job_level = row.level


def _staff_row_changes(worker: SocialWorker, row, local_authority: LocalAuthority) -> bool:
    return (
        worker.local_authority_id != local_authority.pk
        or worker.employment_type != row.employment_type
        or worker.employed_since != row.employed_since
        or worker.supervisor_id != row.supervisor_id
        or worker.job_level != row.level
        or worker.user.full_name != row.full_name
        or worker.user.email != row.email
    )


# Background documents (see naas.models.GeneratedDocument) -------------------------------

logger = logging.getLogger(__name__)


def document_queue(*, document: GeneratedDocument) -> None:
    """Send the document's build task once the current transaction commits. If the broker is
    down the error is logged, not raised: the row stays pending and the sweep sends it later."""
    type(document).objects.filter(pk=document.pk).update(queued_at=timezone.now())
    task_name, document_id = document.build_task_name, document.pk

    # A named function, not functools.partial: Django logs a failing robust callback by its
    # __qualname__, which a partial lacks (the logging itself then raised, defeating robust=True).
    def send_build_task() -> None:
        _send_build_task(task_name, document_id)

    transaction.on_commit(send_build_task, robust=True)


def _send_build_task(task_name: str, document_id: int) -> None:
    from celery import current_app
    from django.utils.module_loading import import_string

    # In a web process Celery has not imported the apps' tasks modules (autodiscovery runs in
    # workers): import the task by its dotted name when it is not registered yet.
    task = current_app.tasks.get(task_name) or import_string(task_name)
    task.delay(document_id)


def document_build(
    *, model: type[GeneratedDocument], document_id: int, render
) -> GeneratedDocument:
    """Make the document's file with `render(document) -> bytes`, exactly once.

    Rendering happens outside any lock; the result is saved only if no other run finished
    first, so a redelivered or duplicated task never makes a second file."""
    with transaction.atomic():
        document = model.objects.select_for_update().get(pk=document_id)
        if document.state == DocumentState.READY:
            return document
        document.state = DocumentState.RUNNING
        document.attempts += 1
        document.started_at = timezone.now()
        document.save(update_fields=["state", "attempts", "started_at"])
    content = render(document)
    with transaction.atomic():
        document = model.objects.select_for_update().get(pk=document_id)
        if document.state == DocumentState.READY:
            return document
        name = document.document_filename()
        storage = document.file.storage
        if document.file.name:
            storage.delete(document.file.name)
        document.file.save(name, ContentFile(content), save=False)
        document.state = DocumentState.READY
        document.progress = 100
        document.last_error = ""
        document.completed_at = timezone.now()
        document.save(update_fields=["file", "state", "progress", "last_error", "completed_at"])
    return document


def document_report_progress(*, model: type[GeneratedDocument], document_id: int, percent: int):
    model.objects.filter(pk=document_id).exclude(state=DocumentState.READY).update(
        progress=max(0, min(99, percent))
    )


def document_mark_failed(*, model: type[GeneratedDocument], document_id: int, error: str) -> None:
    """Record that the task gave up. The message is for staff: it must hold no personal data."""
    model.objects.filter(pk=document_id).exclude(state=DocumentState.READY).update(
        state=DocumentState.FAILED, last_error=error[:500]
    )


@transaction.atomic
def document_retry(*, document: GeneratedDocument, actor) -> GeneratedDocument:
    """Staff ask for a failed document again."""
    locked = type(document).objects.select_for_update().get(pk=document.pk)
    if locked.state != DocumentState.FAILED:
        return locked
    locked.state = DocumentState.PENDING
    locked.last_error = ""
    locked.progress = 0
    locked.save(update_fields=["state", "last_error", "progress"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action="document.retried",
        from_state=DocumentState.FAILED,
        to_state=DocumentState.PENDING,
    )
    document_queue(document=locked)
    return locked


def document_models() -> list[type[GeneratedDocument]]:
    return [m for m in apps.get_models() if issubclass(m, GeneratedDocument)]


def documents_sweep(*, older_than: timedelta) -> int:
    """Re-send the build task of every document still unfinished long after it was queued
    (a lost broker message, a broker that was down, a worker that died)."""
    cutoff = timezone.now() - older_than
    sent = 0
    for model in document_models():
        stale = model.objects.filter(
            Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True),
            state__in=[DocumentState.PENDING, DocumentState.RUNNING],
            requested_at__lt=cutoff,
        ).values_list("pk", flat=True)
        for document_id in stale:
            model.objects.filter(pk=document_id).update(queued_at=timezone.now())
            try:
                _send_build_task(model.build_task_name, document_id)
                sent += 1
            except Exception:
                logger.exception("Could not queue %s %s", model.__name__, document_id)
    return sent
