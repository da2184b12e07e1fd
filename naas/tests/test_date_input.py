"""The one GOV.UK date input (naas.forms.GovukDateField): what it refuses and how it says so,
how the error summary links to its boxes, and the back office's own date fields."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.forms.models import model_to_dict
from django.template import Context, Template
from django.urls import reverse

from naas.dates import SERVICE_START, plan_ahead_limit, today
from naas.forms import GovukDateField, check_date_in_range
from naas.models import AuditEvent, Phase, SocialWorker
from naas.tests.date_cases import (
    FROZEN_MOMENT,
    PLAN_AHEAD_LIMIT,
    TODAY,
    accepted,
    frozen,
    on,
    refused,
    typed,
)
from naas.tests.factories import PhaseFactory, SocialWorkerFactory, UserFactory


class PastDateForm(forms.Form):
    held_on = GovukDateField(
        label="Date of the session",
        what="the date of the session",
        earliest=SERVICE_START,
        latest=today,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("held_on")


class PlannedDateForm(forms.Form):
    due_on = GovukDateField(
        label="When it is due",
        what="the date it is due",
        earliest=today,
        latest=plan_ahead_limit,
        required=False,
    )


# --- What it accepts and refuses ------------------------------------------------------------


@frozen()
@pytest.mark.parametrize("parts, message", refused("the date of the session", SERVICE_START, TODAY))
def test_a_past_date_refuses_bad_input_with_one_clear_message(parts, message):
    form = PastDateForm(typed("held_on", *parts))
    assert not form.is_valid()
    assert form.errors["held_on"] == [message]


@frozen()
@pytest.mark.parametrize("parts, expected", accepted(SERVICE_START, TODAY))
def test_a_past_date_accepts_both_ends_of_its_range(parts, expected):
    form = PastDateForm(typed("held_on", *parts))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == expected


@frozen()
@pytest.mark.parametrize(
    "parts, message",
    refused("the date it is due", TODAY, PLAN_AHEAD_LIMIT, required=False),
)
def test_a_planned_date_refuses_bad_input(parts, message):
    form = PlannedDateForm(typed("due_on", *parts))
    assert not form.is_valid()
    assert form.errors["due_on"] == [message]


@frozen()
@pytest.mark.parametrize("parts, expected", accepted(TODAY, PLAN_AHEAD_LIMIT))
def test_a_planned_date_accepts_both_ends_of_its_range(parts, expected):
    form = PlannedDateForm(typed("due_on", *parts))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_on"] == expected


def test_an_optional_date_left_empty_is_none():
    form = PlannedDateForm({})
    assert form.is_valid()
    assert form.cleaned_data["due_on"] is None


@frozen()
@pytest.mark.parametrize(
    "parts, expected",
    [
        ((" 1 ", " 6 ", " 2026 "), date(2026, 6, 1)),
        (("01", "06", "2026"), date(2026, 6, 1)),
        (("1", "June", "2026"), date(2026, 6, 1)),
        (("1", "jun", "2026"), date(2026, 6, 1)),
        (("1", "Sept.", "2025"), date(2025, 9, 1)),
        (("29", "2", "2024"), date(2024, 2, 29)),
    ],
)
def test_it_accepts_what_people_type(parts, expected):
    form = PastDateForm(typed("held_on", *parts))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == expected


@frozen()
def test_the_range_follows_the_clock():
    # given a date that is today: accepted today, refused the day before
    typed_today = on("held_on", TODAY)
    assert PastDateForm(typed_today).is_valid()
    with time_machine.travel(FROZEN_MOMENT - timedelta(days=1), tick=False):
        form = PastDateForm(typed_today)
        assert not form.is_valid()
        assert form.errors["held_on"] == [
            "The date of the session must be between 1 January 2018 and 14 June 2026"
        ]


def test_a_form_may_narrow_the_range_per_instance():
    form = PastDateForm(typed("held_on", 1, 1, 2020))
    form.fields["held_on"].earliest = date(2021, 3, 4)
    assert not form.is_valid()
    assert form.errors["held_on"][0].startswith(
        "The date of the session must be between 4 March 2021 and "
    )
    # the class's own field is untouched: the next form has the usual range
    assert PastDateForm(typed("held_on", 1, 1, 2020)).is_valid()


def test_check_date_in_range_names_the_range():
    with pytest.raises(forms.ValidationError) as refused_:
        check_date_in_range(
            date(1800, 1, 1),
            what="the employment start date",
            earliest=date(1960, 1, 1),
            latest=date(2026, 6, 15),
        )
    assert refused_.value.messages == [
        "The employment start date must be between 1 January 1960 and 15 June 2026"
    ]
    assert (
        check_date_in_range(None, what="x", earliest=date(1960, 1, 1), latest=date(2026, 1, 1))
        is None
    )


# --- How the errors are shown: the error summary links to the right box ---------------------

PAGE = Template(
    "{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}"
)


def _render(data) -> str:
    form = PastDateForm(data)
    form.is_valid()
    return PAGE.render(Context({"form": form}))


def _summary_links(html: str) -> list[tuple[str, str]]:
    summary = html.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    return [(href, text.strip()) for href, text in re.findall(r'href="#([^"]+)">([^<]+)<', summary)]


def _inputs_marked(html: str, mark: str = "govuk-input--error") -> list[str]:
    """The ids of the inputs styled (or announced, with "aria-invalid") as in error."""
    return sorted(
        re.search(r'\sid="([^"]+)"', tag).group(1)
        for tag in re.findall(r"<input[^>]*>", html)
        if mark in tag
    )


@frozen()
@pytest.mark.parametrize(
    "parts, message",
    [
        (("31", "2", "2026"), "The date of the session must be a real date"),
        (
            ("1", "1", "9999"),
            "The date of the session must be between 1 January 2018 and 15 June 2026",
        ),
        (("", "", ""), "Enter the date of the session"),
    ],
)
def test_an_error_about_the_whole_date_links_to_the_day_box_and_marks_every_box(parts, message):
    html = _render(typed("held_on", *parts))
    assert _summary_links(html) == [("id_held_on_0", message)]
    assert _inputs_marked(html) == ["id_held_on_0", "id_held_on_1", "id_held_on_2"]
    assert _inputs_marked(html, "aria-invalid") == ["id_held_on_0", "id_held_on_1", "id_held_on_2"]
    assert html.count(message) == 2  # once in the summary, once beside the boxes


@frozen()
def test_a_missing_box_is_linked_and_marked_alone():
    html = _render(typed("held_on", "1", "", "2026"))
    message = "The date of the session must include a month"
    assert _summary_links(html) == [("id_held_on_1", message)]
    assert _inputs_marked(html) == ["id_held_on_1"]
    assert _inputs_marked(html, "aria-invalid") == ["id_held_on_1"]


@frozen()
def test_two_missing_boxes_are_one_message_linked_to_the_first():
    html = _render(typed("held_on", "", "6", ""))
    assert _summary_links(html) == [
        ("id_held_on_0", "The date of the session must include a day and year")
    ]
    assert _inputs_marked(html) == ["id_held_on_0", "id_held_on_2"]


@frozen()
def test_what_was_typed_is_kept_and_the_boxes_use_a_number_keypad():
    html = _render(typed("held_on", "31", "2", "2026"))
    assert 'value="31"' in html and 'value="2"' in html and 'value="2026"' in html
    assert html.count('inputmode="numeric"') == 3


# --- The back office: its own date fields are checked too -----------------------------------


@pytest.fixture
def superuser(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    return user


def _admin_data(instance, **changes) -> dict:
    data = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(instance).items()
        if key != "id"
    }
    data.update(changes)
    return data


@pytest.mark.django_db
@frozen()
@pytest.mark.parametrize(
    "employed_since, accepted_",
    [
        ("1800-01-01", False),
        ("1959-12-31", False),
        ("1960-01-01", True),
        ("2026-06-15", True),
        ("2026-06-16", False),
        ("9999-12-31", False),
    ],
)
def test_the_admin_refuses_an_employment_start_outside_its_range(
    client, superuser, employed_since, accepted_
):
    worker = SocialWorkerFactory(employed_since=date(2020, 1, 1))
    client.force_login(superuser)
    events = AuditEvent.objects.count()
    url = reverse("admin:naas_socialworker_change", args=[worker.pk])
    response = client.post(url, _admin_data(worker, employed_since=employed_since))
    worker.refresh_from_db()
    if accepted_:
        assert response.status_code == 302
        assert worker.employed_since == date.fromisoformat(employed_since)
    else:
        assert response.status_code == 200
        assert (
            "The employment start date must be between 1 January 1960 and 15 June 2026"
            in response.content.decode()
        )
        assert worker.employed_since == date(2020, 1, 1)
        assert AuditEvent.objects.count() == events


@pytest.mark.django_db
@frozen()
@pytest.mark.parametrize(
    "changes, message",
    [
        ({"starts_on": "1900-01-01"}, "The start of the phase must be between 1 January 2018"),
        ({"ends_on": "9999-12-31"}, "The end of the phase must be between 1 January 2018"),
        ({"ends_on": "2018-03-31"}, "The end of the phase must be the same as or after its start"),
    ],
)
def test_the_admin_refuses_phase_dates_outside_their_range(client, superuser, changes, message):
    phase = PhaseFactory(starts_on=date(2018, 4, 1), ends_on=None)
    client.force_login(superuser)
    url = reverse("admin:naas_phase_change", args=[phase.pk])
    response = client.post(url, _admin_data(phase, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    phase.refresh_from_db()
    assert (phase.starts_on, phase.ends_on) == (date(2018, 4, 1), None)
    assert Phase.objects.count() == 1
    assert SocialWorker.objects.count() == 0
