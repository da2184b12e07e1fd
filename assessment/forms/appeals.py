"""Forms for a fast-track retake, asking for a review and the reviewer's decision."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from ..models import REASON_MAX
from .common import DecisionForm, decision_reason, form_helper
from .scheduling import BookingForm, sitting_radios

GROUNDS_MAX = REASON_MAX * 3


class FastTrackForm(BookingForm):
    """A retake's sitting, with the same reasonable adjustments a first booking may ask for."""

    sitting = sitting_radios("Choose a sitting for your retake")


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
        self.helper = form_helper(
            Field.textarea("grounds", rows=6, max_characters=GROUNDS_MAX, label_size=Size.MEDIUM)
        )


class ReviewDecisionForm(DecisionForm):
    decision = forms.ChoiceField(
        choices=[
            ("uphold", "Uphold the outcome: it stands"),
            ("overturn", "Overturn the outcome: re-open scoring"),
        ],
        widget=forms.RadioSelect,
        label="What is your decision?",
        error_messages={"required": "Choose whether to uphold or overturn the outcome"},
    )
    reason = decision_reason("Enter the reason for your decision")
