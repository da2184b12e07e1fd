"""Forms for standard setting: opening an Angoff exercise, inviting a judge, a judge's
ratings (entered as whole percentages, stored as probabilities 0–1) and adopting the cut."""

from decimal import Decimal

from crispy_forms_gds.layout import Field, Size
from django import forms

from ..models import AngoffCutChoice, TestForm
from .common import form_helper


class AngoffOpenForm(forms.Form):
    test_form = forms.ModelChoiceField(
        label="Which test form will the judges rate?",
        queryset=TestForm.objects.filter(is_active=True).order_by("level", "code"),
        empty_label="Choose a test form",
        error_messages={
            "required": "Choose the test form",
            "invalid_choice": "Choose a test form from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.select("test_form"), submit="Start the exercise")


class AngoffInviteForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Invite a judge",
        help_text="Judges are assessors or moderators who know what a just-qualified "
        "practitioner can do.",
        queryset=None,
        empty_label="Choose an assessor or moderator",
        error_messages={
            "required": "Choose the assessor or moderator to invite",
            "invalid_choice": "Choose an assessor or moderator from the list",
        },
    )

    def __init__(self, *args, invitable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = invitable
        self.fields["user"].label_from_instance = lambda user: user.full_name or user.email
        self.helper = form_helper(Field.select("user"), submit="Invite judge")


def rating_field_name(item_id: int) -> str:
    return f"item_{item_id}"


class AngoffRatingForm(forms.Form):
    """One percentage per question; a blank one is left as it was (the judge can come back)."""

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = links
        for link in links:
            label = f"Question {link.position}"
            self.fields[rating_field_name(link.item_id)] = forms.IntegerField(
                label=f"{label}: percentage of just-qualified practitioners answering correctly",
                required=False,
                min_value=0,
                max_value=100,
                error_messages={
                    "invalid": f"{label}: enter the percentage as a whole number from 0 to 100",
                    "min_value": f"{label}: the percentage must be between 0 and 100",
                    "max_value": f"{label}: the percentage must be between 0 and 100",
                },
            )

    def ratings(self) -> dict[int, Decimal]:
        """Item id -> probability (0–1) for every question given a percentage."""
        return {
            link.item_id: Decimal(value) / 100
            for link in self.links
            if (value := self.cleaned_data.get(rating_field_name(link.item_id))) is not None
        }

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) pairs for the error summary, in question order."""
        return [
            (self[name].id_for_label if name in self.fields else "", message)
            for name, messages in self.errors.items()
            for message in messages
        ]


class AngoffAdoptForm(forms.Form):
    choice = forms.ChoiceField(
        label="Which cut should become the knowledge-test cut?",
        choices=AngoffCutChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which cut to adopt",
            "invalid_choice": "Choose which cut to adopt",
        },
    )

    def __init__(self, *args, exercise, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(AngoffCutChoice.RAW, f"The panel's cut: {exercise.cut_percent}%")]
        if exercise.adjusted_cut_percent is not None:
            choices.append(
                (
                    AngoffCutChoice.ADJUSTED,
                    f"Adjusted for measurement error (plus one SEM): "
                    f"{exercise.adjusted_cut_percent}%",
                )
            )
        self.fields["choice"].choices = choices
        self.helper = form_helper(Field.radios("choice", legend_size=Size.MEDIUM))
