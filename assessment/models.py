"""Assessment days and the knowledge test: centres, sittings, attempts (bookings), reasonable
adjustments, the item bank, test forms, and imported test results scored per KSS area."""

from itertools import combinations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from endorsement.models import Endorsement
from naas.dates import govuk_date
from naas.models import KSSArea, KSSFramework, Level, Region, SocialWorker

OPTION_LETTERS = "ABCDEFGH"
DETAIL_MAX = 1000
REASON_MAX = 1000


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

    # Transitions owned by the booking and assessment-day services (this issue).

    @transition(field=state, source=AttemptState.BOOKED, target=AttemptState.BOOKED)
    def rebook(self):
        """Move the booking to another sitting."""

    @transition(field=state, source=AttemptState.BOOKED, target=AttemptState.CANCELLED)
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

    @transition(
        field=decision, source=AdjustmentDecision.PENDING, target=AdjustmentDecision.APPROVED
    )
    def approve(self):
        """An administrator approves the adjustment."""

    @transition(
        field=decision, source=AdjustmentDecision.PENDING, target=AdjustmentDecision.DECLINED
    )
    def decline(self):
        """An administrator declines the adjustment, with a reason."""


# --- Item bank and test forms ---------------------------------------------------------------


class ItemFormat(models.TextChoices):
    ONE_OF_FOUR = "1of4", "Choose 1 of 4"
    THREE_OF_EIGHT = "3of8", "Choose 3 of 8"


FORMAT_SHAPE = {
    # format: (number of options, number of correct options)
    ItemFormat.ONE_OF_FOUR: (4, 1),
    ItemFormat.THREE_OF_EIGHT: (8, 3),
}


def valid_keys(item_format: str) -> list[str]:
    """Every acceptable correct-options value for a format (letters in order, no repeats)."""
    option_count, correct_count = FORMAT_SHAPE[item_format]
    return ["".join(c) for c in combinations(OPTION_LETTERS[:option_count], correct_count)]


class Scenario(models.Model):
    """A case study the applied questions of a test form are all set in."""

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    text = models.TextField()
    level = models.CharField(max_length=20, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level", "code"]

    def __str__(self):
        return f"{self.code}: {self.title}"


class Item(models.Model):
    """A knowledge-test question tagged to one KSS area. Editing an item makes a new version
    (the old one is kept for the forms and results that used it)."""

    code = models.CharField(max_length=20)
    version = models.PositiveSmallIntegerField(default=1)
    area = models.ForeignKey(KSSArea, on_delete=models.PROTECT, related_name="items")
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        help_text="Set for an applied question; empty for a general one",
    )
    format = models.CharField(max_length=4, choices=ItemFormat.choices)
    stem = models.TextField("question")
    options = models.JSONField(help_text="The option texts, A first")
    correct_options = models.CharField(max_length=8, help_text="Letters in order, like B or BDF")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_item_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_active=True), name="one_active_item_version"
            ),
            models.CheckConstraint(
                condition=(
                    Q(format=ItemFormat.ONE_OF_FOUR)
                    & Q(correct_options__in=valid_keys(ItemFormat.ONE_OF_FOUR))
                )
                | (
                    Q(format=ItemFormat.THREE_OF_EIGHT)
                    & Q(correct_options__in=valid_keys(ItemFormat.THREE_OF_EIGHT))
                ),
                name="item_key_fits_format",
            ),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    @property
    def option_count(self) -> int:
        return FORMAT_SHAPE[self.format][0]

    @property
    def is_applied(self) -> bool:
        return self.scenario_id is not None

    def lettered_options(self) -> list[tuple[str, str, bool]]:
        return [
            (letter, text, letter in self.correct_options)
            for letter, text in zip(OPTION_LETTERS, self.options, strict=False)
        ]


class MultiSelectScoring(models.TextChoices):
    EXACT = "exact", "Only exactly the three correct options score (1 mark)"
    PARTIAL = "partial", "A third of a mark per correct option, if no more than three are chosen"


class TestForm(models.Model):
    """A fixed set of 30 questions (18 general, 12 applied to one scenario) for one level,
    checked against the blueprint when it is made."""

    __test__ = False  # not a pytest class, despite the name

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices)
    framework = models.ForeignKey(KSSFramework, on_delete=models.PROTECT, related_name="+")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="test_forms")
    items = models.ManyToManyField(Item, through="TestFormItem", related_name="test_forms")
    three_of_eight_scoring = models.CharField(
        "scoring of “choose 3 of 8” questions",
        max_length=10,
        choices=MultiSelectScoring.choices,
        default=MultiSelectScoring.EXACT,
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level", "code"]

    def __str__(self):
        return f"{self.code}: {self.title}"


class FormSection(models.TextChoices):
    GENERAL = "general", "General"
    APPLIED = "applied", "Applied to the scenario"


class TestFormItem(models.Model):
    __test__ = False

    form = models.ForeignKey(TestForm, on_delete=models.CASCADE, related_name="form_items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=10, choices=FormSection.choices)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["form", "position"]
        constraints = [
            models.UniqueConstraint(fields=["form", "item"], name="unique_item_on_form"),
            models.UniqueConstraint(fields=["form", "position"], name="unique_form_position"),
        ]

    def __str__(self):
        return f"Question {self.position} of form {self.form_id}"


# --- Results --------------------------------------------------------------------------------


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


# --- Simulated practice, moderation and outcomes (issue 5) ---------------------------------


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


class ReviewState(models.TextChoices):
    REQUESTED = "requested", "Waiting for a decision"
    UPHELD = "upheld", "Outcome upheld"
    OVERTURNED = "overturned", "Outcome overturned"


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

    @transition(field=state, source=ReviewState.REQUESTED, target=ReviewState.UPHELD)
    def uphold(self):
        """The reviewer finds the outcome sound."""

    @transition(field=state, source=ReviewState.REQUESTED, target=ReviewState.OVERTURNED)
    def overturn(self):
        """The reviewer finds the assessment flawed: scoring is re-opened."""
