from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.db import connection


@shared_task(acks_late=True)
def health_check() -> dict:
    """Proves a worker can reach the broker and the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database_ok = cursor.fetchone()[0] == 1
    return {"worker": "ok", "database": "ok" if database_ok else "failed"}


class DocumentTask(Task):
    """Base for tasks that build a GeneratedDocument from its id: acknowledged only when done
    (a worker killed mid-task gives the message back), retried with backoff, and marked failed
    on the row when it gives up, so staff see it and can retry."""

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (Exception,)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 4

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .services import document_mark_failed, document_models

        for model in document_models():
            if model.build_task_name == self.name and args:
                document_mark_failed(
                    model=model, document_id=args[0], error=f"{type(exc).__name__}: {exc}"
                )


@shared_task(acks_late=True)
def sweep_documents() -> int:
    """Re-send the tasks of documents left unfinished (run every few minutes by beat)."""
    from .services import documents_sweep

    return documents_sweep(older_than=timedelta(minutes=settings.NAAS_DOCUMENT_SWEEP_AFTER_MINUTES))
