"""Appeals: a candidate's request for a review of a published outcome."""

from django.conf import settings
from django.db import models
from django_fsm import (
    ConcurrentTransitionMixin,
    FSMField,
    FSMModelMixin,
    can_proceed,
    has_transition_perm,
    transition,
)

from .limits import REASON_MAX
from .outcomes import Outcome
from .scheduling import Attempt


class ReviewState(models.TextChoices):
    REQUESTED = "requested", "Waiting for a decision"
    UPHELD = "upheld", "Outcome upheld"
    OVERTURNED = "overturned", "Outcome overturned"


def is_the_reviewer(review, user) -> bool:
    """Only the independent reviewer allocated to the attempt decides its review."""
    from assessment import policies  # imported here: policies imports these models

    from .marking import MarkerRole

    allocation = policies.allocation_of(user, review.attempt, MarkerRole.REVIEWER)
    return allocation is not None and policies.can_mark(user, allocation)


class ReviewRequest(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A candidate's request for a review of a published outcome, decided by an independent
    reviewer (someone who did not mark the attempt)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="reviews")
    outcome = models.OneToOneField(Outcome, on_delete=models.PROTECT, related_name="review")
    grounds = models.TextField(max_length=REASON_MAX * 3)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = FSMField(default=ReviewState.REQUESTED, choices=ReviewState.choices, protected=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, max_length=REASON_MAX)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Review of {self.outcome} ({self.get_state_display()})"

    @property
    def awaits_decision(self) -> bool:
        return can_proceed(self.uphold)

    @property
    def is_overturned(self) -> bool:
        return self.state == ReviewState.OVERTURNED

    def can_be_decided_by(self, user) -> bool:
        return self.awaits_decision and has_transition_perm(self.uphold, user)

    @transition(
        field=state,
        source=ReviewState.REQUESTED,
        target=ReviewState.UPHELD,
        permission=is_the_reviewer,
    )
    def uphold(self):
        """The reviewer finds the outcome sound."""

    @transition(
        field=state,
        source=ReviewState.REQUESTED,
        target=ReviewState.OVERTURNED,
        permission=is_the_reviewer,
    )
    def overturn(self):
        """The reviewer finds the assessment flawed: scoring is re-opened."""
