"""One row per email: what was asked, to whom, and what GOV.UK Notify did with it.

The recipient is a user; their address is read from the account only when the email is sent
and is never stored here or logged."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .kinds import KINDS


class NotifyStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Permanent failure"
    TEMPORARY_FAILURE = "temporary-failure", "Temporary failure"
    TECHNICAL_FAILURE = "technical-failure", "Technical failure"


FAILED_STATUSES = (
    NotifyStatus.PERMANENT_FAILURE,
    NotifyStatus.TEMPORARY_FAILURE,
    NotifyStatus.TECHNICAL_FAILURE,
)
FINAL_STATUSES = (NotifyStatus.DELIVERED, *FAILED_STATUSES)


def _new_reference() -> str:
    return uuid.uuid4().hex


class NotifyMessage(models.Model):
    kind = models.CharField(max_length=40, choices=[(k, v.label) for k, v in KINDS.items()])
    template_id = models.CharField(max_length=36, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_messages"
    )
    personalisation = models.JSONField(default=dict, blank=True)
    # Ours, sent to Notify with the email and echoed in its callbacks: no personal data.
    reference = models.CharField(max_length=32, unique=True, default=_new_reference)
    status = models.CharField(
        max_length=20, choices=NotifyStatus.choices, default=NotifyStatus.QUEUED
    )
    notify_id = models.CharField(max_length=36, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "naas"
        indexes = [models.Index(fields=["status", "updated_at"], name="naas_notify_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def can_be_sent(self) -> bool:
        """Not yet accepted by Notify, and not given up on."""
        return self.status == NotifyStatus.QUEUED and not self.notify_id

    # Small transitions: each changes the instance only; the service saves it.

    def mark_accepted(self, notify_id: str) -> None:
        self.status, self.notify_id, self.sent_at = NotifyStatus.SENDING, notify_id, timezone.now()
        self.last_error = ""

    def mark_delivered_locally(self) -> None:
        now = timezone.now()
        self.status, self.sent_at, self.completed_at = NotifyStatus.DELIVERED, now, now

    def mark_failed(self, status: str, reason: str) -> None:
        self.status, self.last_error, self.completed_at = status, reason, timezone.now()

    def mark_reported(self, status: str) -> None:
        """Notify's callback (or a poll) told us where the email got to."""
        self.status = status
        if status in FINAL_STATUSES:
            self.completed_at = timezone.now()
        if status in FAILED_STATUSES and not self.last_error:
            self.last_error = FAILURE_REASONS.get(status, "")


# What Notify's failure statuses mean, in words staff can act on.
FAILURE_REASONS = {
    NotifyStatus.PERMANENT_FAILURE: "Notify could not deliver it: the email address does not "
    "exist or the provider refused it. Check the person's email address.",
    NotifyStatus.TEMPORARY_FAILURE: "Notify could not deliver it: the inbox was full or the "
    "provider was unavailable for 72 hours.",
    NotifyStatus.TECHNICAL_FAILURE: "Notify had a technical problem and did not send it.",
}
