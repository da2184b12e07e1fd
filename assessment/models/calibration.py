"""Assessor calibration: a set of real, already-marked attempts with agreed marks, which
assessors mark blind before they are allocated live marking for that framework."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from naas.models import KSSFramework

from .limits import REASON_MAX
from .scheduling import Attempt


class CalibrationSet(models.Model):
    """Cases for one KSS framework (and so one level). At most one set is active per
    framework: while one is, an assessor must pass it (or be given an override) to be
    allocated live marking for that framework."""

    framework = models.ForeignKey(KSSFramework, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework"],
                condition=Q(active=True),
                name="one_active_calibration_set_per_framework",
            )
        ]

    def __str__(self):
        return self.name


class CalibrationCase(models.Model):
    """A real scored attempt used for practice, with its agreed marks: {area id (as a
    string, as JSON keeps it): [role play 1, role play 2, reflective, written]}."""

    calibration_set = models.ForeignKey(
        CalibrationSet, on_delete=models.CASCADE, related_name="cases"
    )
    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="+")
    agreed_marks = models.JSONField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["calibration_set", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["calibration_set", "attempt"], name="one_case_per_attempt_per_set"
            )
        ]

    def __str__(self):
        return f"Calibration case {self.pk}"


class CalibrationMarking(models.Model):
    """One assessor's blind marks for one case, kept as the agreed marks are (plus the
    evidence they wrote per area). Submitted once; never changed."""

    case = models.ForeignKey(CalibrationCase, on_delete=models.CASCADE, related_name="markings")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibration_markings"
    )
    marks = models.JSONField()
    evidence = models.JSONField(default=dict)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "assessor"], name="one_calibration_marking_per_assessor"
            )
        ]

    def __str__(self):
        return f"Calibration marking {self.pk}"


class CalibrationOverride(models.Model):
    """An administrator lets an assessor mark live without passing the set, with a reason."""

    calibration_set = models.ForeignKey(
        CalibrationSet, on_delete=models.CASCADE, related_name="overrides"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(max_length=REASON_MAX)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["calibration_set", "granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["calibration_set", "assessor"], name="one_calibration_override_per_assessor"
            )
        ]

    def __str__(self):
        return f"Calibration override {self.pk}"
