"""An ordinary page view writes no session row: the idle timeout's last-seen time is recorded
at most once a minute (LAST_SEEN_PRECISION_SECONDS), and the sign-out still comes on time
within that minute, never after the timeout."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from naas.middleware import LAST_SEEN_PRECISION_SECONDS, SESSION_KEY
from naas.models import Role
from naas.tests.clock import frozen_at
from naas.tests.factories import staff_user

pytestmark = pytest.mark.django_db

PAGE = "reporting:dashboard"
TIMEOUT = timedelta(seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS)
PRECISION = timedelta(seconds=LAST_SEEN_PRECISION_SECONDS)


@pytest.fixture
def clock(frozen_today):
    with frozen_at(frozen_today) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, clock):
    client.force_login(staff_user(Role.DFE))
    assert client.get(reverse(PAGE)).status_code == 200  # the first page records last seen
    return client


def session_writes(queries) -> list[str]:
    """The SQL statements that wrote a session row (reads come from the cache)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def get_page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(PAGE))
    return response, session_writes(queries)


def test_the_first_signed_in_page_records_the_last_seen_time(client, clock):
    client.force_login(staff_user(Role.DFE))
    response, writes = get_page(client)
    assert response.status_code == 200
    assert len(writes) == 1
    assert SESSION_KEY in client.session


def test_a_second_page_within_the_minute_writes_no_session_row(signed_in, clock):
    recorded = signed_in.session[SESSION_KEY]
    clock.shift(PRECISION - timedelta(seconds=1))
    response, writes = get_page(signed_in)
    assert response.status_code == 200
    assert writes == []
    assert signed_in.session[SESSION_KEY] == recorded


def test_a_page_a_minute_later_writes_the_session_once(signed_in, clock):
    recorded = signed_in.session[SESSION_KEY]
    clock.shift(PRECISION)
    response, writes = get_page(signed_in)
    assert response.status_code == 200
    assert len(writes) == 1
    assert signed_in.session[SESSION_KEY] == recorded + LAST_SEEN_PRECISION_SECONDS
    # and the page straight after it writes nothing again
    assert get_page(signed_in)[1] == []


def test_idle_for_exactly_the_timeout_is_still_signed_in(signed_in, clock):
    clock.shift(TIMEOUT)
    response, _ = get_page(signed_in)
    assert response.status_code == 200


def test_idle_for_a_second_more_than_the_timeout_is_signed_out(signed_in, clock):
    clock.shift(TIMEOUT + timedelta(seconds=1))
    response, _ = get_page(signed_in)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in signed_in.session


def test_an_unrecorded_page_never_delays_the_sign_out(signed_in, clock):
    # given a page within the minute, which records nothing
    clock.shift(PRECISION - timedelta(seconds=1))
    response, writes = get_page(signed_in)
    assert (response.status_code, writes) == (200, [])
    # when the person is then idle: signed out at the timeout from the recorded time, at
    # most a minute early, never later than the timeout after their last page
    clock.shift(TIMEOUT - PRECISION + timedelta(seconds=2))
    response, _ = get_page(signed_in)
    assert response.status_code == 302


def test_a_recorded_page_moves_the_sign_out_on(signed_in, clock):
    clock.shift(PRECISION)
    assert get_page(signed_in)[0].status_code == 200  # recorded
    clock.shift(TIMEOUT)
    assert get_page(signed_in)[0].status_code == 200
