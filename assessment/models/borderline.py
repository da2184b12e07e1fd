"""Borderline-regression analyses of the observed simulated practice: for one KSS framework
and a window of sittings, the cut per area that the first markers' global judgements imply,
and the outcome rule set version it was adopted into, if it was."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from naas.models import KSSFramework

from .outcomes import OutcomeRuleSet


class BorderlineAnalysis(models.Model):
    """One run of the analysis. Its results never change; adopting it makes a new rule set
    version (once) and records which."""

    framework = models.ForeignKey(KSSFramework, on_delete=models.PROTECT, related_name="+")
    window_start = models.DateField()
    window_end = models.DateField()
    results = models.JSONField(
        help_text="Per area, in area order: number, title, status, reason, n, intercept, slope, "
        "r_squared, r_squared_reason, cut_score"
    )
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(auto_now_add=True)
    adopted_rule_set = models.OneToOneField(
        OutcomeRuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="borderline_analysis",
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")),
                name="borderline_window_in_order",
            ),
        ]

    def __str__(self):
        return f"Borderline analysis {self.pk}: {self.window_start} to {self.window_end}"

    @property
    def is_adopted(self) -> bool:
        return self.adopted_rule_set_id is not None
