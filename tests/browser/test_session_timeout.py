"""The idle sign-out warning in Chromium (WCAG 2.2.1 Timing adjustable), with a timeout short
enough to watch: the dialog opens before the sign-out, focus moves into it, axe-core finds
nothing wrong, and "Stay signed in" records activity on the server. With JavaScript off nothing
appears, and the server still signs an idle user out."""

import time

import pytest
import time_machine
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from naas.middleware import SESSION_KEY
from naas.tests.factories import TEST_PASSWORD, SocialWorkerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_SECONDS = 8
# At most half the timeout is used (naas/templatetags/session_timeout.py): the dialog opens
# 4 seconds after the page's last recorded activity.
WARNING_SECONDS = 4
DIALOG = "#session-timeout"
# Long enough for the dialog to open however slow the machine; it is a wait, not a measure.
WAIT_MS = 30_000


@pytest.fixture(autouse=True)
def _short_idle_timeout(settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    settings.SESSION_IDLE_WARNING_SECONDS = WARNING_SECONDS


def signed_in(page, sign_in):
    worker = SocialWorkerFactory()
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.wait_for_load_state()
    page.goto("/accessibility/")
    return worker


def server_last_seen(page, settings) -> int:
    """What the idle middleware has recorded for the browser's session."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(cookie["value"])
    return store[SESSION_KEY]


def test_the_warning_opens_takes_focus_and_stay_signed_in_keeps_the_session(
    page, sign_in, assert_accessible, settings
):
    # given a signed-in page
    signed_in(page, sign_in)
    assert not page.locator(DIALOG).is_visible()
    before = server_last_seen(page, settings)
    # when the user does nothing, the warning opens before the sign-out
    page.wait_for_selector(f"{DIALOG}[open]", timeout=WAIT_MS)
    # then focus is inside it, it says what will happen, and it passes axe-core
    assert page.evaluate(f"() => !!document.activeElement.closest('{DIALOG}')")
    dialog = page.locator(DIALOG)
    assert "You'll be signed out soon" in dialog.inner_text()
    assert "You will be signed out in" in dialog.inner_text()
    assert_accessible(page)
    # when they choose to stay signed in
    page.get_by_role("button", name="Stay signed in").click()
    page.wait_for_function(f"() => !document.querySelector('{DIALOG}').open", timeout=WAIT_MS)
    assert "/sign-in/" not in page.url
    # then the server has recorded activity since, and the page still works signed in
    assert server_last_seen(page, settings) > before
    page.reload()
    assert "/sign-in/" not in page.url
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_without_javascript_nothing_appears_and_the_server_signs_out(
    browser, live_server, settings
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        # given a signed-in page with JavaScript off
        worker = SocialWorkerFactory()
        page.goto("/sign-in/")
        page.fill("#id_username", worker.user.email)
        page.fill("#id_password", TEST_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_load_state()
        page.goto("/accessibility/")
        # then no warning is shown
        assert page.locator(DIALOG).count() == 1
        assert not page.locator(DIALOG).is_visible()
        # when the server's clock passes the idle timeout and the user opens a page
        with time_machine.travel(time.time() + TIMEOUT_SECONDS + 5, tick=True):
            page.goto("/results/")
            # then they are signed out, and told why
            assert "/sign-in/" in page.url
            assert "You were signed out because you were inactive." in page.content()
    finally:
        context.close()
