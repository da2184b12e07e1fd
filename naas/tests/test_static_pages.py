"""The cookies page, the privacy notice and the accessibility statement say what the settings
make true; every page links to them and to feedback; the idle-timeout warning's timing comes
from the idle-timeout setting, and "Stay signed in" records activity only on a POST."""

import re

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import reverse

from naas.dates import duration_words
from naas.middleware import SESSION_KEY
from naas.tests.clock import midday
from naas.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_the_cookies_page_lists_the_cookies_the_service_sets(client):
    page = _text(client.get(reverse("cookies")))
    for name in [
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        CookieStorage.cookie_name,
    ]:
        assert f"<code>{name}</code>" in page
    assert duration_words(settings.SESSION_IDLE_TIMEOUT_SECONDS) in page
    assert "only uses essential cookies" in page and "no cookie banner" in page


def test_a_signed_in_page_sets_no_cookie_the_cookies_page_does_not_name(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("cookies"))
    named = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, CookieStorage.cookie_name}
    assert set(client.cookies) <= named
    assert set(response.cookies) <= named


def test_the_privacy_notice_says_who_sees_equality_data(client):
    page = _text(client.get(reverse("privacy")))
    assert "lawful basis is public task" in page
    assert "DfE sees it only in aggregate" in page
    assert "small numbers that could identify someone are hidden" in page
    assert f"mailto:{settings.NAAS_SUPPORT_EMAIL}" in page
    assert duration_words(settings.SESSION_IDLE_TIMEOUT_SECONDS) in page


def test_the_accessibility_statement_is_complete(client):
    page = _text(client.get(reverse("accessibility")))
    for heading in [
        "How accessible this service is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "Preparation of this accessibility statement",
    ]:
        assert heading in page
    assert "Web Content Accessibility Guidelines version 2.2" in page
    assert f"mailto:{settings.NAAS_SUPPORT_EMAIL}" in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_the_statements_and_feedback(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    page = _text(client.get(reverse("accessibility")))
    for name in ["accessibility", "cookies", "privacy"]:
        assert f'href="{reverse(name)}"' in page
    assert f'href="mailto:{settings.NAAS_SUPPORT_EMAIL}?subject=' in page


def test_no_timeout_dialog_for_someone_not_signed_in(client):
    assert 'id="session-timeout"' not in _text(client.get(reverse("cookies")))


@override_settings(SESSION_IDLE_TIMEOUT_SECONDS=600, SESSION_IDLE_WARNING_SECONDS=90)
def test_the_dialog_counts_down_from_the_idle_setting(client):
    client.force_login(UserFactory())
    page = _text(client.get(reverse("cookies")))
    assert 'data-timeout-seconds="600"' in page
    assert 'data-warning-seconds="90"' in page
    left = int(re.search(r'data-seconds-left="(\d+)"', page).group(1))
    assert 0 < left <= 600
    assert 'role="dialog"' in page or "<dialog" in page
    assert "You&#x27;ll be signed out soon" in page or "You'll be signed out soon" in page


@override_settings(SESSION_IDLE_TIMEOUT_SECONDS=60, SESSION_IDLE_WARNING_SECONDS=120)
def test_the_warning_is_never_longer_than_half_the_timeout(client):
    client.force_login(UserFactory())
    assert 'data-warning-seconds="30"' in _text(client.get(reverse("cookies")))


def test_stay_signed_in_takes_only_a_post(client):
    client.force_login(UserFactory())
    url = reverse("session_keep_alive")
    client.get(reverse("cookies"))
    before = client.session[SESSION_KEY]
    assert client.get(url).status_code == 405
    assert client.session[SESSION_KEY] == before


def test_stay_signed_in_records_activity_now(client, time_machine, frozen_today):
    # the fixture's clock takes over from the package's frozen day (it cannot shift another's)
    time_machine.move_to(midday(frozen_today), tick=False)
    client.force_login(UserFactory())
    client.get(reverse("cookies"))
    before = client.session[SESSION_KEY]
    # 30 seconds later: too soon for the middleware to record it again, not for the button
    time_machine.shift(30)
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 200
    assert response.json() == {"seconds_left": settings.SESSION_IDLE_TIMEOUT_SECONDS}
    assert client.session[SESSION_KEY] == before + 30


def test_stay_signed_in_needs_a_session(client):
    response = client.post(reverse("session_keep_alive"))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_stay_signed_in_needs_the_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory())
    assert strict.post(reverse("session_keep_alive")).status_code == 403


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(30 * 60, "30 minutes"), (8 * 3600, "8 hours"), (31449600, "1 year"), (90, "90 seconds")],
)
def test_durations_read_as_people_say_them(seconds, words):
    assert duration_words(seconds) == words
