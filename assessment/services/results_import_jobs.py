"""The results file imported in the background: the upload is stored and an ImportJob made in
the request; a Celery task (assessment.tasks.import_results_file) checks and imports it.

Running the task again on a finished job changes nothing; a worker that dies part-way leaves the
import's transaction rolled back, and the redelivered task (or staff's retry) starts afresh. A
corrected file (`is_correction`) is checked first and held until an administrator applies the
changes they were shown (results_import_corrections)."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from naas.services import _send_build_task, audit_event_record, document_error_text
from naas.transitions import transition_apply

from ..audit import AssessmentAction
from ..models import ImportJob, ImportJobState, Sitting
from ..models.import_jobs import UNFINISHED_IMPORT_STATES
from ..results_csv import ResultsFileError, read_results_csv
from .common import AssessmentError, require_administrator
from .results_import import test_results_import
from .results_import_corrections import correction_changes, corrections_applier

IMPORT_TASK = "assessment.tasks.import_results_file"
PROGRESS_SECONDS = 3600


def progress_key(job_id: int) -> str:
    return f"assessment:results-file:{job_id}:progress"


def results_file_upload(
    *, sitting: Sitting, raw: bytes, file_name: str, actor, is_correction=False, reason=""
) -> ImportJob:
    """Store an uploaded results file (all or nothing: naas.storage) and queue its import. The
    same file sent again while its import is still waiting or running (a second click) gets
    that job back instead of another."""
    require_administrator(actor)
    digest = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        Sitting.objects.select_for_update().get(pk=sitting.pk)  # one upload at a time per sitting
        waiting = ImportJob.objects.filter(
            sitting=sitting,
            file_sha256=digest,
            is_correction=is_correction,
            state__in=UNFINISHED_IMPORT_STATES,
        ).first()
        if waiting is not None:
            return waiting
        job = ImportJob.objects.create(
            sitting=sitting,
            uploaded_by=actor,
            file_name=file_name[:255],
            file_sha256=digest,
            is_correction=is_correction,
            reason=reason,
        )
        job.file.save(job.stored_filename(), ContentFile(raw), save=False)
        job.save(update_fields=["file"])
        audit_event_record(
            actor=actor,
            subject=job,
            action=AssessmentAction.RESULTS_FILE_UPLOADED,
            reason=reason,
            detail={"sitting": sitting.pk, "bytes": len(raw), "correction": is_correction},
        )
        _queue(job)
    return job


def _queue(job: ImportJob) -> None:
    job_id = job.pk

    def send_import_task() -> None:
        _send_build_task(IMPORT_TASK, job_id)

    transaction.on_commit(send_import_task, robust=True)


def _report_progress(job_id: int):
    def report(stage: str, done: int, total: int) -> None:
        # In the cache, not the row: the import's transaction is open until it is all done.
        cache.set(progress_key(job_id), (stage, done, total), PROGRESS_SECONDS)

    return report


def results_file_import_run(*, job_id: int) -> ImportJob:
    """The task's work: check the stored file and import it (or, for a correction not yet
    applied, work out what would change). A finished job is left as it is."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state not in UNFINISHED_IMPORT_STATES:
            return job
        transition_apply(
            job,
            "start",
            actor=None,
            action=AssessmentAction.RESULTS_FILE_STARTED,
            values={"attempts": job.attempts + 1, "started_at": timezone.now(), "last_error": ""},
            detail={"attempt": job.attempts + 1},
        )
    with job.file.open("rb") as stored:
        raw = stored.read()
    try:
        records = read_results_csv(raw)
    except ResultsFileError as exc:
        return _finish(job_id, errors=[(0, str(exc))])
    report = _report_progress(job_id)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("sitting").get(pk=job_id)
        if job.state != ImportJobState.RUNNING:
            return job
        if job.is_correction and job.confirmed_by_id is None:
            return _hold_correction(job, records, report)
        try:
            outcome = test_results_import(
                sitting=job.sitting,
                records=records,
                actor=job.uploaded_by,
                file_name=job.file_name,
                file_sha256=job.file_sha256,
                progress=report,
                corrections=corrections_applier(job) if job.is_correction else None,
            )
        except AssessmentError as exc:
            return _finish(job_id, errors=[(0, str(exc))], row_count=len(records))
        return _finish(job_id, errors=outcome.errors, row_count=len(records), outcome=outcome)


def _hold_correction(job: ImportJob, records, report) -> ImportJob:
    changes, errors = correction_changes(job.sitting, records, report)
    if errors:
        return _finish(job.pk, errors=errors, row_count=len(records))
    transition_apply(
        job,
        "hold_for_confirmation",
        actor=None,
        action=AssessmentAction.RESULTS_FILE_CHECKED,
        values={"changes": changes, "row_count": len(records), "finished_at": timezone.now()},
        detail={"checked": True, "changes": len(changes)},
    )
    return job


@transaction.atomic
def _finish(job_id: int, *, errors, row_count: int = 0, outcome=None) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.state != ImportJobState.RUNNING:
        return job
    values = {"row_count": row_count, "finished_at": timezone.now()}
    if errors:
        values["row_errors"] = [list(error) for error in errors]
        transition_apply(
            job,
            "fail",
            actor=None,
            action=AssessmentAction.RESULTS_FILE_FAILED,
            values=values,
            detail={"rows_with_problems": len({line for line, _ in errors})},
        )
        return job
    values |= {
        "row_errors": [],
        "candidates_recorded": outcome.recorded,
        "candidates_unchanged": outcome.unchanged,
        "candidates_corrected": outcome.corrected,
        "results_import": outcome.results_import,
    }
    transition_apply(
        job,
        "finish",
        actor=None,
        action=AssessmentAction.RESULTS_FILE_DONE,
        values=values,
        detail={
            "recorded": outcome.recorded,
            "unchanged": outcome.unchanged,
            "corrected": outcome.corrected,
        },
    )
    return job


@transaction.atomic
def results_file_import_mark_failed(*, job_id: int, exc: BaseException) -> None:
    """The task gave up: say why on the row (no personal data: naas.services.document_error_text)
    so staff can try again."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.state not in UNFINISHED_IMPORT_STATES:
        return
    error = document_error_text(exc)
    transition_apply(
        job,
        "fail",
        actor=None,
        action=AssessmentAction.RESULTS_FILE_FAILED,
        reason=error,
        values={"last_error": error, "finished_at": timezone.now()},
    )


@transaction.atomic
def results_file_import_retry(*, job: ImportJob, actor) -> bool:
    """Staff try again a job whose task died or gave up; False (nothing changed) for any other
    job, so a second click does nothing."""
    require_administrator(actor)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not locked.can_be_retried:
        return False
    transition_apply(
        locked,
        "retry",
        actor=actor,
        action=AssessmentAction.RESULTS_FILE_RETRIED,
        values={"last_error": "", "row_errors": []},
    )
    _queue(locked)
    return True


@transaction.atomic
def results_correction_apply(*, job: ImportJob, actor) -> bool:
    """The administrator applies a checked correction: the task replaces the changed
    candidates' results. False (nothing changed) if it is no longer waiting to be applied."""
    require_administrator(actor)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.state != ImportJobState.CHECKED:
        return False
    transition_apply(
        locked,
        "confirm",
        actor=actor,
        action=AssessmentAction.RESULTS_FILE_CORRECTION_APPLIED,
        reason=locked.reason,
        values={"confirmed_by": actor},
        detail={"applied": True, "changes": len(locked.changes)},
    )
    _queue(locked)
    return True


@dataclass(frozen=True)
class ImportProgress:
    """How far a running job has got, as its task last reported."""

    stage: str = "checking"  # "checking" or "importing"
    done: int = 0
    total: int = 0

    @property
    def is_importing(self) -> bool:
        return self.stage == "importing"


def results_file_progress(job: ImportJob) -> ImportProgress | None:
    """A running job's progress (None if it is not running). It lives in the cache, which the
    task writes while the import's transaction is still open."""
    if job.state != ImportJobState.RUNNING:
        return None
    found = cache.get(progress_key(job.pk))
    return ImportProgress(*found) if found else ImportProgress()
