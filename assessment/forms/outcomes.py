"""The form for a new version of the outcome rules."""

from fractions import Fraction

from crispy_forms_gds.layout import Field
from django import forms

from ..models import REASON_MAX
from ..outcome_rules import RuleParameters
from .common import form_helper


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
        self.helper = form_helper(
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
