"""Form for running a borderline-regression analysis: the framework and the window of
sittings whose first marks it regresses."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from naas.dates import SERVICE_START, today
from naas.forms import GovukDateField
from naas.models import KSSFramework

from .common import form_helper


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class BorderlineRunForm(forms.Form):
    framework = FrameworkChoiceField(
        queryset=KSSFramework.objects.filter(is_current=True).order_by("level"),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which KSS framework?",
        error_messages={
            "required": "Choose the KSS framework",
            "invalid_choice": "Choose one of the KSS frameworks listed",
        },
    )
    # The window must be over: a sitting still to come has no marks to regress.
    window_start = GovukDateField(
        label="Start of the window",
        what="the start of the window",
        earliest=SERVICE_START,
        latest=today,
        help_text="The first sitting date to include, for example, 1 4 2026",
    )
    window_end = GovukDateField(
        label="End of the window",
        what="the end of the window",
        earliest=SERVICE_START,
        latest=today,
        help_text="The last sitting date to include, for example, 30 6 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("framework", legend_size=Size.MEDIUM),
            Field("window_start"),
            Field("window_end"),
            submit="Run the analysis",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and end < start:
            self.add_error(
                "window_end", "The end of the window must be the same as or after its start"
            )
        return cleaned
