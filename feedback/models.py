"""Feedback per KSS area, the letters and certificates made from published outcomes, the
accreditation record, and the employer's support plan for a worker who has not yet met the
standard."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessment.models import Attempt, Outcome
from naas.models import GeneratedDocument, KSSArea, Level, SocialWorker

FEEDBACK_MAX = 5000
SUGGESTIONS_MAX = 3000
ACTION_MAX = 1000
OWNER_MAX = 200


class AreaFeedback(models.Model):
    """The first marker's feedback on one KSS area of an attempt, published with its outcome."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="area_feedback")
    area = models.ForeignKey(KSSArea, on_delete=models.PROTECT, related_name="+")
    feedback = models.TextField(max_length=FEEDBACK_MAX, blank=True)
    development_suggestions = models.TextField(max_length=SUGGESTIONS_MAX, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attempt", "area__number"]
        verbose_name_plural = "area feedback"
        constraints = [
            models.UniqueConstraint(fields=["attempt", "area"], name="one_feedback_per_area"),
        ]

    def __str__(self):
        return f"Attempt {self.attempt_id}: area {self.area_id}"


class Letter(GeneratedDocument):
    """The feedback letter for one published outcome version, made once in the background."""

    build_task_name = "feedback.tasks.build_letter"

    outcome = models.OneToOneField(Outcome, on_delete=models.PROTECT, related_name="letter")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"Letter {self.pk} for outcome {self.outcome_id}"

    def document_filename(self) -> str:
        return f"feedback-letter-{self.pk}.pdf"


class Accreditation(models.Model):
    """A worker accredited at a level by a published, met outcome. It stops being current when
    a review replaces that outcome with one that is not met."""

    worker = models.ForeignKey(
        SocialWorker, on_delete=models.PROTECT, related_name="accreditations"
    )
    level = models.CharField(max_length=20, choices=Level.choices)
    outcome = models.OneToOneField(Outcome, on_delete=models.PROTECT, related_name="accreditation")
    accredited_on = models.DateField()
    reference = models.CharField(max_length=20, unique=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-accredited_on", "-id"]
        indexes = [models.Index(fields=["worker", "level"])]

    def __str__(self):
        return f"{self.reference}: {self.get_level_display()}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class Certificate(GeneratedDocument):
    """The PDF certificate of an accreditation."""

    build_task_name = "feedback.tasks.build_certificate"

    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.PROTECT, related_name="certificate"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"Certificate {self.pk} for accreditation {self.accreditation_id}"

    def document_filename(self) -> str:
        return f"certificate-{self.pk}.pdf"


class SupportPlan(models.Model):
    """The employer's plan to help a worker improve in the areas they did not meet."""

    worker = models.ForeignKey(SocialWorker, on_delete=models.PROTECT, related_name="support_plans")
    outcome = models.OneToOneField(Outcome, on_delete=models.PROTECT, related_name="support_plan")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Support plan {self.pk} for outcome {self.outcome_id}"


class SupportActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class SupportAction(models.Model):
    """One thing the employer will do to support the worker in one area not met."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    area = models.ForeignKey(KSSArea, on_delete=models.PROTECT, related_name="+")
    action = models.TextField(max_length=ACTION_MAX)
    owner = models.CharField(max_length=OWNER_MAX)
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=SupportActionStatus.choices, default=SupportActionStatus.PLANNED
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "area__number", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SupportActionStatus.values),
                name="support_action_status_valid",
            ),
        ]

    def __str__(self):
        return f"Action {self.pk} (area {self.area_id})"


SUPPORT_REQUEST_MAX = 1500


class SupportRequest(models.Model):
    """A worker's request to their employer for support in areas their current outcome did not
    meet. It goes to their supervisor, who answers it with the support plan."""

    worker = models.ForeignKey(
        SocialWorker, on_delete=models.PROTECT, related_name="support_requests"
    )
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="support_requests")
    areas = models.ManyToManyField(KSSArea, related_name="+")
    what_would_help = models.TextField(max_length=SUPPORT_REQUEST_MAX)
    # Who it was sent to when it was asked (the supervisor may change later).
    sent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Support request {self.pk} for outcome {self.outcome_id}"


# --- Verifiable credentials (feedback/credentials/) ------------------------------------------

# The W3C Bitstring Status List's minimum size: 16 KB, 131,072 entries (herd privacy).
STATUS_LIST_SIZE = 131_072


class CredentialStatusList(models.Model):
    """One published revocation list (/credentials/status/<number>): each credential holds one
    bit of it. Locked while an entry is allocated, so two issuances never share a bit."""

    number = models.PositiveIntegerField(unique=True)
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Status list {self.number}"


class Credential(models.Model):
    """The Open Badges 3.0 verifiable credential of an accreditation: the signed JWS the worker
    downloads, kept as issued. Revoked (its status-list bit set) when the accreditation is
    withdrawn after a review."""

    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.PROTECT, related_name="credential"
    )
    uuid = models.UUIDField(unique=True)
    status_list = models.ForeignKey(
        CredentialStatusList, on_delete=models.PROTECT, related_name="credentials"
    )
    status_index = models.PositiveIntegerField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    jws = models.TextField()
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_credential_per_status_bit"
            ),
        ]

    def __str__(self):
        return f"Credential {self.uuid}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
