"""Forms for the endorsement pages. They check what was typed; the services check the rules."""

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from naas.dates import SERVICE_START, govuk_date, today
from naas.forms import GovukDateField
from naas.models import KSSArea, Level

from .models import (
    FEEDBACK_SUMMARY_MAX,
    REASON_MAX,
    STATEMENT_MAX,
    SUPERVISION_REFLECTION_MAX,
    FeedbackSource,
    Readiness,
)

NOT_DISCUSSED = "none"


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(
        *fields,
        Submit("submit", button, data_prevent_double_click="true", data_module="govuk-button"),
    )
    return helper


def _date_field(label: str, what: str) -> GovukDateField:
    """A date that has happened: from the service's start to today."""
    return GovukDateField(
        label=label,
        what=what,
        earliest=SERVICE_START,
        latest=today,
        help_text="For example, 27 3 2026",
    )


def _date_layout(name: str) -> Field:
    return Field(name, context={"legend_size": Size.for_legend(Size.MEDIUM)})


def _text(label: str, *, limit: int, required_message: str, help_text: str = "", required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=limit,
        widget=forms.Textarea,
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {limit} characters or fewer",
        },
    )


PAGE_CHANGED_MESSAGE = "This page has changed or expired — reload and try again"


class VersionForm(forms.Form):
    """Carries the version of the endorsement the page showed. A missing or changed version
    (only a stale or tampered page sends one) is told as a page error, not a hidden one."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def clean(self):
        cleaned = super().clean()
        if self.has_error("version"):
            del self.errors["version"]
            self.add_error(None, PAGE_CHANGED_MESSAGE)
        return cleaned


class StartEndorsementForm(forms.Form):
    level = forms.ChoiceField(
        label="Which level is the worker being endorsed for?",
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level"},
    )

    def __init__(self, *args, worker, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].initial = worker.job_level
        self.fields[
            "level"
        ].help_text = (
            f"{worker.full_name}'s role fits the {worker.get_job_level_display().lower()} level"
        )
        self.helper = _helper(
            Field.radios("level", legend_size=Size.MEDIUM, legend_tag="h2"),
            button="Start endorsement",
        )


class SupervisionSessionForm(forms.Form):
    reflection = _text(
        "Reflection",
        limit=SUPERVISION_REFLECTION_MAX,
        required_message="Enter a short reflection on the session",
        help_text="What you discussed and what you agreed. Do not include service users' names.",
    )

    def __init__(self, *args, areas: list[KSSArea], **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.fields["held_on"] = _date_field("Date of the session", "the date of the session")
        area_fields = []
        for area in areas:
            name = f"area_{area.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{area.number}. {area.title}",
                choices=[(NOT_DISCUSSED, "Not discussed"), *Readiness.choices],
                initial=NOT_DISCUSSED,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a view for area {area.number}"},
            )
            area_fields.append(Field.radios(name, inline=True, small=True))
        self.order_fields(["held_on", *[f"area_{a.pk}" for a in areas], "reflection"])
        self.helper = _helper(
            _date_layout("held_on"),
            Fieldset(
                *area_fields,
                legend="Knowledge and skills areas discussed",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("reflection", rows=6, max_characters=SUPERVISION_REFLECTION_MAX),
            button="Save session",
        )

    def clean(self):
        cleaned = super().clean()
        if self.areas and not self.area_views() and not self.errors:
            self.add_error(
                f"area_{self.areas[0].pk}",
                "Choose a readiness view for at least one area you discussed",
            )
        return cleaned

    def area_views(self) -> dict[int, str]:
        views = {}
        for area in self.areas:
            value = self.cleaned_data.get(f"area_{area.pk}")
            if value and value != NOT_DISCUSSED:
                views[area.pk] = value
        return views


class FeedbackForm(forms.Form):
    source_type = forms.ChoiceField(
        label="Who gave the feedback?",
        choices=FeedbackSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who gave the feedback"},
    )
    summary = _text(
        "Summary of the feedback",
        limit=FEEDBACK_SUMMARY_MAX,
        required_message="Enter a summary of the feedback",
        help_text="Do not include the name of the person who gave it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"] = _date_field(
            "Date the feedback was received", "the date the feedback was received"
        )
        self.order_fields(["received_on", "source_type", "summary"])
        self.helper = _helper(
            _date_layout("received_on"),
            Field.radios("source_type", legend_size=Size.MEDIUM),
            Field.textarea("summary", rows=5, max_characters=FEEDBACK_SUMMARY_MAX),
            button="Save feedback",
        )


class ConsideredForm(forms.Form):
    def __init__(self, *args, received_on: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.received_on = received_on
        self.fields["considered_on"] = _date_field(
            "When did you consider this feedback?", "the date you considered the feedback"
        )
        self.helper = _helper(_date_layout("considered_on"), button="Mark as considered")

    def clean_considered_on(self):
        value = self.cleaned_data.get("considered_on")
        if value is not None and value < self.received_on:
            raise forms.ValidationError(
                f"The date you considered the feedback must be on or after "
                f"{govuk_date(self.received_on)}, when it was received"
            )
        return value


class SignOffForm(VersionForm):
    statement = _text(
        "Why is the worker ready to be assessed?",
        limit=STATEMENT_MAX,
        required_message="Enter why the worker is ready to be assessed",
        help_text="Your judgement, drawing on supervision and service-user feedback. "
        "The LA lead reads this before confirming.",
    )

    def __init__(self, *args, worker_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].label = f"Why is {worker_name} ready to be assessed?"
        self.helper = _helper(
            "version",
            Field.textarea(
                "statement",
                label_size=Size.MEDIUM,
                label_tag="h2",
                rows=8,
                max_characters=STATEMENT_MAX,
            ),
            button="Continue",
        )


class ReasonForm(VersionForm):
    reason = _text("Reason", limit=REASON_MAX, required_message="Enter the reason")

    def __init__(
        self, *args, label: str, help_text: str, required_message: str, required=True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        # crispy-forms-gds needs a hint on a character-counted textarea
        self.fields["reason"].help_text = help_text
        self.fields["reason"].required = required
        self.fields["reason"].error_messages["required"] = required_message
        self.fields["reason"].error_messages["max_length"] = (
            f"The reason must be {REASON_MAX} characters or fewer"
        )
        self.helper = _helper(
            "version",
            Field.textarea(
                "reason", label_size=Size.MEDIUM, label_tag="h2", rows=5, max_characters=REASON_MAX
            ),
            button="Continue",
        )


class Decision:
    CONFIRM = "confirm"
    RETURN = "return"
    DECLINE = "decline"
    CHOICES = [
        (CONFIRM, "Confirm the endorsement"),
        (RETURN, "Return it to the supervisor"),
        (DECLINE, "Decline it"),
    ]
    LABELS = dict(CHOICES)


class DecisionForm(VersionForm):
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to confirm, return or decline"},
    )
    reason = _text(
        "Reason",
        limit=REASON_MAX,
        required=False,
        required_message="",
        help_text="Needed if you return or decline it. The supervisor and the worker see it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "version",
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("reason", rows=4, max_characters=REASON_MAX),
            button="Continue",
        )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if (
            decision in (Decision.RETURN, Decision.DECLINE)
            and not cleaned.get("reason", "").strip()
        ):
            verb = "returning" if decision == Decision.RETURN else "declining"
            self.add_error("reason", f"Enter why you are {verb} it")
        return cleaned


class ConsentForm(VersionForm):
    agree = forms.BooleanField(
        label="I agree to be put forward for assessment",
        error_messages={"required": "Tick the box to give your consent"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field.checkbox("agree"), button="Give consent")
        self.helper.form_tag = False  # the page wraps it in a form posting to the consent URL
