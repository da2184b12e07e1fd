"""Sessions through a database restart, and an idle timeout that does not write every page."""

import time
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import OperationalError
from django.urls import reverse

from naas.middleware import LAST_SEEN_PRECISION_SECONDS, SESSION_KEY
from naas.models import Role
from naas.session_store import SessionStore
from naas.tests.factories import staff_user

pytestmark = pytest.mark.django_db

PAGE = "reporting:dashboard"
MORNING = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, clock):
    client.force_login(staff_user(Role.DFE))
    assert client.get(reverse(PAGE)).status_code == 200  # the first page records last seen
    return client


def stored_last_seen(client) -> int:
    """The last-seen time in the database row itself (not the cache)."""
    return Session.objects.get(session_key=client.session.session_key).get_decoded()[SESSION_KEY]


def fails_once():
    """A Session.save that raises OperationalError the first time, as a restarting PostgreSQL
    does ("terminating connection due to administrator command")."""
    real_save = Session.save
    calls = []

    def save(instance, *args, **kwargs):
        calls.append(instance.session_key)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return real_save(instance, *args, **kwargs)

    return save, calls


def test_sessions_are_read_through_the_cache_and_kept_in_the_database():
    assert settings.SESSION_ENGINE == "naas.session_store"


def test_a_database_error_while_saving_the_session_does_not_answer_400(signed_in, clock):
    # given a signed-in user whose next page updates their session
    clock.shift(timedelta(minutes=2))
    failing_save, calls = fails_once()
    # when the database refuses the session write once
    with mock.patch.object(Session, "save", failing_save):
        response = signed_in.get(reverse(PAGE))
    # then the page is shown, not a 400
    assert len(calls) == 1
    assert response.status_code == 200
    # and the session carried on from the cache: still signed in, with the new last-seen time
    assert signed_in.session[SESSION_KEY] == int(time.time())
    assert stored_last_seen(signed_in) == int((MORNING).timestamp())
    # and the next save that reaches the database brings it up to date
    clock.shift(timedelta(minutes=2))
    assert signed_in.get(reverse(PAGE)).status_code == 200
    assert stored_last_seen(signed_in) == int(time.time())


def test_a_session_deleted_elsewhere_still_ends_the_request_as_django_intends(signed_in, clock):
    # given a session whose row was deleted (signed out in another tab) while the cache still
    # holds it
    clock.shift(timedelta(minutes=2))
    Session.objects.filter(session_key=signed_in.session.session_key).delete()
    # when the next page tries to save it
    response = signed_in.get(reverse(PAGE))
    # then the session is not brought back to life through the cache
    assert response.status_code == 400


def test_with_the_cache_down_sessions_are_read_from_the_database(signed_in, clock):
    cache = caches[settings.SESSION_CACHE_ALIAS]
    with (
        mock.patch.object(cache, "get", side_effect=ConnectionError("redis down")),
        mock.patch.object(cache, "set", side_effect=ConnectionError("redis down")),
    ):
        response = signed_in.get(reverse(PAGE))
    assert response.status_code == 200
    assert "_auth_user_id" in SessionStore(signed_in.session.session_key).load()


# Idle timeout: the last-seen time is written at most once a minute --------------------------


def test_the_idle_timestamp_is_written_at_most_once_a_minute(signed_in, clock):
    first = signed_in.session[SESSION_KEY]
    real_save, saves = SessionStore.save, []

    def counted_save(store, *args, **kwargs):
        saves.append(store[SESSION_KEY])
        return real_save(store, *args, **kwargs)

    with mock.patch.object(SessionStore, "save", counted_save):
        # pages within the minute write nothing
        for _ in range(5):
            clock.shift(timedelta(seconds=10))
            assert signed_in.get(reverse(PAGE)).status_code == 200
        assert saves == []
        # the first page a minute after the last write moves the time on, once
        clock.shift(timedelta(seconds=LAST_SEEN_PRECISION_SECONDS - 50))
        assert signed_in.get(reverse(PAGE)).status_code == 200
        assert signed_in.get(reverse(PAGE)).status_code == 200
    assert saves == [first + LAST_SEEN_PRECISION_SECONDS]
    assert stored_last_seen(signed_in) == first + LAST_SEEN_PRECISION_SECONDS


def test_someone_active_every_50_seconds_stays_signed_in_past_the_timeout(signed_in, clock):
    steps = settings.SESSION_IDLE_TIMEOUT_SECONDS * 2 // 50
    for _ in range(steps):
        clock.shift(timedelta(seconds=50))
        assert signed_in.get(reverse(PAGE)).status_code == 200


def test_someone_idle_for_the_timeout_is_signed_out(signed_in, clock):
    clock.shift(timedelta(seconds=30))
    assert signed_in.get(reverse(PAGE)).status_code == 200  # within the minute: not recorded
    clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS))
    response = signed_in.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in signed_in.session
