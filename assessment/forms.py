"""Forms for booking, adjustments, attendance, the item bank, test forms and results upload.
They validate input only; the rules live in services.py."""

import hashlib

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.conf import settings

from naas.models import KSSArea, Level, Region

from .models import (
    DETAIL_MAX,
    OPTION_LETTERS,
    REASON_MAX,
    AdjustmentKind,
    AssessmentCentre,
    ItemFormat,
    MultiSelectScoring,
    Scenario,
    Sitting,
    Slot,
)
from .results_csv import ResultsFileError, read_results_csv


def sitting_label(sitting: Sitting) -> str:
    places = getattr(sitting, "places_left", None)
    where = f"{sitting.date:%A} {sitting.date.day} {sitting.date:%B %Y}, {sitting.get_slot_display().lower()}, {sitting.centre.name}"
    if places is None:
        return where
    return f"{where} – {places} place{'s' if places != 1 else ''} left"


class SittingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return sitting_label(obj)


def _helper(*fields, submit: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class BookingForm(forms.Form):
    sitting = SittingChoiceField(
        queryset=Sitting.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Choose a sitting",
        error_messages={
            "required": "Choose a sitting",
            "invalid_choice": "That sitting is no longer available; choose another",
        },
    )
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
    sitting = SittingChoiceField(
        queryset=Sitting.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Choose the new sitting",
        error_messages={
            "required": "Choose the new sitting",
            "invalid_choice": "That sitting is no longer available; choose another",
        },
    )

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


class AdjustmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        label="What is your decision?",
        error_messages={"required": "Choose whether to approve or decline the request"},
    )
    reason = forms.CharField(
        label="Reason for the decision",
        help_text="The candidate will see this.",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the decision"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=4, max_characters=REASON_MAX),
        )


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
    on = DateInputField(label="Date", help_text="For example, 27 3 2027")
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
        self.fields["on"].error_messages["required"] = "Enter the date of the sitting"
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
