"""Practice endorsement: the employer's judgement that a worker is ready to be assessed, and the
evidence a supervisor gathers for it (reflective supervision, service-user feedback)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django_fsm import (
    ConcurrentTransitionMixin,
    FSMField,
    FSMModelMixin,
    can_proceed,
    has_transition_perm,
    transition,
)

from naas.dates import govuk_date
from naas.models import KSSArea, Level, SocialWorker
from naas.policies import can_lead_la, can_supervise

SUPERVISION_REFLECTION_MAX = 1500
FEEDBACK_SUMMARY_MAX = 1000
STATEMENT_MAX = 2000
REASON_MAX = 1000


class EndorsementState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off by supervisor"
    ENDORSED = "endorsed", "Endorsed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Lapsed"


OPEN_STATES = (EndorsementState.DRAFT, EndorsementState.SIGNED_OFF, EndorsementState.ENDORSED)


# The GOV.UK tag colour for each state (a draft is grey).
TAG_COLOURS = {
    EndorsementState.DRAFT: "govuk-tag--grey",
    EndorsementState.SIGNED_OFF: "govuk-tag--blue",
    EndorsementState.ENDORSED: "govuk-tag--green",
    EndorsementState.DECLINED: "govuk-tag--red",
    EndorsementState.WITHDRAWN: "govuk-tag--orange",
    EndorsementState.LAPSED: "govuk-tag--yellow",
}


def is_unused(endorsement) -> bool:
    """No assessment has been booked against it."""
    return endorsement.used_at is None


def is_the_supervisor(endorsement, user) -> bool:
    return can_supervise(user, endorsement.worker)


def leads_the_la(endorsement, user) -> bool:
    return can_lead_la(user, endorsement.worker.local_authority_id)


def may_decline(endorsement, user) -> bool:
    """A draft is declined by the worker's supervisor; a sign-off by the LA lead."""
    if endorsement.state == EndorsementState.DRAFT:
        return is_the_supervisor(endorsement, user)
    if endorsement.state == EndorsementState.SIGNED_OFF:
        return leads_the_la(endorsement, user)
    return False


class Endorsement(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One worker's endorsement at one level, from the supervisor's draft to the LA's
    confirmation. `used_at` is set when an assessment is booked against it; `version` goes up
    on every change so a page acted on after someone else's change is refused."""

    worker = models.ForeignKey(SocialWorker, on_delete=models.PROTECT, related_name="endorsements")
    level = models.CharField(max_length=20, choices=Level.choices)
    state = FSMField(
        default=EndorsementState.DRAFT, choices=EndorsementState.choices, protected=True
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up on every change; forms carry it to spot stale pages"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    supervisor_statement = models.TextField(blank=True, max_length=STATEMENT_MAX)
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
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was declined, withdrawn or lapsed"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "level"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_endorsement_per_level",
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_until"])]

    def __str__(self):
        return f"{self.worker} – {self.get_level_display()} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def has_consent(self) -> bool:
        return self.consent_recorded_at is not None

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS.get(self.state, "govuk-tag--grey")

    @property
    def is_with_supervisor(self) -> bool:
        """A draft: the supervisor gathers evidence and can sign it off (or decline it)."""
        return can_proceed(self.sign_off)

    @property
    def awaits_confirmation(self) -> bool:
        """Signed off, waiting for the LA lead to confirm (or return or decline) it."""
        return can_proceed(self.confirm)

    @property
    def awaits_booking(self) -> bool:
        """Endorsed and not yet used: an assessment can be booked against it."""
        return self.state == EndorsementState.ENDORSED and is_unused(self)

    def can_be_declined_by(self, user) -> bool:
        return can_proceed(self.decline) and has_transition_perm(self.decline, user)

    @transition(
        field=state,
        source=EndorsementState.DRAFT,
        target=EndorsementState.SIGNED_OFF,
        permission=is_the_supervisor,
    )
    def sign_off(self):
        """The supervisor signs the worker off as ready."""

    @transition(
        field=state,
        source=EndorsementState.SIGNED_OFF,
        target=EndorsementState.DRAFT,
        permission=leads_the_la,
    )
    def return_to_draft(self):
        """The LA lead sends a sign-off back to the supervisor."""

    @transition(
        field=state,
        source=EndorsementState.SIGNED_OFF,
        target=EndorsementState.ENDORSED,
        permission=leads_the_la,
    )
    def confirm(self):
        """The LA lead confirms the sign-off for the employer."""

    @transition(
        field=state,
        source=[EndorsementState.DRAFT, EndorsementState.SIGNED_OFF],
        target=EndorsementState.DECLINED,
        permission=may_decline,
    )
    def decline(self):
        """The supervisor or LA lead decides the worker is not ready."""

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=EndorsementState.WITHDRAWN,
        conditions=[is_unused],
    )
    def withdraw(self):
        """The worker withdraws consent before an assessment is booked."""

    @transition(
        field=state,
        source=EndorsementState.ENDORSED,
        target=EndorsementState.LAPSED,
        conditions=[is_unused],
    )
    def lapse(self):
        """An endorsement not used within its validity lapses."""


class Readiness(models.TextChoices):
    READY = "ready", "Ready"
    DEVELOPING = "developing", "Nearly ready"
    NOT_YET = "not_yet", "Not yet ready"


class SupervisionSession(models.Model):
    """A reflective supervision session between a worker and their supervisor."""

    worker = models.ForeignKey(
        SocialWorker, on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField()
    reflection = models.TextField(max_length=SUPERVISION_REFLECTION_MAX)
    areas = models.ManyToManyField(KSSArea, through="SupervisionAreaView", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"Supervision with {self.worker.full_name} on {govuk_date(self.held_on)}"


class SupervisionAreaView(models.Model):
    """A KSS area discussed in a session, with the readiness view agreed for it."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="area_views"
    )
    area = models.ForeignKey(KSSArea, on_delete=models.PROTECT, related_name="+")
    readiness = models.CharField(max_length=20, choices=Readiness.choices)

    class Meta:
        ordering = ["area__number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "area"], name="one_view_per_area"),
        ]

    def __str__(self):
        return f"{self.area}: {self.get_readiness_display()}"


class FeedbackSource(models.TextChoices):
    CHILD = "child", "Child or young person"
    PARENT_CARER = "parent_carer", "Parent or carer"
    FAMILY = "family", "Other family member"
    OTHER = "other", "Someone else (for example an advocate)"


class ServiceUserFeedback(models.Model):
    """Feedback about the worker from someone they work with, which the supervisor must
    consider before signing them off."""

    worker = models.ForeignKey(
        SocialWorker, on_delete=models.PROTECT, related_name="service_user_feedback"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField()
    source_type = models.CharField(max_length=20, choices=FeedbackSource.choices)
    summary = models.TextField(max_length=FEEDBACK_SUMMARY_MAX)
    considered_on = models.DateField(null=True, blank=True)
    considered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = "service-user feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(considered_on__isnull=True) | Q(considered_on__gte=F("received_on")),
                name="feedback_considered_after_received",
            ),
        ]

    def __str__(self):
        return f"Feedback for {self.worker.full_name} received {govuk_date(self.received_on)}"
