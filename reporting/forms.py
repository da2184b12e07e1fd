"""Forms for reporting: the LA report period, and the dashboard filters (a GET form)."""

from functools import cached_property
from html import escape

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils.safestring import mark_safe

from naas.dates import SERVICE_START, today
from naas.forms import GovukDateField
from naas.models import Level, LocalAuthority, Phase, PhaseCode, Region
from naas.selectors import local_authority_choices


def _options_html(options: list[tuple[str, str, bool]]) -> str:
    """A select's <option> elements, joined in Python with the standard library's escape: the
    template's loop over the 152 local authorities, and then format_html's per-option escaping,
    each cost more than the rest of a warm dashboard page. Both value and text are escaped
    (quotes included), so a name like "Bath & 'North'" is safe in either place."""
    return mark_safe(  # noqa: S308  (every piece is escaped just above)
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if chosen else ""}>'
            f"{escape(str(text))}</option>"
            for value, text, chosen in options
        )
    )


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
        queryset=LocalAuthority.objects.order_by("name").only("pk", "name", "phase", "region"),
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

    # No crispy helper: the page renders these fields with a plain template
    # (templates/reporting/_filters.html) from `selects` and `dates`, which costs a fraction of
    # crispy's per-field templates for a 152-option list.

    SELECTS = ("phase", "local_authority", "region", "level")
    DATES = ("start", "end")

    @cached_property
    def selects(self) -> list[dict]:
        """Each list as the template draws it: label, options (value, text, chosen), error."""
        result = []
        for name in self.SELECTS:
            field = self.fields[name]
            chosen = str(self.data.get(name, "")) if self.is_bound else ""
            options = [
                (str(value), text, str(value) == chosen) for value, text in self._choices(name)
            ]
            result.append(
                {
                    "name": name,
                    "label": field.label or name.replace("_", " ").capitalize(),
                    "options": options,
                    "options_html": _options_html(options),
                    "error": self.errors.get(name, [""])[0] if self.is_bound else "",
                }
            )
        return result

    def _choices(self, name: str):
        if name == "local_authority":
            # The cached (id, name) list, not the field's queryset: 152 model objects per page.
            return [("", self.fields[name].empty_label), *local_authority_choices()]
        return self.fields[name].choices

    @property
    def dates(self) -> list[dict]:
        """Each date as day, month and year boxes with what was typed."""
        return [
            {
                "name": name,
                "label": self.fields[name].label,
                "hint": self.fields[name].help_text,
                "parts": [
                    (f"{name}_{index}", part, self.data.get(f"{name}_{index}", ""), width)
                    for index, (part, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4)))
                ],
                "error": self.errors.get(name, [""])[0] if self.is_bound else "",
            }
            for name in self.DATES
        ]

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
        self._refuse_conflicts(cleaned)
        return cleaned

    def _refuse_conflicts(self, cleaned) -> None:
        """Filters no LA can match would show zeros that look like figures: say why instead."""
        la, phase, region = (cleaned.get(n) for n in ("local_authority", "phase", "region"))
        if la and phase and la.phase_id != phase.pk:
            self.add_error(
                "local_authority",
                f"{la.name} is not in the {phase} phase: choose all phases or another "
                "local authority",
            )
        elif la and region and la.region != region:
            self.add_error(
                "local_authority",
                f"{la.name} is not in {Region(region).label}: choose all regions or another "
                "local authority",
            )
        elif (
            phase
            and region
            and not LocalAuthority.objects.filter(phase=phase, region=region).exists()
        ):
            self.add_error(
                "region",
                f"No local authority in {Region(region).label} is in the {phase} phase: "
                "choose all regions or another phase",
            )
