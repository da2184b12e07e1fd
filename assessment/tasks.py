from celery import shared_task

from naas.tasks import DocumentTask


@shared_task(base=DocumentTask)
def build_technical_report(report_id: int) -> None:
    """Make one technical report's PDF (acknowledged late, retried, marked failed on the row
    if it gives up: see naas.tasks.DocumentTask)."""
    from .services.technical_report import technical_report_build

    technical_report_build(report_id=report_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=4)
def import_results_file(self, job_id: int) -> None:
    """Check and import one uploaded results file (assessment.models.ImportJob). Acknowledged
    late, so a worker killed mid-import gives the message back; the import's transaction was
    rolled back and the job starts afresh. A passing error (the database restarting, the disk)
    is retried with backoff; anything else, or the last retry, marks the job failed for staff
    to try again. A finished job is left as it is, so a redelivery changes nothing."""
    from naas.tasks import RETRYABLE_ERRORS

    from .services.results_import_jobs import (
        results_file_import_mark_failed,
        results_file_import_run,
    )

    try:
        results_file_import_run(job_id=job_id)
    except RETRYABLE_ERRORS as exc:
        if not self.request.is_eager and self.request.retries < self.max_retries:
            countdown = min(2 * 2**self.request.retries, 300)  # about 2, 4, 8, 16 s
            raise self.retry(exc=exc, countdown=countdown) from exc
        results_file_import_mark_failed(job_id=job_id, exc=exc)
        raise
    except Exception as exc:
        results_file_import_mark_failed(job_id=job_id, exc=exc)
        raise
