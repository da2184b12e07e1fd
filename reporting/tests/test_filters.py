"""Report periods and dashboard filters: every date is checked at the edge (from SERVICE_START
to today, start on or before end) and a bad one is a GOV.UK error, never a 500; the selectors'
date arithmetic is total, so even a direct call with an extreme date cannot overflow."""

from datetime import date

import pytest
from django.urls import reverse

from naas.dates import SERVICE_START
from naas.models import AuditEvent, Role
from naas.tests.date_cases import TODAY, accepted, frozen, on, period, refused, typed
from naas.tests.factories import LocalAuthorityFactory, staff_user
from reporting import selectors
from reporting.dashboard_tables import TABLE_KEYS
from reporting.forms import PERIOD_ORDER_MESSAGE, DashboardFilterForm, LAReportRequestForm
from reporting.models import LAReport

from .factories import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with frozen():
        yield


# --- Each date field, on its own ----------------------------------------------------------------

# (form, field, what it is called, the other date of the period, whether it may be left out)
FIELDS = {
    "period_start": (LAReportRequestForm, "the start of the period", "period_end", True),
    "period_end": (LAReportRequestForm, "the end of the period", "period_start", True),
    "start": (DashboardFilterForm, "the start of the period", "end", False),
    "end": (DashboardFilterForm, "the end of the period", "start", False),
}


def _data(name: str, parts) -> dict:
    other = FIELDS[name][2]
    # the other end of the period lets any day in range be in order
    other_day = TODAY if name.endswith("start") else SERVICE_START
    return {**typed(name, *parts), **on(other, other_day)}


def _cases(build):
    return [
        pytest.param(name, *case.values, id=f"{name}-{case.id}")
        for name, (_, what, _, required) in FIELDS.items()
        for case in build(what, required)
    ]


@pytest.mark.parametrize(
    "name, parts, message",
    _cases(lambda what, required: refused(what, SERVICE_START, TODAY, required=required)),
)
def test_each_period_date_refuses_bad_input(name, parts, message):
    form = FIELDS[name][0](_data(name, parts))
    assert not form.is_valid()
    assert form.errors[name] == [message]


@pytest.mark.parametrize(
    "name, parts, expected", _cases(lambda what, required: accepted(SERVICE_START, TODAY))
)
def test_each_period_date_accepts_both_ends_of_its_range(name, parts, expected):
    form = FIELDS[name][0](_data(name, parts))
    assert form.is_valid(), form.errors
    assert form.cleaned_data[name] == expected


@pytest.mark.parametrize(
    "form_class, start, end",
    [(LAReportRequestForm, "period_start", "period_end"), (DashboardFilterForm, "start", "end")],
)
def test_a_period_must_end_on_or_after_its_start(form_class, start, end):
    refused_ = form_class({**on(start, date(2026, 3, 2)), **on(end, date(2026, 3, 1))})
    assert not refused_.is_valid()
    assert refused_.errors[end] == [PERIOD_ORDER_MESSAGE]
    one_day = form_class({**on(start, date(2026, 3, 2)), **on(end, date(2026, 3, 2))})
    assert one_day.is_valid(), one_day.errors


def test_the_dashboard_filters_may_leave_out_either_end():
    assert DashboardFilterForm({"end_0": "", "end_1": "", "end_2": ""}).is_valid()
    assert DashboardFilterForm(on("start", SERVICE_START)).is_valid()


# --- The dashboard and its CSVs: a bad date is a GOV.UK error, never a 500 ----------------------

BAD_QUERIES = [
    pytest.param(
        "end_0=31&end_1=12&end_2=9999",
        "The end of the period must be between 1 January 2018 and 15 June 2026",
        id="end-year-9999",
    ),
    pytest.param(
        "start_0=1&start_1=1&start_2=1",
        "The start of the period must be a real date",
        id="start-year-1",
    ),
    pytest.param(
        "start_0=1&start_1=1&start_2=0001&end_0=1&end_1=1&end_2=0001",
        "The start of the period must be between 1 January 2018 and 15 June 2026",
        id="both-year-0001",
    ),
    pytest.param(
        "end_0=31&end_1=02&end_2=2026", "The end of the period must be a real date", id="31-02"
    ),
    pytest.param(
        "start_0=one&start_1=jan&start_2=2026",
        "The start of the period must be a real date",
        id="text",
    ),
    pytest.param(
        "end_0=1&end_1=7&end_2=2026",
        "The end of the period must be between 1 January 2018 and 15 June 2026",
        id="future",
    ),
    pytest.param(
        "start_0=1&start_1=1&start_2=99999999999999999999",
        "The start of the period must be a real date",
        id="huge-year",
    ),
]


@pytest.fixture
def dfe(client):
    client.force_login(staff_user(Role.DFE))
    return client


@pytest.mark.parametrize("query, message", BAD_QUERIES)
def test_the_dashboard_answers_a_bad_date_with_an_error_summary(dfe, query, message):
    response = dfe.get(f"{reverse('reporting:dashboard')}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html


@pytest.mark.parametrize("table", sorted(TABLE_KEYS))
@pytest.mark.parametrize("query, message", BAD_QUERIES[:4])
def test_every_csv_answers_a_bad_date_with_the_error_page(dfe, table, query, message):
    response = dfe.get(f"{reverse('reporting:dashboard_csv', args=[table])}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "start_0=1&start_1=1&start_2=2018&end_0=15&end_1=6&end_2=2026",
        "start_0=15&start_1=Jun&start_2=2026",
    ],
)
def test_the_dashboard_and_a_csv_accept_the_edges_of_the_range(dfe, query):
    world()
    assert dfe.get(f"{reverse('reporting:dashboard')}?{query}").status_code == 200
    csv = dfe.get(f"{reverse('reporting:dashboard_csv', args=['pipeline'])}?{query}")
    assert csv.status_code == 200


# --- LA reports: a period outside the range is refused and nothing is made ----------------------


@pytest.mark.parametrize(
    "start, end, message",
    [
        (
            date(9999, 1, 1),
            date(9999, 12, 31),
            "The start of the period must be between 1 January 2018 and 15 June 2026",
        ),
        (
            date(1900, 1, 1),
            date(1900, 12, 31),
            "The start of the period must be between 1 January 2018 and 15 June 2026",
        ),
        (
            date(2026, 6, 1),
            date(2026, 6, 30),
            "The end of the period must be between 1 January 2018 and 15 June 2026",
        ),
        (
            date(2017, 12, 31),
            date(2018, 1, 31),
            "The start of the period must be between 1 January 2018 and 15 June 2026",
        ),
    ],
)
def test_a_report_for_a_period_outside_the_range_is_refused(client, start, end, message):
    la = LocalAuthorityFactory()
    client.force_login(staff_user(Role.LA_LEAD, la))
    reports, events = LAReport.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("reporting:la_reports", args=[la.pk]),
        period(start, end),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert (LAReport.objects.count(), AuditEvent.objects.count()) == (reports, events)


@pytest.mark.parametrize("start, end", [(SERVICE_START, SERVICE_START), (TODAY, TODAY)])
def test_a_report_for_the_first_or_last_day_allowed_is_requested(
    client, start, end, django_capture_on_commit_callbacks
):
    la = LocalAuthorityFactory()
    client.force_login(staff_user(Role.LA_LEAD, la))
    response = client.post(
        reverse("reporting:la_reports", args=[la.pk]),
        period(start, end),
    )
    assert response.status_code == 302
    assert LAReport.objects.filter(local_authority=la, period_start=start, period_end=end)


# --- The selectors: total over every date -------------------------------------------------------


@pytest.mark.parametrize(
    "end, months, expected",
    [
        (date.max, 12, date(9998, 12, 31)),
        (date(9999, 12, 30), 6, date(9999, 6, 30)),
        (date.min, 6, date.min),
        (date(1, 3, 31), 6, date.min),
        (date(1, 12, 31), 12, date.min),
        (date(2, 1, 31), 12, date(1, 1, 31)),
        (date(2026, 2, 28), 6, date(2025, 8, 31)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
    ],
)
def test_latest_start_for_tenure_never_overflows(end, months, expected):
    assert selectors.latest_start_for_tenure(end, months) == expected


@pytest.mark.parametrize(
    "start, end",
    [
        (date.min, date.max),
        (None, date.max),
        (date.min, None),
        (date(1, 1, 2), date(9999, 12, 30)),
    ],
)
def test_the_dashboard_and_la_report_selectors_take_any_date(start, end):
    data = world()
    everything = selectors.dashboard(selectors.Filters(), today=TODAY)
    board = selectors.dashboard(selectors.Filters(start=start, end=end), today=TODAY)
    # a period from the first day a date can hold to the last covers every event so far
    stages = ["staff", "endorsed", "booked", "assessed", "accredited"]
    assert [board.funnel[s] for s in stages] == [everything.funnel[s] for s in stages]
    # and tenure is judged at its end: by 9999 everyone has reached it
    if end is not None:
        assert board.funnel["eligible"] == board.funnel["staff"]
    report = selectors.la_report_data(data["la_a"], start or date.min, end or date.max, today=TODAY)
    assert report["funnel"]
