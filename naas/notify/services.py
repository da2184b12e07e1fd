"""Every write about emails: queue one, send it, give up on it, record what Notify reported.

Callers anywhere in the service ask for an email with `notify_message_queue` inside their own
transaction; the row is written with it, and the send task goes once that transaction commits
(never for a change that rolled back)."""

import logging
import sys
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..audit import NaasAction
from ..audit_trail import audit_event_record
from . import client
from .kinds import KINDS, check_personalisation
from .models import FAILED_STATUSES, FINAL_STATUSES, NotifyMessage, NotifyStatus

logger = logging.getLogger(__name__)

SEND_TASK = "naas.notify.tasks.send_notify_message"
CONSOLE, NOTIFY = "console", "notify"


def _delivery() -> str:
    return settings.NAAS_EMAIL_DELIVERY


@transaction.atomic
def notify_message_queue(*, kind: str, recipient, personalisation: dict, actor) -> NotifyMessage:
    """Record one email to `recipient` and send it once the current transaction commits.
    Raises kinds.PersonalisationRefused for a key the kind does not allow."""
    checked = check_personalisation(kind, personalisation)
    message = NotifyMessage.objects.create(
        kind=kind,
        template_id=settings.NAAS_NOTIFY_TEMPLATES.get(kind, ""),
        recipient=recipient,
        personalisation=checked,
    )
    audit_event_record(
        actor=actor, subject=message, action=NaasAction.NOTIFY_MESSAGE_QUEUED, detail={"kind": kind}
    )
    message_id = message.pk

    def send_notify_message() -> None:
        _send_task(message_id)

    transaction.on_commit(send_notify_message, robust=True)
    return message


def _send_task(message_id: int) -> bool:
    # The same quick, never-raising send as a document build's (naas.services): with the
    # broker down the row stays queued and notify_messages_sweep sends it later.
    from ..services import task_send_quickly

    return task_send_quickly(SEND_TASK, message_id)


def notify_message_send(*, message_id: int) -> NotifyMessage:
    """The send task's work: hand the email to Notify once. The row stays locked while Notify
    is asked, so a duplicated task waits and then finds it sent. A 4xx fails it for good at
    once; a timeout or a 5xx is recorded and raised (client.NotifyTemporaryError) for the task
    to retry."""
    temporary = None
    with transaction.atomic():
        message = (
            NotifyMessage.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=message_id)
        )
        if not message.can_be_sent:
            return message
        message.attempts += 1
        address = message.recipient.email
        if not address:
            _fail(message, NotifyStatus.PERMANENT_FAILURE, "The person has no email address.")
        elif _delivery() == CONSOLE:
            _print(message)
            message.mark_delivered_locally()
            message.save()
        else:
            try:
                notify_id = client.email_send(
                    email_address=address,
                    template_id=message.template_id,
                    personalisation=message.personalisation,
                    reference=message.reference,
                )
            except client.NotifyPermanentError as error:
                _fail(message, NotifyStatus.PERMANENT_FAILURE, f"Notify refused it: {error}")
            except client.NotifyTemporaryError as error:
                message.last_error = f"Notify did not answer in time or had an error: {error}"
                message.save(update_fields=["attempts", "last_error", "updated_at"])
                temporary = error
            else:
                message.mark_accepted(notify_id)
                message.save()
    if temporary is not None:
        # Ids and kinds only in the logs: no address, no names.
        logger.warning("email %s (%s) not sent yet: %s", message.pk, message.kind, temporary)
        raise temporary
    return message


def _fail(message: NotifyMessage, status: str, reason: str) -> None:
    message.mark_failed(status, reason)
    message.save()
    audit_event_record(
        actor=None,
        subject=message,
        action=NaasAction.NOTIFY_MESSAGE_FAILED,
        to_state=status,
        detail={"kind": message.kind},
    )
    logger.warning("email %s (%s) failed: %s", message.pk, message.kind, status)


def _print(message: NotifyMessage) -> None:
    """Console delivery (the demo, local work): the email on standard output, as Django's
    console email backend did. Never used with NAAS_EMAIL_DELIVERY=notify."""
    lines = [
        f"Email {message.pk} ({message.kind}) to user {message.recipient_id}: "
        f"{KINDS[message.kind].subject}",
        *(f"  {key}: {value}" for key, value in sorted(message.personalisation.items())),
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


@transaction.atomic
def notify_message_give_up(*, message_id: int, reason: str) -> NotifyMessage:
    """The send task's last retry failed: a technical failure, shown to staff."""
    message = NotifyMessage.objects.select_for_update().get(pk=message_id)
    if message.can_be_sent:
        _fail(message, NotifyStatus.TECHNICAL_FAILURE, reason or "Notify could not be reached.")
    return message


# The statuses Notify reports for an email it accepted (callbacks and polling).
REPORTED_STATUSES = {
    "created": NotifyStatus.SENDING,
    "sending": NotifyStatus.SENDING,
    "pending": NotifyStatus.SENDING,
    "delivered": NotifyStatus.DELIVERED,
    "permanent-failure": NotifyStatus.PERMANENT_FAILURE,
    "temporary-failure": NotifyStatus.TEMPORARY_FAILURE,
    "technical-failure": NotifyStatus.TECHNICAL_FAILURE,
}


@transaction.atomic
def notify_message_record_status(
    *, notify_id: str, status: str, reference: str | None = None
) -> NotifyMessage | None:
    """Record where Notify says the email got to (None: not one of ours, or the reference does
    not match). A final status is never replaced by an interim one arriving late."""
    new_status = REPORTED_STATUSES[status]
    message = NotifyMessage.objects.select_for_update().filter(notify_id=notify_id).first()
    if message is None or (reference is not None and reference != message.reference):
        return None
    if message.is_final and new_status not in FINAL_STATUSES:
        return message
    if message.status != new_status:
        message.mark_reported(new_status)
        message.save()
        if new_status in FAILED_STATUSES:
            audit_event_record(
                actor=None,
                subject=message,
                action=NaasAction.NOTIFY_MESSAGE_FAILED,
                to_state=new_status,
                detail={"kind": message.kind},
            )
    return message


def notify_messages_sweep(*, older_than: timedelta) -> dict:
    """Run by beat: send again the emails still queued (a broker that was down, a lost task)
    and ask Notify about those still sending, `older_than` after they were last touched."""
    before = timezone.now() - older_than
    queued = list(
        NotifyMessage.objects.filter(
            status=NotifyStatus.QUEUED, notify_id="", updated_at__lt=before
        ).values_list("pk", flat=True)[:500]
    )
    resent = sum(_send_task(pk) for pk in queued)
    polled = 0
    if _delivery() == NOTIFY:
        sending = NotifyMessage.objects.filter(status=NotifyStatus.SENDING, updated_at__lt=before)
        for notify_id in sending.values_list("notify_id", flat=True)[:500]:
            try:
                status = client.email_status(notify_id=notify_id)
            except client.NotifyError as error:
                logger.warning("Notify status of %s unknown: %s", notify_id, error)
                continue
            if status in REPORTED_STATUSES:
                notify_message_record_status(notify_id=notify_id, status=status)
                polled += 1
    return {"resent": resent, "polled": polled}
