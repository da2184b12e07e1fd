"""Practice endorsement: the employer's judgement that a worker is ready to be assessed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from naas.models import Level, SocialWorker


class EndorsementState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off by supervisor"
    ENDORSED = "endorsed", "Endorsed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Lapsed"


OPEN_STATES = (EndorsementState.DRAFT, EndorsementState.SIGNED_OFF, EndorsementState.ENDORSED)


class Endorsement(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One worker's endorsement at one level, from the supervisor's draft to the LA's
    confirmation. `used_at` is set when an assessment is booked against it."""

    worker = models.ForeignKey(SocialWorker, on_delete=models.PROTECT, related_name="endorsements")
    level = models.CharField(max_length=20, choices=Level.choices)
    state = FSMField(
        default=EndorsementState.DRAFT, choices=EndorsementState.choices, protected=True
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    supervisor_statement = models.TextField(blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    used_at = models.DateTimeField(
        null=True, blank=True, help_text="When an assessment was booked against it"
    )
    last_reason = models.TextField(
        blank=True, help_text="Why it was last returned, declined or withdrawn"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "level"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_endorsement_per_level",
            ),
        ]

    def __str__(self):
        return f"{self.worker} – {self.get_level_display()} ({self.get_state_display()})"

    @transition(field=state, source=EndorsementState.DRAFT, target=EndorsementState.SIGNED_OFF)
    def sign_off(self):
        """The supervisor signs the worker off as ready."""

    @transition(field=state, source=EndorsementState.SIGNED_OFF, target=EndorsementState.DRAFT)
    def return_to_draft(self):
        """The LA lead sends a sign-off back to the supervisor."""

    @transition(field=state, source=EndorsementState.SIGNED_OFF, target=EndorsementState.ENDORSED)
    def confirm(self):
        """The LA lead confirms the sign-off for the employer."""

    @transition(
        field=state,
        source=[EndorsementState.DRAFT, EndorsementState.SIGNED_OFF],
        target=EndorsementState.DECLINED,
    )
    def decline(self):
        """The supervisor or LA lead decides the worker is not ready."""

    @transition(field=state, source=list(OPEN_STATES), target=EndorsementState.WITHDRAWN)
    def withdraw(self):
        """The worker withdraws consent before an assessment is booked."""

    @transition(field=state, source=EndorsementState.ENDORSED, target=EndorsementState.LAPSED)
    def lapse(self):
        """An endorsement not used within its validity lapses."""
