"""A sitting's date, on the administrators' page and in the back office: from SERVICE_START to
plan_ahead_limit() (the service itself then refuses a day that is not in the future), told back
in GOV.UK words, and nothing saved when it is refused."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessment.forms import SittingForm
from assessment.models import Sitting
from naas.dates import SERVICE_START
from naas.models import AuditEvent
from naas.tests.date_cases import PLAN_AHEAD_LIMIT, TODAY, accepted, frozen, on, refused, typed
from naas.tests.factories import UserFactory

from .factories import CentreFactory, SittingFactory, administrator

pytestmark = pytest.mark.django_db

WHAT = "the date of the sitting"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with frozen():
        yield


@pytest.mark.parametrize("parts, message", refused(WHAT, SERVICE_START, PLAN_AHEAD_LIMIT))
def test_the_sitting_date_refuses_bad_input(parts, message):
    form = SittingForm(typed("on", *parts))
    assert not form.is_valid()
    assert form.errors["on"] == [message]


@pytest.mark.parametrize("parts, expected", accepted(SERVICE_START, PLAN_AHEAD_LIMIT))
def test_the_sitting_date_accepts_both_ends_of_its_range(parts, expected):
    form = SittingForm(typed("on", *parts))
    form.is_valid()
    assert "on" not in form.errors
    assert form.cleaned_data["on"] == expected


def _post(client, centre, dates):
    return client.post(
        reverse("assessment:sitting_create"),
        {"centre": centre.pk, "slot": 2, "capacity": 12, **dates},
    )


@pytest.mark.parametrize(
    "parts, message",
    [
        case
        for case in refused(WHAT, SERVICE_START, PLAN_AHEAD_LIMIT)
        if case.id
        in {"year-1", "year-9999", "31-february", "no-month", "text-month", "day-after-range"}
    ]
    + [
        pytest.param(("31", "2", "2027"), "The date of the sitting must be a real date", id="31-2"),
        pytest.param(("15", "6", "2026"), "must be in the future", id="today"),
    ],
)
def test_a_refused_sitting_date_saves_nothing(client, parts, message):
    centre = CentreFactory()
    client.force_login(administrator())
    sittings, events = Sitting.objects.count(), AuditEvent.objects.count()
    response = _post(client, centre, typed("on", *parts))
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert (Sitting.objects.count(), AuditEvent.objects.count()) == (sittings, events)


@pytest.mark.parametrize("day", [TODAY + timedelta(days=1), PLAN_AHEAD_LIMIT])
def test_a_sitting_on_the_first_and_last_day_allowed_is_added(client, day):
    centre = CentreFactory()
    client.force_login(administrator())
    response = _post(client, centre, on("on", day))
    assert response.status_code == 302
    assert Sitting.objects.get(centre=centre).date == day


@pytest.mark.parametrize(
    "day, accepted_",
    [("2017-12-31", False), ("2018-01-01", True), ("2028-06-15", True), ("2028-06-16", False)],
)
def test_the_back_office_keeps_a_sittings_date_in_the_same_range(client, day, accepted_):
    sitting = SittingFactory(date=date(2026, 7, 1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:assessment_sitting_change", args=[sitting.pk]),
        {
            "centre": sitting.centre_id,
            "date": day,
            "slot": sitting.slot,
            "capacity": sitting.capacity,
        },
    )
    sitting.refresh_from_db()
    if accepted_:
        assert response.status_code == 302
        assert sitting.date == date.fromisoformat(day)
    else:
        assert response.status_code == 200
        assert (
            "The date of the sitting must be between 1 January 2018 and 15 June 2028"
            in response.content.decode()
        )
        assert sitting.date == date(2026, 7, 1)


@pytest.mark.parametrize(
    "query",
    [
        "date__year=9999",
        "date__year=9999&date__month=12",
        "date__year=9999&date__month=12&date__day=31",
        "date__year=99999999999999999999",
        "date__year=2026&date__month=2&date__day=31",
        "date__year=abc",
    ],
)
def test_the_back_offices_date_drill_down_never_answers_500(client, query):
    SittingFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(f"{reverse('admin:assessment_sitting_changelist')}?{query}")
    # Django's answer to a filter it cannot apply: the list again, flagged with ?e=1
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_back_offices_date_drill_down_still_filters(client):
    SittingFactory(date=date(2026, 7, 1))
    SittingFactory(date=date(2027, 7, 1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(f"{reverse('admin:assessment_sitting_changelist')}?date__year=2027")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
