"""Outcomes: versioned outcome rule sets, each attempt's outcome versions and their per-area
results."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from naas.models import KSSArea, KSSFramework

from .scheduling import Attempt


class OutcomeRuleSet(models.Model):
    """A version of the rule that turns evidence into outcomes for one KSS framework. Never
    edited once made: a change is a new version, and every outcome keeps the one it used."""

    framework = models.ForeignKey(KSSFramework, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField()
    parameters = models.JSONField(help_text="assessment.outcome_rules.RuleParameters as JSON")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "version"], name="unique_rule_version"),
        ]

    def __str__(self):
        return f"{self.framework} rules v{self.version}"


class OutcomeResult(models.TextChoices):
    """The values match assessment.outcome_rules.Result."""

    MET = "met", "Met"
    PARTIALLY_MET = "partially_met", "Partially met"
    NOT_MET = "not_met", "Not met"


class Outcome(models.Model):
    """One version of an attempt's outcome. A review that overturns it makes a new version;
    the old one stays, superseded. A fast-track retake's outcome merges the parent's met
    areas (carried forward) with the retaken ones."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="outcomes")
    version = models.PositiveSmallIntegerField(default=1)
    rule_set = models.ForeignKey(OutcomeRuleSet, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=20, choices=OutcomeResult.choices)
    reference = models.CharField(max_length=30, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "version"], name="unique_outcome_version"),
            models.UniqueConstraint(
                fields=["attempt"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_outcome_per_attempt",
            ),
        ]
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self):
        return f"{self.reference} v{self.version}: {self.get_result_display()}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class AreaOutcome(models.Model):
    """The result for one KSS area of an outcome, with the evidence that produced it."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="area_outcomes")
    area = models.ForeignKey(KSSArea, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=20, choices=OutcomeResult.choices)
    observation_mean = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    knowledge_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    explanation = models.TextField(blank=True)
    carried_forward = models.BooleanField(
        default=False, help_text="Met at the earlier attempt and not retaken"
    )

    class Meta:
        ordering = ["outcome", "area__number"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "area"], name="one_result_per_area"),
        ]

    def __str__(self):
        return f"{self.outcome_id}: area {self.area_id} {self.result}"
