import logging
import random
from datetime import timedelta

from celery import Task, shared_task
from celery.exceptions import Ignore, Reject, Retry
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

# Errors that may pass (a full disk being cleared, the database restarting, a mail server that
# did not answer): retried with backoff. Anything else (bad data: a ValueError, a missing row)
# fails the document at once, with its reason, for staff to retry once it is fixed.
RETRYABLE_ERRORS = (OSError, OperationalError, InterfaceError)


@shared_task(acks_late=True)
def health_check() -> dict:
    """Proves a worker can reach the broker and the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database_ok = cursor.fetchone()[0] == 1
    return {"worker": "ok", "database": "ok" if database_ok else "failed"}


class DocumentTask(Task):
    """Base for tasks that build a GeneratedDocument from its id.

    Acknowledged only when done (a worker killed mid-task gives the message back). A retryable
    error (RETRYABLE_ERRORS) is retried with exponential backoff (about 2, 4, 8, 16 s), up to
    `max_retries` times (at once in eager mode); any other error, or the last retry, marks the
    row failed with its reason, so staff see it and can retry. The row is marked here, inside the task, not only in `on_failure`: with
    CELERY_TASK_EAGER_PROPAGATES Celery re-raises before calling on_failure, which left an eager
    document "running" for ever."""

    acks_late = True
    reject_on_worker_lost = True
    max_retries = 4
    retry_backoff = 2  # seconds before the first retry, doubled each time
    retry_backoff_max = 300
    retry_jitter = True

    def __call__(self, *args, **kwargs):
        # The tracer has pushed this run's request (retries, eager or not) before calling us.
        request = self.request
        eager_retries = 0
        while True:
            try:
                return self.run(*args, **kwargs)
            except (Retry, Ignore, Reject):
                raise
            except RETRYABLE_ERRORS as exc:
                if request.called_directly:
                    pass
                elif request.is_eager:
                    # Eager Celery (the demo) re-raises a Retry with eager propagation instead
                    # of running the task again: retry here, at once.
                    if eager_retries < self.max_retries:
                        eager_retries += 1
                        continue
                elif request.retries < self.max_retries:
                    countdown = self.retry_countdown(request.retries)
                    self._mark_retrying(args, kwargs, countdown)
                    raise self.retry(exc=exc, countdown=countdown) from exc
                self._mark_failed(args, kwargs, exc)
                raise
            except Exception as exc:
                self._mark_failed(args, kwargs, exc)
                raise

    def retry_countdown(self, retries: int) -> float:
        countdown = min(self.retry_backoff * (2**retries), self.retry_backoff_max)
        return random.uniform(countdown / 2, countdown) if self.retry_jitter else countdown

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # A backstop for failures outside __call__ (a time limit, a retry that could not be
        # sent); marking a row failed twice changes nothing.
        self._mark_failed(args, kwargs, exc)

    def _document(self, args, kwargs):
        from .services import document_models

        document_id = args[0] if args else next(iter(kwargs.values()), None)
        for model in document_models():
            if model.build_task_name == self.name and document_id is not None:
                return model, document_id
        return None, None

    def _mark_failed(self, args, kwargs, exc) -> None:
        from .services import document_error_text, document_mark_failed

        model, document_id = self._document(args, kwargs)
        if model is not None:
            document_mark_failed(
                model=model, document_id=document_id, error=document_error_text(exc)
            )

    def _mark_retrying(self, args, kwargs, countdown: float) -> None:
        from .services import document_mark_retrying

        model, document_id = self._document(args, kwargs)
        if model is not None:
            document_mark_retrying(model=model, document_id=document_id, countdown=countdown)


@shared_task(acks_late=True)
def sweep_documents() -> int:
    """Re-send the tasks of documents left unfinished (run by beat every
    NAAS_DOCUMENT_SWEEP_INTERVAL_SECONDS)."""
    from .services import documents_sweep

    return documents_sweep(older_than=timedelta(seconds=settings.NAAS_DOCUMENT_SWEEP_AFTER_SECONDS))
