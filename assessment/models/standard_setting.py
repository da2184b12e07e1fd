"""Standard setting: a modified-Angoff exercise for a knowledge-test form, its judges and their
ratings in two rounds, and the cut it produced (adoptable into a new outcome rule-set version)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import (
    ConcurrentTransitionMixin,
    FSMField,
    FSMModelMixin,
    can_proceed,
    transition,
)

from .item_bank import Item, TestForm
from .outcomes import OutcomeRuleSet


class AngoffState(models.TextChoices):
    ROUND_ONE = "round_one", "Round 1: judges rating"
    ROUND_TWO = "round_two", "Round 2: judges rating again"
    CLOSED = "closed", "Closed: cut computed"
    ADOPTED = "adopted", "Adopted into the outcome rules"


class AngoffRound(models.IntegerChoices):
    ONE = 1, "Round 1"
    TWO = 2, "Round 2"


ROUND_OF_STATE = {AngoffState.ROUND_ONE: AngoffRound.ONE, AngoffState.ROUND_TWO: AngoffRound.TWO}


class AngoffCutChoice(models.TextChoices):
    RAW = "raw", "The panel's cut"
    ADJUSTED = "adjusted", "The cut adjusted for measurement error (plus one SEM)"


class AngoffExercise(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One modified-Angoff standard-setting exercise for one test form. Closing round two
    stores the computed cut; adopting it makes a new outcome rule-set version, kept here."""

    test_form = models.ForeignKey(TestForm, on_delete=models.PROTECT, related_name="+")
    state = FSMField(default=AngoffState.ROUND_ONE, choices=AngoffState.choices, protected=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The cut, stored when round two closes (percentages of the form's maximum mark).
    judge_count = models.PositiveSmallIntegerField(null=True, blank=True)
    max_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    cut_raw = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    cut_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    judge_sd = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    judge_se = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    sem = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    adjusted_cut_percent = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True
    )
    not_adjusted_reason = models.CharField(max_length=200, blank=True)
    results_used = models.PositiveIntegerField(null=True, blank=True)
    # Adoption.
    adopted_choice = models.CharField(max_length=10, choices=AngoffCutChoice.choices, blank=True)
    rule_set = models.OneToOneField(
        OutcomeRuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="angoff_exercise",
        help_text="The rule-set version this exercise's cut was adopted into",
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=AngoffState.ADOPTED) | Q(rule_set__isnull=False),
                name="adopted_angoff_has_rule_set",
            ),
        ]

    def __str__(self):
        return f"Angoff exercise {self.pk} for {self.test_form.code}"

    @property
    def current_round(self) -> int | None:
        """The round judges are rating in now (None once both rounds are closed)."""
        return ROUND_OF_STATE.get(self.state)

    @property
    def is_rating_open(self) -> bool:
        return self.current_round is not None

    @property
    def awaits_adoption(self) -> bool:
        return can_proceed(self.adopt)

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour of its state: rating, waiting for adoption, or done."""
        if self.is_rating_open:
            return "blue"
        return "yellow" if self.awaits_adoption else "green"

    @transition(field=state, source=AngoffState.ROUND_ONE, target=AngoffState.ROUND_TWO)
    def close_round_one(self):
        """Round one's ratings are final; judges see real facility and rate again."""

    @transition(field=state, source=AngoffState.ROUND_TWO, target=AngoffState.CLOSED)
    def close_round_two(self):
        """Round two's ratings are final and the cut is computed from them."""

    @transition(field=state, source=AngoffState.CLOSED, target=AngoffState.ADOPTED)
    def adopt(self):
        """The cut becomes a new version of the outcome rules."""


class AngoffJudge(models.Model):
    """An assessor or moderator invited to rate the items of an exercise's form."""

    exercise = models.ForeignKey(AngoffExercise, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exercise", "invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "user"], name="one_judge_per_user"),
        ]

    def __str__(self):
        return f"Judge {self.user_id} of exercise {self.exercise_id}"


class AngoffRating(models.Model):
    """A judge's probability (0–1) that a just-qualified practitioner answers an item
    correctly, in one round. Pages show and take it as a percentage."""

    judge = models.ForeignKey(AngoffJudge, on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(choices=AngoffRound.choices)
    probability = models.DecimalField(max_digits=3, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["judge", "round", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["judge", "item", "round"], name="one_rating_per_item_and_round"
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=1),
                name="angoff_probability_in_range",
            ),
        ]

    def __str__(self):
        return f"Judge {self.judge_id}, item {self.item_id}, round {self.round}: {self.probability}"
