"""Scheduling: assessment centres, sittings, attempts (bookings) and reasonable adjustments.
A booking takes a place on a sitting (assessment.services.scheduling.lock_sitting_with_a_place
keeps the count); the attempt then moves through the assessment day, marking and outcomes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import (
    ConcurrentTransitionMixin,
    FSMField,
    FSMModelMixin,
    can_proceed,
    has_transition_perm,
    transition,
)

from endorsement.models import Endorsement
from naas.dates import govuk_date
from naas.models import KSSArea, KSSFramework, Level, Region, SocialWorker

from .limits import DETAIL_MAX, REASON_MAX

# --- Centres and sittings -------------------------------------------------------------------


class AssessmentCentre(models.Model):
    """A venue where assessment days are held."""

    name = models.CharField(max_length=120, unique=True)
    address = models.TextField()
    region = models.CharField(max_length=20, choices=Region.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Slot(models.IntegerChoices):
    MORNING = 1, "Morning (starts 9am)"
    LATE_MORNING = 2, "Late morning (starts 10:30am)"
    EARLY_AFTERNOON = 3, "Early afternoon (starts 1pm)"


class Sitting(models.Model):
    """One session of about four hours at a centre, in one of the day's three start slots."""

    centre = models.ForeignKey(AssessmentCentre, on_delete=models.PROTECT, related_name="sittings")
    date = models.DateField()
    slot = models.PositiveSmallIntegerField(choices=Slot.choices)
    capacity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="How many candidates the centre can take in this slot",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "slot", "centre__name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "date", "slot"], name="one_sitting_per_slot"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="sitting_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.centre.name}, {govuk_date(self.date)}, {self.get_slot_display()}"

    def clean(self):
        """A sitting never has fewer places than the candidates already booked on it (the rule
        bookings keep: assessment.services.scheduling.lock_sitting_with_a_place)."""
        super().clean()
        if self.pk is None or self.capacity is None:
            return
        booked = self.attempts.filter(state__in=SEAT_TAKING_STATES).count()
        if self.capacity < booked:
            raise ValidationError(
                {
                    "capacity": f"The number of places must be at least {booked}, the number "
                    "of candidates already booked on this sitting"
                }
            )


# --- Attempts ---------------------------------------------------------------------------------


class AttemptState(models.TextChoices):
    BOOKED = "booked", "Booked"
    SAT = "sat", "Sat"
    SCORED = "scored", "Scored"
    MODERATED = "moderated", "Moderated"
    OUTCOME_PUBLISHED = "outcome_published", "Outcome published"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "Did not attend"
    UNDER_REVIEW = "under_review", "Under review"


# A seat on a sitting is taken by every attempt that was not cancelled.
SEAT_TAKING_STATES = tuple(s for s in AttemptState.values if s != AttemptState.CANCELLED)
# The candidate sees an outcome once it is published, and still while a review looks at it.
OUTCOME_SHOWN_STATES = (AttemptState.OUTCOME_PUBLISHED, AttemptState.UNDER_REVIEW)


# Conditions and permissions of the booking transitions. The services check the same rules first
# (with messages); declaring them here lets can_proceed answer "can this still change?". An
# attempt not yet placed on a sitting (a bare instance) has no day that could have come.


def before_sitting_day(attempt) -> bool:
    """A booking can be moved, or cancelled by its candidate or LA lead, until the day before."""
    return attempt.sitting_id is None or attempt.sitting.date > timezone.localdate()


def sitting_not_past(attempt) -> bool:
    """Even an administrator cannot cancel once the sitting's day has gone."""
    return attempt.sitting_id is None or attempt.sitting.date >= timezone.localdate()


def may_change_booking(attempt, user) -> bool:
    from assessment import policies  # imported here: policies imports these models

    return policies.can_change_booking(user, attempt)


def may_cancel_booking(attempt, user) -> bool:
    """Before the day, whoever may change the booking; on the day, only an administrator."""
    from assessment import policies  # imported here: policies imports these models

    return may_change_booking(attempt, user) and (
        before_sitting_day(attempt) or policies.is_assessment_administrator(user)
    )


class Attempt(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One candidate's assessment: booked on a sitting against an endorsement (or, for a
    fast-track retake, against a parent attempt), then sat, scored, moderated and published."""

    worker = models.ForeignKey(SocialWorker, on_delete=models.PROTECT, related_name="attempts")
    level = models.CharField(max_length=20, choices=Level.choices)
    framework = models.ForeignKey(
        KSSFramework,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The KSS version the candidate is assessed against",
    )
    endorsement = models.ForeignKey(
        Endorsement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempts",
        help_text="Empty only for a fast-track retake, which needs no new endorsement",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retakes",
        help_text="For a fast-track retake: the attempt it retakes",
    )
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="attempts")
    areas = models.ManyToManyField(
        KSSArea,
        through="AttemptArea",
        related_name="+",
        help_text="The KSS areas this attempt assesses: all of the level's, or for a "
        "fast-track retake only those not met",
    )
    state = FSMField(default=AttemptState.BOOKED, choices=AttemptState.choices, protected=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    adjustment_notes = models.TextField(
        "anything else about the adjustments", blank=True, max_length=DETAIL_MAX
    )
    sat_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True, max_length=REASON_MAX)
    no_show_at = models.DateTimeField(null=True, blank=True)
    second_marking = models.CharField(
        max_length=20,
        choices=[("", "Not needed"), ("sample", "In the sample"), ("borderline", "Borderline")],
        blank=True,
        help_text="Why the attempt is second-marked, decided when the first marks are in",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-booked_at", "-id"]
        indexes = [models.Index(fields=["sitting", "state"])]
        constraints = [
            # One active booking per endorsement; a cancelled one frees it for rebooking.
            models.UniqueConstraint(
                fields=["endorsement"],
                condition=~Q(state=AttemptState.CANCELLED) & Q(endorsement__isnull=False),
                name="one_live_attempt_per_endorsement",
            ),
            models.CheckConstraint(
                condition=Q(endorsement__isnull=False) | Q(parent__isnull=False),
                name="attempt_has_endorsement_or_parent",
            ),
        ]

    def __str__(self):
        return f"{self.worker} – {self.get_level_display()} ({self.get_state_display()})"

    @property
    def is_retake(self) -> bool:
        return self.parent_id is not None

    @property
    def shows_outcome(self) -> bool:
        """The candidate has an outcome to look at (published, perhaps now under review)."""
        return self.state in OUTCOME_SHOWN_STATES

    @property
    def is_outcome_published(self) -> bool:
        return self.state == AttemptState.OUTCOME_PUBLISHED

    @property
    def is_under_review(self) -> bool:
        """A review of the published outcome is open (and may re-open marking)."""
        return can_proceed(self.uphold_review)

    @property
    def can_be_rebooked(self) -> bool:
        return can_proceed(self.rebook)

    @property
    def can_be_cancelled(self) -> bool:
        """Cancellable by someone (see may_cancel_booking for who)."""
        return can_proceed(self.cancel)

    def can_be_cancelled_by(self, user) -> bool:
        return self.can_be_cancelled and has_transition_perm(self.cancel, user)

    # Transitions owned by the booking and assessment-day services (this issue).

    @transition(
        field=state,
        source=AttemptState.BOOKED,
        target=AttemptState.BOOKED,
        conditions=[before_sitting_day],
        permission=may_change_booking,
    )
    def rebook(self):
        """Move the booking to another sitting."""

    @transition(
        field=state,
        source=AttemptState.BOOKED,
        target=AttemptState.CANCELLED,
        conditions=[sitting_not_past],
        permission=may_cancel_booking,
    )
    def cancel(self):
        """The candidate, their LA lead or an administrator cancels the booking."""

    @transition(field=state, source=AttemptState.BOOKED, target=AttemptState.SAT)
    def sit(self):
        """The candidate attended the sitting."""

    @transition(field=state, source=AttemptState.BOOKED, target=AttemptState.NO_SHOW)
    def record_no_show(self):
        """The candidate did not attend the sitting."""

    # Transitions for scoring, moderation, outcomes and reviews.

    @transition(field=state, source=AttemptState.SAT, target=AttemptState.SCORED)
    def score(self):
        """The allocated assessor has scored the simulated practice."""

    @transition(field=state, source=AttemptState.SCORED, target=AttemptState.MODERATED)
    def moderate(self):
        """Second marking and any moderation are complete; the marks are final."""

    @transition(
        field=state,
        source=[AttemptState.MODERATED, AttemptState.UNDER_REVIEW],
        target=AttemptState.OUTCOME_PUBLISHED,
    )
    def publish_outcome(self):
        """The confirmed outcome is published to the candidate."""

    @transition(
        field=state, source=AttemptState.OUTCOME_PUBLISHED, target=AttemptState.UNDER_REVIEW
    )
    def request_review(self):
        """The candidate asks for a review of how they were assessed."""

    @transition(
        field=state, source=AttemptState.UNDER_REVIEW, target=AttemptState.OUTCOME_PUBLISHED
    )
    def uphold_review(self):
        """The reviewer upholds the published outcome; it stands unchanged."""


class AttemptArea(models.Model):
    """A KSS area an attempt covers."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="attempt_areas")
    area = models.ForeignKey(KSSArea, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["area__number"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "area"], name="unique_attempt_area"),
        ]

    def __str__(self):
        return f"Attempt {self.attempt_id}: area {self.area_id}"


# --- Reasonable adjustments -----------------------------------------------------------------


class AdjustmentKind(models.TextChoices):
    EXTRA_TIME = "extra_time", "Extra time"
    READER = "reader", "A reader"
    REST_BREAK = "rest_break", "Rest breaks"
    SEPARATE_ROOM = "separate_room", "A separate room"
    OTHER = "other", "Something else"


class AdjustmentDecision(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


def booking_still_open(adjustment) -> bool:
    """An adjustment is decided while its booking stands, before the day of the sitting."""
    if adjustment.attempt_id is None:  # a bare request, not yet on a booking
        return True
    attempt = adjustment.attempt
    return attempt.state == AttemptState.BOOKED and before_sitting_day(attempt)


class AdjustmentRequest(FSMModelMixin, models.Model):
    """A reasonable adjustment asked for at booking (Equality Act 2010), decided by an
    assessment administrator before the day."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=20, choices=AdjustmentKind.choices)
    detail = models.TextField(blank=True, max_length=DETAIL_MAX)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decision = FSMField(
        default=AdjustmentDecision.PENDING, choices=AdjustmentDecision.choices, protected=True
    )
    decision_reason = models.TextField(blank=True, max_length=REASON_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "kind"], name="one_request_per_kind"),
            models.CheckConstraint(
                condition=~Q(kind=AdjustmentKind.OTHER) | ~Q(detail=""),
                name="other_adjustment_has_detail",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} for {self.attempt.worker} ({self.get_decision_display()})"
        )

    @property
    def awaits_decision(self) -> bool:
        return can_proceed(self.approve)

    @property
    def is_approved(self) -> bool:
        return self.decision == AdjustmentDecision.APPROVED

    @transition(
        field=decision,
        source=AdjustmentDecision.PENDING,
        target=AdjustmentDecision.APPROVED,
        conditions=[booking_still_open],
    )
    def approve(self):
        """An administrator approves the adjustment."""

    @transition(
        field=decision,
        source=AdjustmentDecision.PENDING,
        target=AdjustmentDecision.DECLINED,
        conditions=[booking_still_open],
    )
    def decline(self):
        """An administrator declines the adjustment, with a reason."""
