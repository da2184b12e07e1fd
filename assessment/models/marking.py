"""Marking the observed simulated practice: the four tasks, markers' allocations and their marks."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from naas.models import KSSArea

from .limits import REASON_MAX
from .scheduling import Attempt


class PracticeTask(models.TextChoices):
    """The four observed tasks of the simulated practice; each area is marked on each."""

    ROLE_PLAY_1 = "role_play_1", "Role play 1"
    ROLE_PLAY_2 = "role_play_2", "Role play 2"
    REFLECTIVE = "reflective", "Reflective task"
    WRITTEN = "written", "Written task"


class MarkerRole(models.TextChoices):
    FIRST = "first", "First marker"
    SECOND = "second", "Second marker"
    MODERATOR = "moderator", "Moderator"
    REVIEWER = "reviewer", "Reviewer"


class Allocation(models.Model):
    """An assessor given a part in marking one attempt. Never someone linked to the
    candidate's LA, and never the same person twice on one attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="allocations")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    role = models.CharField(max_length=20, choices=MarkerRole.choices)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    reason = models.TextField(
        blank=True, max_length=REASON_MAX, help_text="A moderator's reason for the final marks"
    )

    class Meta:
        ordering = ["attempt", "allocated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "role"],
                condition=Q(active=True),
                name="one_active_allocation_per_role",
            ),
            models.UniqueConstraint(
                fields=["attempt", "assessor"],
                condition=Q(active=True),
                name="one_part_per_assessor",
            ),
        ]

    def __str__(self):
        return f"Attempt {self.attempt_id}: {self.get_role_display()}"


MARK_MIN, MARK_MAX = 1, 4
MARK_RUBRIC = {
    1: "Not demonstrated",
    2: "Partly demonstrated",
    3: "Demonstrated",
    4: "Strongly demonstrated",
}


class GlobalJudgement(models.IntegerChoices):
    """A marker's overall view of an area, the x of borderline regression. The values are
    `assessment.psychometrics.standard_setting.GlobalGrade`'s (a test pins them equal); it is
    not imported here because it brings statsmodels into every start-up."""

    NOT_MET = 0, "Not met"
    BORDERLINE = 1, "Borderline"
    MET = 2, "Met"
    EXCEEDS = 3, "Exceeds"


def _mark_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(MARK_MIN), MaxValueValidator(MARK_MAX)]
    )


class AreaMark(models.Model):
    """One marker's marks for one KSS area on each of the four tasks, with the evidence."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="marks")
    area = models.ForeignKey(KSSArea, on_delete=models.PROTECT, related_name="+")
    role_play_1 = _mark_field("role play 1")
    role_play_2 = _mark_field("role play 2")
    reflective = _mark_field("reflective task")
    written = _mark_field("written task")
    evidence_note = models.TextField(max_length=2000)
    global_judgement = models.PositiveSmallIntegerField(
        "overall judgement",
        choices=GlobalJudgement.choices,
        null=True,
        blank=True,
        help_text="Empty for marks recorded before judgements were asked for",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    TASK_FIELDS = ("role_play_1", "role_play_2", "reflective", "written")

    class Meta:
        ordering = ["allocation", "area__number"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "area"], name="one_mark_per_area"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": MARK_MIN, f"{name}__lte": MARK_MAX}),
                    name=f"areamark_{name}_1_to_4",
                )
                for name in ("role_play_1", "role_play_2", "reflective", "written")
            ),
        ]

    def __str__(self):
        return f"Allocation {self.allocation_id}: area {self.area_id}"

    def task_marks(self) -> list[int]:
        return [getattr(self, name) for name in self.TASK_FIELDS]


class MarkingDraft(models.Model):
    """A marker's unfinished marks, kept so that 50 fields need not be filled in one sitting.
    Private to the allocation's assessor (only their own scoring page reads it), never part of
    any outcome, and deleted when the marks are submitted. `answers` holds, per area id, the
    task marks entered so far (1–4 or null), the evidence and the overall judgement."""

    allocation = models.OneToOneField(Allocation, on_delete=models.CASCADE, related_name="draft")
    answers = models.JSONField(default=dict)
    reason = models.TextField(blank=True, max_length=REASON_MAX)
    saved_at = models.DateTimeField()

    def __str__(self):
        return f"Draft marks for allocation {self.allocation_id}"
