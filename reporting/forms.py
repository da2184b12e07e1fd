"""Forms for reporting: the LA report period, and the dashboard filters (a GET form)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from naas.dates import SERVICE_START, today
from naas.forms import GovukDateField
from naas.models import Level, LocalAuthority, Phase, PhaseCode, Region

PERIOD_ORDER_MESSAGE = "The end of the period must be the same as or after the start"


def _date(label: str, what: str, *, required: bool = True) -> GovukDateField:
    """A day of a period that has happened: from the service's first phase to today."""
    return GovukDateField(
        label=label,
        what=what,
        earliest=SERVICE_START,
        latest=today,
        required=required,
        help_text="For example, 31 3 2026",
    )


def _date_layout(name: str) -> Field:
    return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})


class LAReportRequestForm(forms.Form):
    period_start = _date("Start of the period", "the start of the period")
    period_end = _date("End of the period", "the end of the period")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            _date_layout("period_start"),
            _date_layout("period_end"),
            Submit("submit", "Request report", data_prevent_double_click="true"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", PERIOD_ORDER_MESSAGE)
        return cleaned


class DashboardFilterForm(forms.Form):
    """Filters in the query string. A value that does not exist is an error, never ignored."""

    phase = forms.ChoiceField(
        choices=[("", "All phases"), *PhaseCode.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a phase from the list"},
    )
    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.order_by("name").only("pk", "name"),
        required=False,
        empty_label="All local authorities",
        label="Local authority",
        error_messages={"invalid_choice": "Choose a local authority from the list"},
    )
    region = forms.ChoiceField(
        choices=[("", "All regions"), *Region.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    level = forms.ChoiceField(
        choices=[("", "All levels"), *Level.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a level from the list"},
    )
    start = _date("From", "the start of the period", required=False)
    end = _date("To", "the end of the period", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("phase"),
            Field.select("local_authority"),
            Field.select("region"),
            Field.select("level"),
            _date_layout("start"),
            _date_layout("end"),
            Submit("filter", "Apply filters"),
        )

    def clean_phase(self):
        code = self.cleaned_data["phase"]
        if not code:
            return None
        phase = Phase.objects.filter(code=code).first()
        if phase is None:
            raise forms.ValidationError("Choose a phase from the list")
        return phase

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", PERIOD_ORDER_MESSAGE)
        return cleaned
