"""Every write in the core domain, each with its audit event in the same transaction."""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import dates
from .audit import AuditAction, NaasAction, audit_action

# The audit writers live below this module (so naas.transitions can use them too); apps import
# them from here.
from .audit_trail import (  # noqa: F401
    audit_event_record,
    audit_events_record_for_ids,
    audit_events_record_many,
)
from .models import (
    AuditEvent,
    DocumentState,
    GeneratedDocument,
    LocalAuthority,
    SocialWorker,
    User,
    is_failed_or_stale,
)
from .staff_csv import StaffFileCheck, check_staff_rows
from .transitions import transition_apply


@transaction.atomic
def social_worker_update_equality_data(*, worker: SocialWorker, actor: User, data: dict) -> None:
    """Record the worker's own equality answers (each optional)."""
    fields = ["age_band", "ethnicity_group", "sex", "disability"]
    # From the database: the page's model form has already copied the answers onto `worker`.
    stored = type(worker).objects.filter(pk=worker.pk).values(*fields).get()
    changed = [field for field in fields if stored[field] != data.get(field, "")]
    if not changed:
        return  # the same answers sent again: nothing to record
    for field in changed:
        setattr(worker, field, data.get(field, ""))
    worker.save(update_fields=changed)
    # The answers themselves stay out of the audit trail: they are sensitive.
    audit_event_record(actor=actor, subject=worker, action=NaasAction.EQUALITY_DATA_UPDATED)


@dataclass
class StaffImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class StaffImportOutcome:
    """What confirming an import did: ``applied`` (now), ``already_applied`` (by an earlier
    confirm of the same import), ``changed`` (the database moved on since the preview: nothing
    written, ``check`` is the new plan to show) or ``invalid`` (rows now have problems)."""

    status: str
    result: StaffImportResult | None = None
    check: StaffFileCheck | None = None


@transaction.atomic
def staff_import_apply(
    *,
    local_authority: LocalAuthority,
    actor: User,
    import_id: str,
    records: list[dict[str, str]],
    file_sha256: str,
    expected_plan: str,
) -> StaffImportOutcome:
    """Apply a previewed staff list, all or nothing, if and only if checking its rows against
    the database now gives exactly the plan that was shown (``expected_plan``, the digest of
    that check). Confirming the same ``import_id`` twice applies it once."""
    # One import at a time per LA: a second confirm waits here, then finds the first's record.
    LocalAuthority.objects.select_for_update().filter(pk=local_authority.pk).first()
    done = _staff_import_applied_event(local_authority, import_id)
    if done is not None:
        return StaffImportOutcome(
            "already_applied",
            result=StaffImportResult(**{k: done.detail[k] for k in StaffImportResult().as_dict()}),
        )
    numbers = [r.get("registration_number", "").upper() for r in records]
    list(SocialWorker.objects.select_for_update().filter(registration_number__in=numbers))
    check = check_staff_rows(records, local_authority, dates.today())
    if not check.is_valid:
        return StaffImportOutcome("invalid", check=check)
    if check.plan_digest() != expected_plan:
        return StaffImportOutcome("changed", check=check)
    result = _staff_import_write(
        local_authority=local_authority, actor=actor, import_id=import_id, check=check
    )
    audit_event_record(
        actor=actor,
        subject=local_authority,
        action=NaasAction.STAFF_IMPORT_APPLIED,
        detail={
            "import_id": import_id,
            "file_sha256": file_sha256,
            "rows": len(check.rows),
            **result.as_dict(),
        },
    )
    return StaffImportOutcome("applied", result=result, check=check)


def _staff_import_applied_event(local_authority: LocalAuthority, import_id: str):
    return (
        AuditEvent.objects.for_object(local_authority)
        .filter(action=NaasAction.STAFF_IMPORT_APPLIED, detail__import_id=import_id)
        .first()
    )


def _staff_import_write(
    *, local_authority: LocalAuthority, actor: User, import_id: str, check: StaffFileCheck
) -> StaffImportResult:
    """Write a checked plan: new people get a new account (no password yet) and worker record;
    matched workers get only the changes the plan lists. Every write is audited with what it
    was and what it became, so the trail keeps what was true at the time."""
    created, updated = [], []
    for row in check.new_rows:
        user = User.objects.create_user(email=row.email, full_name=row.full_name)
        worker = SocialWorker.objects.create(
            user=user,
            registration_number=row.registration_number,
            local_authority=local_authority,
            employment_type=row.employment_type,
            employed_since=row.employed_since,
            supervisor_id=row.supervisor_id,
            job_level=row.level,
        )
        created.append(
            (
                worker,
                {
                    "import_id": import_id,
                    "row": row.line,
                    "registration_number": row.registration_number,
                    "full_name": row.full_name,
                    "email": row.email,
                    "employment_type": row.employment_type,
                    "employed_since": row.employed_since.isoformat(),
                    "supervisor_email": row.supervisor_email,
                    "level": row.level,
                },
            )
        )
    changed_rows = check.changed_rows
    workers = SocialWorker.objects.select_related("user").in_bulk(
        [row.worker_id for row in changed_rows]
    )
    for row in changed_rows:
        worker = workers[row.worker_id]
        columns = {change.column for change in row.changes}
        worker_fields = []
        for column, attribute, value in (
            ("employment_type", "employment_type", row.employment_type),
            ("employed_since", "employed_since", row.employed_since),
            ("supervisor_email", "supervisor_id", row.supervisor_id),
            ("level", "job_level", row.level),
        ):
            if column in columns:
                setattr(worker, attribute, value)
                worker_fields.append(attribute)
        if worker_fields:
            worker.save(update_fields=worker_fields)
        if "full_name" in columns:
            worker.user.full_name = row.full_name
            worker.user.save(update_fields=["full_name"])
        updated.append(
            (
                worker,
                {
                    "import_id": import_id,
                    "row": row.line,
                    "registration_number": row.registration_number,
                    "email": row.email,
                    "changes": {
                        change.column: {"before": change.before, "after": change.after}
                        for change in row.changes
                    },
                },
            )
        )
    _staff_import_audit(actor=actor, action=NaasAction.STAFF_IMPORT_CREATED, events=created)
    _staff_import_audit(actor=actor, action=NaasAction.STAFF_IMPORT_UPDATED, events=updated)
    return StaffImportResult(
        created=len(created), updated=len(updated), unchanged=len(check.unchanged_rows)
    )


def _staff_import_audit(*, actor: User, action: AuditAction, events) -> None:
    """One audit event per worker, each with its own detail, in a single insert."""
    content_type = ContentType.objects.get_for_model(SocialWorker)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            content_type=content_type,
            object_id=str(worker.pk),
            action=audit_action(action).value,
            detail=detail,
        )
        for worker, detail in events
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


def _send_build_task(task_name: str, document_id: int) -> bool:
    """Send one build task; True if it went. It never raises and never waits long: with the
    broker down it fails in about a second (one attempt, no publish retries, short socket
    timeouts in settings) instead of holding the web request for Celery's ~20 s of connection
    retries, and the row stays queued for the sweep. In eager mode the task runs here: its
    failure is already recorded on the row, and the request that queued it carries on."""
    from celery import current_app
    from django.conf import settings
    from django.utils.module_loading import import_string

    timeout = settings.NAAS_DOCUMENT_SEND_TIMEOUT_SECONDS
    try:
        # In a web process Celery has not imported the apps' tasks modules (autodiscovery runs
        # in workers): import the task by its dotted name when it is not registered yet.
        task = current_app.tasks.get(task_name) or import_string(task_name)
        # A connection of its own, with socket timeouts for this send only: a broker that
        # accepts connections but never answers fails the send in `timeout`, not the 5 s the
        # workers' connections allow.
        with current_app.connection_for_write(
            transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout}
        ) as broker:
            # One attempt (max_retries 0: retry=False would still loop on connecting until
            # broker_connection_timeout). ignore_result: nothing waits for a build's result (the
            # row is the truth), and asking for one makes the web process subscribe to the
            # result backend, which retries for ~20 s when Redis is down.
            task.apply_async(
                (document_id,),
                connection=broker,
                ignore_result=True,
                retry=True,
                retry_policy={"max_retries": 0},
            )
    except Exception as exc:
        # Ids and the error's type and text only: no personal data in the logs.
        if current_app.conf.task_always_eager:
            logger.warning("%s %s failed: %s", task_name, document_id, document_error_text(exc))
        else:
            logger.warning(
                "%s %s not sent (%s); it stays queued and the document sweep will send it",
                task_name,
                document_id,
                document_error_text(exc),
            )
        return False
    return True


def task_send_quickly(task_name: str, object_id: int) -> bool:
    """Send a Celery task that takes one id, the way a document build is sent: never raises,
    never waits long with the broker down (True if it went). For other apps' background work
    (the dashboards' figures refresh)."""
    return _send_build_task(task_name, object_id)


def document_build(
    *, model: type[GeneratedDocument], document_id: int, render
) -> GeneratedDocument:
    """Make the document's file with `render(document) -> bytes`, exactly once.

    Rendering happens outside any lock; the result is saved only if no other run finished
    first, so a redelivered or duplicated task never makes a second file. The file goes under
    the document's own name through the atomic storage (naas.storage): a failed write leaves no
    partial file and a retry replaces, never adds."""
    with transaction.atomic():
        document = model.objects.select_for_update().get(pk=document_id)
        if document.state == DocumentState.READY:
            return document
        transition_apply(
            document,
            "start",
            actor=None,
            action=NaasAction.DOCUMENT_STARTED,
            values={"attempts": document.attempts + 1, "started_at": timezone.now()},
            detail={"attempt": document.attempts + 1},
        )
    content = render(document)
    with transaction.atomic():
        document = model.objects.select_for_update().get(pk=document_id)
        if document.state == DocumentState.READY:
            return document
        earlier = document.file.name
        document.file.save(document.document_filename(), ContentFile(content), save=False)
        transition_apply(
            document,
            "finish",
            actor=None,
            action=NaasAction.DOCUMENT_READY,
            values={
                "file": document.file,
                "progress": 100,
                "last_error": "",
                "completed_at": timezone.now(),
            },
        )
        if earlier and earlier != document.file.name:
            document.file.storage.delete(earlier)
    return document


def document_report_progress(*, model: type[GeneratedDocument], document_id: int, percent: int):
    model.objects.filter(pk=document_id).exclude(state=DocumentState.READY).update(
        progress=max(0, min(99, percent))
    )


_EMAIL_ADDRESS = re.compile(r"[^\s@'\"<>]+@[^\s@'\"<>]+")


def document_error_text(exc: BaseException) -> str:
    """What staff see (and the logs say) about a failure: the error's type and message, with
    anything that looks like an email address removed, on one line, at most 300 characters.
    Tasks take ids, and the messages come from code and libraries, not from people's records."""
    message = _EMAIL_ADDRESS.sub("[email removed]", " ".join(str(exc).split()))
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text[:300]


@transaction.atomic
def document_mark_failed(*, model: type[GeneratedDocument], document_id: int, error: str) -> None:
    """Record that the task gave up. The message is for staff: it must hold no personal data.
    A ready document stays ready; marking a failed one again only updates its reason."""
    document = model.objects.select_for_update().filter(pk=document_id).first()
    if document is None or document.state == DocumentState.READY:
        return
    if document.state == DocumentState.FAILED:
        model.objects.filter(pk=document_id).update(last_error=error[:500])
        return
    transition_apply(
        document,
        "fail",
        actor=None,
        action=NaasAction.DOCUMENT_FAILED,
        reason=error[:500],
        values={"last_error": error[:500]},
    )


def document_mark_retrying(
    *, model: type[GeneratedDocument], document_id: int, countdown: float
) -> None:
    """The task will run again in `countdown` seconds: the sweep leaves it alone until then
    (plus its usual threshold)."""
    model.objects.filter(pk=document_id).exclude(state=DocumentState.READY).update(
        queued_at=timezone.now() + timedelta(seconds=countdown)
    )


@dataclass(frozen=True)
class DocumentRetry:
    """What asking for a document again did: `queued` it, or nothing because it is already
    ready or still being made (`document` is then the row as it stands)."""

    document: GeneratedDocument
    queued: bool

    @property
    def already_ready(self) -> bool:
        return not self.queued and self.document.state == DocumentState.READY


@transaction.atomic
def document_retry(*, document: GeneratedDocument, actor) -> DocumentRetry:
    """Staff ask for a document again. Only a failed one, or one stuck unfinished past the
    sweep's threshold, is queued again; a ready one, or one being made, is left as it is, so a
    second click changes nothing."""
    locked = type(document).objects.select_for_update().get(pk=document.pk)
    if not is_failed_or_stale(locked):
        return DocumentRetry(document=locked, queued=False)
    transition_apply(
        locked,
        "retry",
        actor=actor,
        action=NaasAction.DOCUMENT_RETRIED,
        values={"last_error": "", "progress": 0},
    )
    document_queue(document=locked)
    locked.refresh_from_db()
    return DocumentRetry(document=locked, queued=True)


def document_models() -> list[type[GeneratedDocument]]:
    return [m for m in apps.get_models() if issubclass(m, GeneratedDocument)]


def documents_sweep(*, older_than: timedelta) -> int:
    """Re-send the build task of every document unfinished `older_than` after it was last
    queued or started: a lost broker message, a broker that was down at the send, a worker
    killed mid-task (its message would otherwise wait for Redis's visibility_timeout). A
    document claimed by one sweep is not sent again by another running at the same time, and
    a build run twice still makes one document. Also removes temporary files abandoned by a
    process killed mid-write."""
    cutoff = timezone.now() - older_than
    sent = 0
    for model in document_models():
        stale = model.objects.filter(GeneratedDocument.stale_filter(cutoff))
        for document_id in stale.values_list("pk", flat=True):
            claimed = model.objects.filter(
                GeneratedDocument.stale_filter(cutoff), pk=document_id
            ).update(queued_at=timezone.now())
            if claimed and _send_build_task(model.build_task_name, document_id):
                sent += 1
    _remove_abandoned_temporary_files(older_than)
    return sent


def _remove_abandoned_temporary_files(older_than: timedelta) -> None:
    from django.core.files.storage import default_storage

    remove = getattr(default_storage, "remove_abandoned_temporary_files", None)
    if remove is not None:
        # At least an hour: a write in progress is never that old.
        remove(older_than_seconds=max(older_than.total_seconds(), 3600))
