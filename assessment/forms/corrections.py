"""The form for correcting one candidate's answer to a knowledge-test question."""

from crispy_forms_gds.layout import Field
from django import forms

from ..models import OPTION_LETTERS, REASON_MAX
from ..scoring import OptionsError, parse_options
from .common import form_helper

REASON_REQUIRED = "Enter the reason for the correction"


class ResponseCorrectionForm(forms.Form):
    item = forms.TypedChoiceField(
        label="Which question's answer is wrong?",
        coerce=int,
        error_messages={
            "required": "Select the question whose answer is wrong",
            "invalid_choice": "Select a question that is on this candidate's test form",
        },
    )
    chosen = forms.CharField(
        label="Corrected answer",
        help_text="The letters of the options the candidate chose, for example B, or B;D;F for "
        "a 'choose 3 of 8' question. Leave it empty if they gave no answer.",
        required=False,
        max_length=20,
        error_messages={"max_length": "Enter at most 8 letters, A to H"},
    )
    reason = forms.CharField(
        label="Reason for the correction",
        help_text="For example, what the test platform confirmed. This is kept in the audit trail.",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": REASON_REQUIRED,
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
    )

    def __init__(self, *args, questions, answers: dict[int, str], option_counts: dict, **kwargs):
        """`questions`: selectors.form_questions of the candidate's test form; `answers`: the
        recorded answers by item id; `option_counts`: each item's number of options."""
        super().__init__(*args, **kwargs)
        self.option_counts = option_counts
        self.fields["item"].choices = [
            ("", "Select a question"),
            *(
                (
                    q.item_id,
                    f"Question {q.position}: {q.code} (area {q.area_number}) – recorded answer "
                    f"{answers.get(q.item_id) or 'blank'}",
                )
                for q in questions
            ),
        ]
        self.helper = form_helper(
            Field.select("item"),
            Field.text("chosen", field_width=10),
            Field.textarea("reason", rows=4, max_characters=REASON_MAX),
        )

    def clean_chosen(self):
        try:
            return parse_options(self.cleaned_data["chosen"])
        except OptionsError as exc:
            raise forms.ValidationError(f"The corrected answer {exc}") from None

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(REASON_REQUIRED)
        return reason

    def clean(self):
        cleaned = super().clean()
        item_id, letters = cleaned.get("item"), cleaned.get("chosen")
        if item_id is not None and letters:
            last = OPTION_LETTERS[self.option_counts[item_id] - 1]
            if max(letters) > last:
                self.add_error("chosen", f"This question has options A to {last} only")
        return cleaned

    @property
    def answers(self) -> dict:
        """The answers to keep for the check page (JSON: ids and strings)."""
        return {key: self.cleaned_data[key] for key in ("item", "chosen", "reason")}
