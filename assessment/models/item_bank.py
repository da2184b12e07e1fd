"""The item bank: scenarios, knowledge-test questions (items) and the test forms made of them."""

from itertools import combinations

from django.conf import settings
from django.db import models
from django.db.models import Q

from naas.models import KSSArea, KSSFramework, Level

OPTION_LETTERS = "ABCDEFGH"


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
