"""The form for withdrawing a question from scoring on a test form."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from ..models import REASON_MAX
from .common import form_helper


class ItemWithdrawalForm(forms.Form):
    item = forms.TypedChoiceField(
        label="Which question should be withdrawn from scoring?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the question to withdraw",
            "invalid_choice": "Select a question that is on this form and not yet withdrawn",
        },
    )
    reason = forms.CharField(
        label="Reason for withdrawing it",
        help_text="For example, what the DIF review found. This is kept in the audit trail.",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason for withdrawing this question",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
    )

    def __init__(self, *args, questions, **kwargs):
        """`questions`: selectors.form_questions; only those still scored can be chosen."""
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (q.item_id, f"Question {q.position}: {q.code} (area {q.area_number}, {q.area_title})")
            for q in questions
            if not q.withdrawn
        ]
        self.helper = form_helper(
            Field.radios("item", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=4, max_characters=REASON_MAX),
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reason for withdrawing this question")
        return reason
