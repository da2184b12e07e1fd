"""The form that asks for a technical report: the sitting window, as two GOV.UK date inputs."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from naas.dates import SERVICE_START, today
from naas.forms import GovukDateField

from ..services.technical_report import WINDOW_ORDER_MESSAGE


def _window_day(label: str, what: str) -> GovukDateField:
    """A day of a window of sittings that have taken place: from the service's start to today."""
    return GovukDateField(
        label=label,
        what=what,
        earliest=SERVICE_START,
        latest=today,
        help_text="For example, 31 3 2026",
    )


def _date_layout(name: str) -> Field:
    return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})


class TechnicalReportRequestForm(forms.Form):
    window_start = _window_day("First day of the sitting window", "the first day of the window")
    window_end = _window_day("Last day of the sitting window", "the last day of the window")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            _date_layout("window_start"),
            _date_layout("window_end"),
            Submit("submit", "Request technical report", data_prevent_double_click="true"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", WINDOW_ORDER_MESSAGE)
        return cleaned
