"""GET /api/v1/dashboard/: the dashboard's tables, with its suppression and its filters."""

import pytest

from api.models import Scope
from naas.tests.clock import frozen_at
from reporting.suppression import SUPPRESSED_TEXT
from reporting.tests.factories import TODAY, world

from .conftest import http, make_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard/"


@pytest.fixture
def analyst():
    _, token = make_client([Scope.DASHBOARD_READ])
    return http(token)


@pytest.fixture
def data():
    with frozen_at(TODAY):
        yield world()


def tables(response) -> dict:
    assert response.status_code == 200, response.content
    return {table["key"]: table for table in response.json()["tables"]}


@frozen_at(TODAY)
def test_small_numbers_are_suppressed_as_on_the_dashboard(analyst, data):
    by_key = tables(analyst.get(URL))
    employment = by_key["employment_type"]
    assert employment["headers"][:5] == [
        "Employment type",
        "Met",
        "Partially met",
        "Not met",
        "Total",
    ]
    # 2 permanent met, 1 not met; 1 agency partially met: every count under 5
    assert employment["rows"][0][1:5] == [SUPPRESSED_TEXT, 0, SUPPRESSED_TEXT, SUPPRESSED_TEXT]
    assert employment["rows"][1][1:5] == [0, SUPPRESSED_TEXT, 0, SUPPRESSED_TEXT]
    body = analyst.get(URL).content.decode()
    for person in data["workers"]:
        assert person.user.full_name not in body
        assert person.registration_number not in body


@frozen_at(TODAY)
def test_filters_are_the_dashboards(analyst, data):
    la = data["la_a"]
    response = analyst.get(URL, {"local_authority": la.pk, "end": TODAY.isoformat()})
    assert response.status_code == 200
    assert response.json()["filters"]["local_authority"] == la.pk


@pytest.mark.parametrize(
    ("query", "status", "field", "message"),
    [
        (
            {"local_authority": "abc"},
            422,
            "local_authority",
            "Choose a local authority from the list",
        ),
        ({"region": "atlantis"}, 422, "region", "Choose a region from the list"),
        ({"start": "2026-02-31"}, 422, "start", "must be a real date"),
        ({"start": "2016-01-01"}, 422, "start", "must be between"),
        ({"start": "yesterday"}, 400, "start", "Enter the date as YYYY-MM-DD"),
        ({"region": ""}, 400, "region", "Leave out a query parameter rather than sending it empty"),
        ({"regoin": "london"}, 400, "regoin", "This query parameter is not one this request takes"),
    ],
)
@frozen_at(TODAY)
def test_bad_filters_get_the_dashboards_message(analyst, data, query, status, field, message):
    """A filter the dashboard's form refuses (no such LA, a date outside the service) is a 422
    with the form's own message; one that is not even well-formed is a 400."""
    response = analyst.get(URL, query)
    assert response.status_code == status
    errors = response.json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
