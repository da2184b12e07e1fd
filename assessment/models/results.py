"""Knowledge-test results: each upload of the test platform's file, and the scored results,
responses and area scores it records."""

from django.conf import settings
from django.db import models

from naas.models import KSSArea

from .item_bank import Item, TestForm
from .scheduling import Attempt, Sitting


class ResultsImport(models.Model):
    """One upload of the test platform's results file for a sitting."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="results_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()
    candidates_recorded = models.PositiveIntegerField()
    candidates_unchanged = models.PositiveIntegerField()

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"Results for {self.sitting} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class TestResult(models.Model):
    """A candidate's scored knowledge test."""

    __test__ = False

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="test_result")
    test_form = models.ForeignKey(TestForm, on_delete=models.PROTECT, related_name="results")
    results_import = models.ForeignKey(
        ResultsImport, on_delete=models.PROTECT, related_name="results"
    )
    raw_score = models.DecimalField(max_digits=6, decimal_places=2)
    max_score = models.DecimalField(max_digits=6, decimal_places=2)
    answers_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the answers, to recognise the same file again"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempt"]

    def __str__(self):
        return f"{self.attempt.worker}: {self.raw_score}/{self.max_score}"

    @property
    def percent(self):
        return round(100 * self.raw_score / self.max_score, 1) if self.max_score else 0


class TestResponse(models.Model):
    """The options a candidate chose for one question, and the marks they earned."""

    __test__ = False

    # No separate index on result: the unique (result, item) index serves those lookups.
    result = models.ForeignKey(
        TestResult, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    chosen = models.CharField(max_length=8, blank=True, help_text="Letters in order; empty if none")
    marks = models.DecimalField(max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["result", "id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "item"], name="one_response_per_item"),
        ]

    def __str__(self):
        return f"Item {self.item_id}: {self.chosen or '(blank)'} = {self.marks}"


class TestAreaScore(models.Model):
    """A candidate's knowledge-test score in one KSS area."""

    __test__ = False

    result = models.ForeignKey(
        TestResult, on_delete=models.CASCADE, related_name="area_scores", db_index=False
    )
    area = models.ForeignKey(KSSArea, on_delete=models.PROTECT, related_name="+")
    marks = models.DecimalField(max_digits=6, decimal_places=2)
    max_marks = models.DecimalField(max_digits=6, decimal_places=2)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    item_count = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["result", "area__framework__level", "area__number"]
        constraints = [
            models.UniqueConstraint(fields=["result", "area"], name="one_score_per_area"),
        ]

    def __str__(self):
        return f"Area {self.area_id}: {self.marks}/{self.max_marks}"
