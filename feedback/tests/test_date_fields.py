"""A support action's due date: from today to plan_ahead_limit(), told back in GOV.UK words,
and nothing saved when it is refused."""

import pytest
from django.urls import reverse

from feedback.forms import SupportActionForm
from feedback.models import SupportAction
from naas.models import AuditEvent
from naas.tests.date_cases import PLAN_AHEAD_LIMIT, TODAY, accepted, frozen, on, refused, typed

from .factories import NOT_MET, published_result

pytestmark = pytest.mark.django_db

WHAT = "the date it is due"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with frozen():
        yield


@pytest.mark.parametrize("parts, message", refused(WHAT, TODAY, PLAN_AHEAD_LIMIT))
def test_the_due_date_refuses_bad_input(parts, message):
    form = SupportActionForm(typed("due_on", *parts), areas=[])
    assert not form.is_valid()
    assert form.errors["due_on"] == [message]


@pytest.mark.parametrize("parts, expected", accepted(TODAY, PLAN_AHEAD_LIMIT))
def test_the_due_date_accepts_both_ends_of_its_range(parts, expected):
    form = SupportActionForm(typed("due_on", *parts), areas=[])
    form.is_valid()
    assert "due_on" not in form.errors
    assert form.cleaned_data["due_on"] == expected


@pytest.fixture
def plan():
    outcome, _ = published_result({5: NOT_MET})
    worker = outcome.attempt.worker
    area = outcome.attempt.framework.areas.get(number=5)
    return worker, area


def _post(client, worker, area, dates):
    return client.post(
        reverse("feedback:support_action_new", args=[worker.pk]),
        {"area": str(area.pk), "action": "Shadowing", "owner": "Team manager", **dates},
    )


@pytest.mark.parametrize(
    "parts, message",
    [
        case
        for case in refused(WHAT, TODAY, PLAN_AHEAD_LIMIT)
        if case.id
        in {"year-1", "year-9999", "31-february", "no-month", "text-day", "day-before-range"}
    ]
    + [pytest.param(("1", "1", "2000"), "between 15 June 2026 and 15 June 2028", id="year-2000")],
)
def test_a_refused_due_date_saves_nothing(client, plan, parts, message):
    worker, area = plan
    client.force_login(worker.supervisor)
    actions, events = SupportAction.objects.count(), AuditEvent.objects.count()
    response = _post(client, worker, area, typed("due_on", *parts))
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert (SupportAction.objects.count(), AuditEvent.objects.count()) == (actions, events)


@pytest.mark.parametrize("due_on", [TODAY, PLAN_AHEAD_LIMIT])
def test_an_action_due_on_either_end_of_the_range_is_added(client, plan, due_on):
    worker, area = plan
    client.force_login(worker.supervisor)
    response = _post(client, worker, area, on("due_on", due_on))
    assert response.status_code == 302
    assert SupportAction.objects.get(area=area, plan__worker=worker).due_on == due_on


@pytest.mark.parametrize("area", ["abc", "999999", "99999999999999999999"])
def test_an_area_that_is_not_offered_is_a_form_error(client, plan, area):
    worker, _ = plan
    client.force_login(worker.supervisor)
    actions = SupportAction.objects.count()
    response = client.post(
        reverse("feedback:support_action_new", args=[worker.pk]),
        {"area": area, "action": "Shadowing", "owner": "Team manager", **on("due_on", TODAY)},
    )
    assert response.status_code == 400
    assert "Choose the area this action supports" in response.content.decode()
    assert SupportAction.objects.count() == actions
