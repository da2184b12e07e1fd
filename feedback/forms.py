"""Forms for the feedback pages. They check what was typed; the services check the rules."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils.html import format_html

from assessment.models import OutcomeResult
from naas.dates import plan_ahead_limit, today
from naas.forms import GovukDateField
from naas.models import registration_number_validator

from .models import (
    ACTION_MAX,
    FEEDBACK_MAX,
    OWNER_MAX,
    SUGGESTIONS_MAX,
    SUPPORT_REQUEST_MAX,
    SupportActionStatus,
)
from .services import FeedbackEntry


def _submit(label: str) -> Submit:
    return Submit("submit", label, data_prevent_double_click="true", data_module="govuk-button")


class AreaFeedbackForm(forms.Form):
    """One feedback and one development-suggestions box per area of the attempt. Feedback is
    required for every area whose draft result is not met."""

    def __init__(self, *args, areas, results: dict, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        layout = []
        for area in areas:
            result = results.get(area.pk)
            required = result is not None and result[0] != OutcomeResult.MET
            item = existing.get(area.pk)
            name = f"{area.number}. {area.title}"
            feedback_field = f"feedback_{area.pk}"
            suggestions_field = f"suggestions_{area.pk}"
            self.fields[feedback_field] = forms.CharField(
                label="Feedback" if required else "Feedback (optional)",
                help_text=(
                    f"Required: this area was {result[1].lower()}"
                    if required
                    else "What the candidate did well and what they could improve"
                ),
                required=required,
                max_length=FEEDBACK_MAX,
                strip=True,
                initial=item.feedback if item else "",
                widget=forms.Textarea,
                error_messages={
                    "required": f"Enter feedback for area {area.number}",
                    "max_length": (
                        f"Feedback for area {area.number} must be {FEEDBACK_MAX} characters "
                        "or fewer"
                    ),
                },
            )
            self.fields[suggestions_field] = forms.CharField(
                label="Development suggestions (optional)",
                help_text="Learning or practice that would help in this area",
                required=False,
                max_length=SUGGESTIONS_MAX,
                strip=True,
                initial=item.development_suggestions if item else "",
                widget=forms.Textarea,
                error_messages={
                    "max_length": (
                        f"Development suggestions for area {area.number} must be "
                        f"{SUGGESTIONS_MAX} characters or fewer"
                    ),
                },
            )
            tag = ""
            if result is not None:
                colour = {
                    OutcomeResult.MET: "green",
                    OutcomeResult.PARTIALLY_MET: "yellow",
                }.get(result[0], "red")
                tag = format_html(
                    '<p class="govuk-body">Draft result: '
                    '<strong class="govuk-tag govuk-tag--{}">{}</strong></p>',
                    colour,
                    result[1],
                )
            layout.append(
                Fieldset(
                    HTML(tag),
                    Field.textarea(feedback_field, rows=5, max_characters=FEEDBACK_MAX),
                    Field.textarea(suggestions_field, rows=3, max_characters=SUGGESTIONS_MAX),
                    legend=name,
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(*layout, _submit("Save feedback"))

    def entries(self) -> list[FeedbackEntry]:
        return [
            FeedbackEntry(
                area_id=area.pk,
                feedback=self.cleaned_data[f"feedback_{area.pk}"],
                development_suggestions=self.cleaned_data[f"suggestions_{area.pk}"],
            )
            for area in self.areas
        ]


class SupportActionForm(forms.Form):
    area = forms.TypedChoiceField(
        label="Area not met",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the area this action supports",
            "invalid_choice": "Choose the area this action supports",
        },
    )
    action = forms.CharField(
        label="What support will be given",
        help_text="For example, shadowing, training, or a focus in supervision",
        max_length=ACTION_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the support that will be given",
            "max_length": f"The support must be {ACTION_MAX} characters or fewer",
        },
    )
    owner = forms.CharField(
        label="Who is responsible",
        max_length=OWNER_MAX,
        error_messages={
            "required": "Enter who is responsible",
            "max_length": f"Who is responsible must be {OWNER_MAX} characters or fewer",
        },
    )
    due_on = GovukDateField(
        label="When it is due",
        what="the date it is due",
        earliest=today,  # a new action; none is ever planned in the past
        latest=plan_ahead_limit,
        help_text="For example, 27 3 2027",
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, f"{a.number}. {a.title}") for a in areas]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("area", legend_size=Size.MEDIUM),
            Field.textarea("action", rows=4, max_characters=ACTION_MAX),
            Field.text("owner", field_width="two-thirds"),
            Field("due_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            _submit("Add support action"),
        )


class SupportActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=SupportActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM), _submit("Save status")
        )


class CheckAccreditationForm(forms.Form):
    registration_number = forms.CharField(
        label="Social Work England registration number",
        help_text="For example, SW123456",
        max_length=8,
        error_messages={
            "required": "Enter the registration number",
            "max_length": "Enter a registration number, like SW123",
        },
    )
    reference = forms.CharField(
        label="Accreditation reference",
        help_text="This is on the certificate, for example ACC-7KQ2-M9XD",
        max_length=20,
        error_messages={
            "required": "Enter the accreditation reference",
            "max_length": "Enter a reference, like ACC-7KQ2-M9XD",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["reference"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("registration_number", field_width=10),
            Field.text("reference", field_width=10),
            _submit("Check accreditation"),
        )

    def clean_registration_number(self):
        value = self.cleaned_data["registration_number"].strip().upper().replace(" ", "")
        registration_number_validator(value)
        return value

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class SupportRequestForm(forms.Form):
    """The worker chooses the areas not met they want support with and says what would help."""

    areas = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Which areas would you like support with?",
        help_text="Select all that apply.",
        error_messages={
            "required": "Select at least one area you would like support with",
            "invalid_choice": "Select only areas you did not meet",
        },
    )
    what_would_help = forms.CharField(
        label="What would help you?",
        help_text="For example, time to shadow a colleague, a course, or more supervision.",
        max_length=SUPPORT_REQUEST_MAX,
        strip=True,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter what would help you",
            "max_length": f"What would help must be {SUPPORT_REQUEST_MAX} characters or fewer",
        },
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [(a.pk, f"{a.number}. {a.title}") for a in areas]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkboxes("areas", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea(
                "what_would_help",
                rows=5,
                max_characters=SUPPORT_REQUEST_MAX,
                label_size=Size.MEDIUM,
            ),
            _submit("Continue"),
        )
