"""Forms for assessor calibration: a new set, a case chosen from marked attempts, and an
override with its reason. Blind marking reuses the live marks form (forms/marking.py)."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from naas.dates import govuk_date
from naas.models import KSSFramework

from ..models import REASON_MAX
from .common import form_helper


class CalibrationSetForm(forms.Form):
    name = forms.CharField(
        label="Name of the set",
        max_length=120,
        error_messages={
            "required": "Enter a name for the calibration set",
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    framework = forms.ModelChoiceField(
        label="KSS framework",
        queryset=KSSFramework.objects.order_by("level", "-version"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the KSS framework",
            "invalid_choice": "Choose one of the KSS frameworks listed",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("name"),
            Field.radios("framework", legend_size=Size.SMALL),
            submit="Create set",
        )


class AttemptChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"Attempt {obj.pk}: {obj.worker.user.full_name}, sat {govuk_date(obj.sitting.date)}"


class CaseAddForm(forms.Form):
    attempt = AttemptChoiceField(
        label="Attempt",
        queryset=None,
        help_text="Its final (moderated) marks are copied as the agreed marks.",
        error_messages={
            "required": "Choose an attempt",
            "invalid_choice": "That attempt can no longer be added; choose another",
        },
    )

    def __init__(self, *args, attempts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attempt"].queryset = attempts
        self.helper = form_helper(Field.select("attempt"), submit="Add case")


class OverrideForm(forms.Form):
    assessor = forms.ModelChoiceField(
        label="Assessor",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the assessor",
            "invalid_choice": "That person no longer needs an override; choose someone else",
        },
    )
    reason = forms.CharField(
        label="Reason for the override",
        help_text="Why this person may mark live without passing the set. This is kept in "
        "the audit trail.",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason for the override",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = people
        self.fields["assessor"].label_from_instance = lambda u: u.full_name or u.email
        self.helper = form_helper(
            Field.radios("assessor", legend_size=Size.SMALL),
            Field.textarea("reason", rows=4, max_characters=REASON_MAX),
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reason for the override")
        return reason
