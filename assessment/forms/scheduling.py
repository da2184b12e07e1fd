"""Forms for assessment days: booking (with adjustments), rebooking, cancelling, deciding an
adjustment, attendance, centres and sittings."""

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms

from naas.dates import SERVICE_START, govuk_weekday_date, plan_ahead_limit
from naas.forms import DateRangeAdminForm, GovukDateField
from naas.models import Region

from ..models import DETAIL_MAX, REASON_MAX, AdjustmentKind, AssessmentCentre, Sitting, Slot
from ..services.scheduling import AdjustmentAsk, adjustment_problems
from .common import DecisionForm, decision_reason, form_helper


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


def sitting_radios(label: str, required: str = "Choose a sitting") -> SittingChoiceField:
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


class BookingForm(forms.Form):
    sitting = sitting_radios("Choose a sitting")
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
        self.helper = form_helper(
            Field.radios("sitting", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.checkboxes("adjustments", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("other_detail", rows=3, max_characters=DETAIL_MAX),
            Field.textarea("adjustment_notes", rows=3, max_characters=DETAIL_MAX),
        )

    def clean(self):
        cleaned = super().clean()
        if AdjustmentKind.OTHER in cleaned.get("adjustments", []):
            # The service's rule, asked of the one adjustment this field describes, so its
            # message shows on the field; the booking service checks the whole list again.
            other = AdjustmentAsk(AdjustmentKind.OTHER, cleaned.get("other_detail", ""))
            for problem in adjustment_problems([other]):
                self.add_error("other_detail", problem)
        return cleaned


def adjustment_answers(cleaned: dict) -> dict:
    """A valid booking form's adjustments, as kept for the check page (naas.flows)."""
    return {
        "adjustments": cleaned["adjustments"],
        "other_detail": cleaned["other_detail"].strip(),
        "adjustment_notes": cleaned["adjustment_notes"].strip(),
    }


def adjustment_asks(answers: dict) -> list[AdjustmentAsk]:
    """The kept adjustments as the booking services take them."""
    return [
        AdjustmentAsk(kind, answers["other_detail"] if kind == AdjustmentKind.OTHER else "")
        for kind in answers["adjustments"]
    ]


class RebookForm(forms.Form):
    sitting = sitting_radios("Choose the new sitting", required="Choose the new sitting")

    def __init__(self, *args, sittings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = sittings
        self.helper = form_helper(
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
        self.helper = form_helper(
            Field.textarea("reason", rows=3, max_characters=REASON_MAX), submit="Cancel booking"
        )
        self.helper.layout[-1] = Submit(
            "submit", "Cancel booking", css_class="govuk-button--warning"
        )


class AdjustmentDecisionForm(DecisionForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        label="What is your decision?",
        error_messages={"required": "Choose whether to approve or decline the request"},
    )
    reason = decision_reason("Enter the reason for the decision")


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
        self.helper = form_helper(
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
        self.helper = form_helper(
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
        self.helper = form_helper(
            Field.select("centre"),
            Field("on"),
            Field.radios("slot"),
            Field.text("capacity", field_width=4),
            submit="Add sitting",
        )
