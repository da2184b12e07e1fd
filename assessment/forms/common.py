"""What assessment forms share: the GOV.UK layout helper and the decision-with-a-reason form."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from ..models import REASON_MAX


def form_helper(*fields, submit: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def decision_reason(required: str) -> forms.CharField:
    """The reason for a decision, which the candidate will see."""
    return forms.CharField(
        label="Reason for the decision",
        help_text="The candidate will see this.",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={"required": required},
    )


class DecisionForm(forms.Form):
    """A decision (its `decision` radios) and the reason for it (`reason`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=4, max_characters=REASON_MAX),
        )
