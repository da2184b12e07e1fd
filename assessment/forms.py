"""Forms for booking, adjustments, attendance, the item bank, test forms and results upload.
They validate input only; the rules live in services.py."""

import hashlib
from fractions import Fraction

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.conf import settings

from naas.dates import SERVICE_START, govuk_weekday_date, plan_ahead_limit
from naas.forms import DateRangeAdminForm, GovukDateField
from naas.models import KSSArea, Level, Region

from .models import (
    DETAIL_MAX,
    MARK_RUBRIC,
    OPTION_LETTERS,
    REASON_MAX,
    AdjustmentKind,
    AreaMark,
    AssessmentCentre,
    ItemFormat,
    MultiSelectScoring,
    PracticeTask,
    Scenario,
    Sitting,
    Slot,
)
from .outcome_rules import RuleParameters
from .results_csv import ResultsFileError, read_results_csv
from .services import MarkEntry


def sitting_label(sitting: Sitting) -> str:
    places = getattr(sitting, "places_left", None)
    where = (
        f"{govuk_weekday_date(sitting.date)}, {sitting.get_slot_display().lower()}, "
        f"{sitting.centre.name}"
    )
    if places is None:
        return where
    return f"{where} – {places} place{'s' if places != 1 else ''} left"


class SittingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return sitting_label(obj)


def _sitting_radios(label: str, required: str = "Choose a sitting") -> SittingChoiceField:
    """Radios for one of the sittings the form is given (its __init__ sets the queryset)."""
    return SittingChoiceField(
        queryset=Sitting.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=label,
        error_messages={
            "required": required,
            "invalid_choice": "That sitting is no longer available; choose another",
        },
    )


def _helper(*fields, submit: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class BookingForm(forms.Form):
    sitting = _sitting_radios("Choose a sitting")
    adjustments = forms.MultipleChoiceField(
        choices=AdjustmentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Do you need any reasonable adjustments?",
        help_text="Select all that apply. An assessment administrator will decide each request "
        "before the day and tell you the decision.",
    )
    other_detail = forms.CharField(
        label="If you chose something else, describe the adjustment you need",
        help_text="For example, a height-adjustable desk or a screen reader.",
        required=False,
        max_length=DETAIL_MAX,
        widget=forms.Textarea,
    )
    adjustment_notes = forms.CharField(
        label="Anything else the assessment centre should know about your adjustments (optional)",
        help_text="For example, how much extra time you usually have.",
        required=False,
        max_length=DETAIL_MAX,
        widget=forms.Textarea,
    )

    def __init__(self, *args, sittings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = sittings
        self.helper = _helper(
            Field.radios("sitting", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.checkboxes("adjustments", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("other_detail", rows=3, max_characters=DETAIL_MAX),
            Field.textarea("adjustment_notes", rows=3, max_characters=DETAIL_MAX),
        )

    def clean(self):
        cleaned = super().clean()
        if (
            AdjustmentKind.OTHER in cleaned.get("adjustments", [])
            and not cleaned.get("other_detail", "").strip()
        ):
            self.add_error("other_detail", "Describe the other adjustment you need")
        return cleaned


class RebookForm(forms.Form):
    sitting = _sitting_radios("Choose the new sitting", required="Choose the new sitting")

    def __init__(self, *args, sittings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = sittings
        self.helper = _helper(
            Field.radios("sitting", legend_size=Size.MEDIUM), submit="Change booking"
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the booking being cancelled? (optional)",
        help_text="This is kept with the booking's history.",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", rows=3, max_characters=REASON_MAX), submit="Cancel booking"
        )
        self.helper.layout[-1] = Submit(
            "submit", "Cancel booking", css_class="govuk-button--warning"
        )


def _decision_reason(required: str) -> forms.CharField:
    """The reason for a decision, which the candidate will see."""
    return forms.CharField(
        label="Reason for the decision",
        help_text="The candidate will see this.",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={"required": required},
    )


class _DecisionForm(forms.Form):
    """A decision (its `decision` radios) and the reason for it (`reason`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=4, max_characters=REASON_MAX),
        )


class AdjustmentDecisionForm(_DecisionForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        label="What is your decision?",
        error_messages={"required": "Choose whether to approve or decline the request"},
    )
    reason = _decision_reason("Enter the reason for the decision")


class AttendanceForm(forms.Form):
    """One radio group per booked candidate: attended, did not attend, or not yet recorded."""

    CHOICES = [("", "Not recorded yet"), ("sat", "Attended"), ("no_show", "Did not attend")]

    def __init__(self, *args, attempts, **kwargs):
        super().__init__(*args, **kwargs)
        self.attempts = list(attempts)
        for attempt in self.attempts:
            self.fields[f"attempt_{attempt.pk}"] = forms.ChoiceField(
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                required=False,
                label=f"{attempt.worker.user.full_name} ({attempt.worker.registration_number})",
            )
        self.helper = _helper(
            *(Field.radios(name, small=True, inline=True) for name in self.fields),
            submit="Save attendance",
        )

    def attendance(self) -> dict[int, bool]:
        return {
            attempt.pk: self.cleaned_data[f"attempt_{attempt.pk}"] == "sat"
            for attempt in self.attempts
            if self.cleaned_data.get(f"attempt_{attempt.pk}")
        }


class SittingAdminForm(DateRangeAdminForm):
    """The back office's sitting form: its date within the same range as the service's."""

    date_ranges = {"date": ("the date of the sitting", SERVICE_START, plan_ahead_limit)}

    class Meta(DateRangeAdminForm.Meta):
        model = Sitting


class CentreForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter the centre's name"})
    address = forms.CharField(
        widget=forms.Textarea, max_length=500, error_messages={"required": "Enter the address"}
    )
    region = forms.ChoiceField(
        choices=[("", "Choose a region"), *Region.choices],
        error_messages={"required": "Choose the region"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name", field_width="two-thirds"),
            Field.textarea("address", rows=3),
            Field.select("region"),
            submit="Add centre",
        )


class SittingForm(forms.Form):
    centre = forms.ModelChoiceField(
        queryset=AssessmentCentre.objects.filter(is_active=True),
        empty_label="Choose a centre",
        error_messages={"required": "Choose the centre"},
    )
    on = GovukDateField(
        label="Date",
        what="the date of the sitting",
        earliest=SERVICE_START,  # the service itself refuses a day that is not in the future
        latest=plan_ahead_limit,
        help_text="For example, 27 3 2027",
    )
    slot = forms.TypedChoiceField(
        choices=Slot.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="Start slot",
        error_messages={"required": "Choose the start slot"},
    )
    capacity = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=10_000,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "The number of places must be a whole number, like 12",
            "min_value": "The number of places must be 1 or more",
            "max_value": "The number of places must be 10,000 or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("centre"),
            Field("on"),
            Field.radios("slot"),
            Field.text("capacity", field_width=4),
            submit="Add sitting",
        )


class ScenarioForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        help_text="A short unique reference, like SC-P-01",
        error_messages={"required": "Enter a code"},
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    level = forms.ChoiceField(
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level"},
    )
    text = forms.CharField(
        label="Scenario text",
        help_text="The case study candidates read before the applied questions.",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter the scenario text"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("code", field_width=10),
            Field.text("title"),
            Field.radios("level"),
            Field.textarea("text", rows=8, max_characters=5000),
            submit="Add scenario",
        )


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.framework.get_level_display()} – {obj.number}. {obj.title}"


class ItemForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        help_text="A short unique reference, like P-GEN-001",
        error_messages={"required": "Enter a code"},
    )
    area = AreaChoiceField(
        label="KSS area",
        queryset=KSSArea.objects.filter(framework__is_current=True).select_related("framework"),
        empty_label="Choose a KSS area",
        error_messages={"required": "Choose the KSS area the question is tagged to"},
    )
    scenario = forms.ModelChoiceField(
        label="Scenario (applied questions only)",
        queryset=Scenario.objects.all(),
        required=False,
        empty_label="None – a general question",
    )
    format = forms.ChoiceField(
        choices=ItemFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the question format"},
    )
    stem = forms.CharField(
        label="Question",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter the question"},
    )
    correct = forms.MultipleChoiceField(
        label="Correct options",
        choices=[(letter, letter) for letter in OPTION_LETTERS],
        widget=forms.CheckboxSelectMultiple,
        help_text="One for a “choose 1 of 4” question; three for a “choose 3 of 8” question.",
        error_messages={"required": "Choose the correct options"},
    )

    def __init__(self, *args, revising=False, **kwargs):
        super().__init__(*args, **kwargs)
        for letter in OPTION_LETTERS:
            self.fields[f"option_{letter.lower()}"] = forms.CharField(
                label=f"Option {letter}" + (" (choose 3 of 8 only)" if letter > "D" else ""),
                max_length=500,
                required=False,
            )
        if revising:
            del self.fields["code"]
        fields = [] if revising else [Field.text("code", field_width=10)]
        fields += [
            Field.select("area"),
            Field.select("scenario"),
            Field.radios("format"),
            Field.textarea("stem", rows=4),
            Fieldset(
                *(Field.text(f"option_{letter.lower()}") for letter in OPTION_LETTERS),
                legend="Options",
                legend_size=Size.SMALL,
            ),
            Field.checkboxes("correct", small=True, inline=True),
        ]
        self.helper = _helper(*fields, submit="Save new version" if revising else "Add question")

    def option_texts(self) -> list[str]:
        texts = [self.cleaned_data.get(f"option_{letter.lower()}", "") for letter in OPTION_LETTERS]
        count = 8 if self.cleaned_data.get("format") == ItemFormat.THREE_OF_EIGHT else 4
        return texts[:count]


class TestFormForm(forms.Form):
    __test__ = False

    code = forms.CharField(
        max_length=20, help_text="Like P-2026-A", error_messages={"required": "Enter a code"}
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    level = forms.ChoiceField(
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level"},
    )
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.all(),
        empty_label="Choose a scenario",
        label="Scenario for the applied questions",
        error_messages={"required": "Choose the scenario"},
    )
    general_codes = forms.CharField(
        label="General questions",
        help_text="18 question codes, one per line or separated by commas",
        widget=forms.Textarea,
        error_messages={"required": "Enter the general questions"},
    )
    applied_codes = forms.CharField(
        label="Applied questions",
        help_text="12 question codes, all set in the scenario",
        widget=forms.Textarea,
        error_messages={"required": "Enter the applied questions"},
    )
    three_of_eight_scoring = forms.ChoiceField(
        label="How should “choose 3 of 8” questions be scored?",
        choices=MultiSelectScoring.choices,
        initial=MultiSelectScoring.EXACT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("code", field_width=10),
            Field.text("title"),
            Field.radios("level"),
            Field.select("scenario"),
            Field.textarea("general_codes", rows=6),
            Field.textarea("applied_codes", rows=5),
            Field.radios("three_of_eight_scoring"),
            submit="Check and save form",
        )

    @staticmethod
    def _codes(text: str) -> list[str]:
        return [code for code in text.replace(",", "\n").replace(";", "\n").split() if code]

    def general(self) -> list[str]:
        return self._codes(self.cleaned_data["general_codes"])

    def applied(self) -> list[str]:
        return self._codes(self.cleaned_data["applied_codes"])


class ResultsUploadForm(forms.Form):
    csv_file = forms.FileField(
        label="Upload the results file",
        help_text="A CSV from the test platform with the columns registration_number, "
        "test_form, item and options_chosen (letters A to H, like B or B;D;F).",
        error_messages={"required": "Select the results file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("csv_file"), submit="Check and import")

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        # A national results day (10,000 candidates x 30 questions) is about 10MB.
        limit = getattr(settings, "NAAS_MAX_RESULTS_UPLOAD_BYTES", 50 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file must be smaller than {limit // (1024 * 1024)}MB"
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        raw = upload.read()
        try:
            self.records = read_results_csv(raw)
        except ResultsFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.sha256 = hashlib.sha256(raw).hexdigest()
        return upload


# --- Simulated practice, moderation, outcomes and reviews -----------------------------------

MARK_CHOICES = [("", "Choose a mark")] + [
    (value, f"{value} – {label}") for value, label in MARK_RUBRIC.items()
]
EVIDENCE_MAX = 2000
GROUNDS_MAX = REASON_MAX * 3


class MarksForm(forms.Form):
    """One select per task (1–4) and an evidence note for each KSS area the attempt covers.
    Rendered by hand in the template as one fieldset per area."""

    def __init__(self, *args, areas, needs_reason: bool = False, initial_marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()  # for the error summary; the fields are laid out by hand
        self.areas = list(areas)
        initial_marks = initial_marks or {}
        for area in self.areas:
            existing = initial_marks.get(area.pk)
            for name, task in zip(AreaMark.TASK_FIELDS, PracticeTask.labels, strict=True):
                message = f"Choose a mark from 1 to 4 for {task.lower()} in area {area.number}"
                self.fields[self.mark_name(area, name)] = forms.TypedChoiceField(
                    label=task,
                    choices=MARK_CHOICES,
                    coerce=int,
                    initial=getattr(existing, name, ""),
                    error_messages={"required": message, "invalid_choice": message},
                )
            self.fields[self.evidence_name(area)] = forms.CharField(
                label=f"Evidence for area {area.number}",
                max_length=EVIDENCE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=getattr(existing, "evidence_note", ""),
                error_messages={
                    "required": f"Enter the evidence for area {area.number}",
                    "max_length": f"The evidence for area {area.number} must be "
                    f"{EVIDENCE_MAX} characters or fewer",
                },
            )
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                label="Reason for the final marks",
                help_text="Explain how you decided the final marks. This is kept with the "
                "attempt's history.",
                max_length=REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"required": "Enter the reason for the final marks"},
            )

    @staticmethod
    def mark_name(area, task_field: str) -> str:
        return f"area_{area.pk}_{task_field}"

    @staticmethod
    def evidence_name(area) -> str:
        return f"area_{area.pk}_evidence"

    def rows(self):
        """(area, [bound mark fields], bound evidence field) for the template."""
        return [
            (
                area,
                [self[self.mark_name(area, name)] for name in AreaMark.TASK_FIELDS],
                self[self.evidence_name(area)],
            )
            for area in self.areas
        ]

    def entries(self) -> dict:
        return {
            area.pk: MarkEntry(
                *(self.cleaned_data[self.mark_name(area, name)] for name in AreaMark.TASK_FIELDS),
                evidence_note=self.cleaned_data[self.evidence_name(area)],
            )
            for area in self.areas
        }


class MarkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class AllocationForm(forms.Form):
    assessor = MarkerChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose who to allocate",
            "invalid_choice": "That person can no longer be allocated; choose someone else",
        },
    )

    def __init__(self, *args, people, role_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = people
        self.fields["assessor"].label = f"Who will be the {role_label.lower()}?"
        self.fields["assessor"].help_text = (
            "Only people with no conflict of interest (not the candidate, their supervisor, or "
            "anyone linked to their local authority) and no other part in this attempt are listed."
        )
        self.helper = _helper(Field.radios("assessor", legend_size=Size.MEDIUM), submit="Allocate")


class RuleSetForm(forms.Form):
    observation_threshold = forms.DecimalField(
        label="Observation threshold",
        help_text="The lowest mean of the four task marks (1 to 4) that meets an area, "
        "for example 2.5",
        min_value=1,
        max_value=4,
        decimal_places=2,
        error_messages={
            "required": "Enter the observation threshold",
            "invalid": "Enter the observation threshold as a number, like 2.5",
            "min_value": "The observation threshold must be between 1 and 4",
            "max_value": "The observation threshold must be between 1 and 4",
            "max_decimal_places": "Enter the observation threshold to no more than 2 decimal "
            "places",
        },
    )
    knowledge_cut_percent = forms.DecimalField(
        label="Knowledge-test cut (%)",
        help_text="The lowest knowledge-test score in an area that meets it, for example 60",
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "required": "Enter the knowledge-test cut",
            "invalid": "Enter the knowledge-test cut as a number, like 60",
            "min_value": "The knowledge-test cut must be between 0 and 100",
            "max_value": "The knowledge-test cut must be between 0 and 100",
            "max_decimal_places": "Enter the cut to no more than 2 decimal places",
        },
    )
    partially_met_fraction = forms.CharField(
        label="Share of areas met for “partially met”",
        help_text="A fraction like 2/3, or a decimal like 0.75",
        max_length=20,
        error_messages={"required": "Enter the share of areas met for partially met"},
    )
    notes = forms.CharField(
        label="Why is the rule changing?",
        help_text="This is kept with the version for anyone reading an outcome made under it.",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={"required": "Enter why the rule is changing"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("observation_threshold", field_width=5),
            Field.text("knowledge_cut_percent", field_width=5),
            Field.text("partially_met_fraction", field_width=5),
            Field.textarea("notes", rows=3, max_characters=REASON_MAX),
            submit="Create new version",
        )

    def clean_partially_met_fraction(self):
        text = self.cleaned_data["partially_met_fraction"].strip()
        try:
            value = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise forms.ValidationError(
                "Enter the share as a fraction like 2/3 or a decimal like 0.75"
            ) from None
        if not 0 < value <= 1:
            raise forms.ValidationError("The share must be more than 0 and at most 1")
        return value

    def parameters(self):
        return RuleParameters(
            observation_threshold=Fraction(str(self.cleaned_data["observation_threshold"])),
            knowledge_cut_percent=Fraction(str(self.cleaned_data["knowledge_cut_percent"])),
            partially_met_fraction=self.cleaned_data["partially_met_fraction"],
        )


class FastTrackForm(forms.Form):
    sitting = _sitting_radios("Choose a sitting for your retake")

    def __init__(self, *args, sittings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = sittings
        self.helper = _helper(Field.radios("sitting", legend_size=Size.MEDIUM))


class ReviewRequestForm(forms.Form):
    grounds = forms.CharField(
        label="Why should your outcome be reviewed?",
        help_text="Explain what you think went wrong in how you were assessed, for example "
        "something that happened on the day or evidence that was not taken into account.",
        max_length=GROUNDS_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter your grounds for the review",
            "max_length": f"Your grounds must be {GROUNDS_MAX} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("grounds", rows=6, max_characters=GROUNDS_MAX, label_size=Size.MEDIUM)
        )


class ReviewDecisionForm(_DecisionForm):
    decision = forms.ChoiceField(
        choices=[
            ("uphold", "Uphold the outcome: it stands"),
            ("overturn", "Overturn the outcome: re-open scoring"),
        ],
        widget=forms.RadioSelect,
        label="What is your decision?",
        error_messages={"required": "Choose whether to uphold or overturn the outcome"},
    )
    reason = _decision_reason("Enter the reason for your decision")
