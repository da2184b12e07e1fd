"""The send task and the sweep: ids in, a service called."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

MAX_RETRIES = 5


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    name="naas.notify.tasks.send_notify_message",
)
def send_notify_message(self, message_id: int) -> str:
    """Send one email. A timeout or a 5xx is retried with exponential backoff
    (NAAS_NOTIFY_RETRY_BACKOFF_SECONDS, doubled each time; at once when eager); after the last
    retry the email is a technical failure, on the failed-emails page."""
    from .client import NotifyTemporaryError
    from .services import notify_message_give_up, notify_message_send

    eager_retries = 0
    while True:
        try:
            return notify_message_send(message_id=message_id).status
        except NotifyTemporaryError as error:
            retries = self.request.retries + eager_retries
            if retries >= self.max_retries:
                return notify_message_give_up(message_id=message_id, reason=str(error)).status
            if self.request.is_eager or self.request.called_directly:
                # Eager Celery (the demo, tests) would re-raise a Retry: try again here.
                eager_retries += 1
                continue
            countdown = settings.NAAS_NOTIFY_RETRY_BACKOFF_SECONDS * (2**retries)
            raise self.retry(exc=error, countdown=countdown) from error


@shared_task(acks_late=True, name="naas.notify.tasks.sweep_notify_messages")
def sweep_notify_messages() -> dict:
    """Re-send emails left queued and ask Notify about those still sending (run by beat)."""
    from .services import notify_messages_sweep

    return notify_messages_sweep(
        older_than=timedelta(seconds=settings.NAAS_NOTIFY_SWEEP_AFTER_SECONDS)
    )
