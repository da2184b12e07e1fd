"""A worker asks for support in Chromium, with axe-core on every page: from Your results they
choose an area not met (nothing chosen first), say what would help, check their answers and send
once; their supervisor then reads the request on the worker's results page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.models import SupportRequest
from feedback.tests.factories import NOT_MET, PARTIAL, published_result
from naas.tests.factories import TEST_PASSWORD, LocalAuthorityFactory, SocialWorkerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Monday 15 June 2026, midday in England; the clock ticks on from there while the pages run.
TODAY = datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London"))
HELP = "Time to shadow a senior colleague on two assessments."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=True):
        yield


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")


def click_button(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_worker_asks_for_support_and_the_supervisor_sees_it(page, sign_in, assert_accessible):
    la = LocalAuthorityFactory(name="Leeds")
    worker = SocialWorkerFactory(local_authority=la, user__full_name="Priya Iqbal")
    outcome, _ = published_result({5: NOT_MET, 9: PARTIAL}, worker=worker)
    area5 = outcome.attempt.framework.areas.get(number=5)

    def check(expected_h1):
        assert expected_h1 in page.locator("h1").first.inner_text()
        assert_accessible(page)

    # the worker opens Your results and asks for support
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Your results").click()
    check("Your results")
    page.get_by_role("link", name="Ask for support").click()
    check("Ask for support")
    # nothing chosen: an error, and nothing kept
    click_button(page, "Continue")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select at least one area you would like support with" in summary
    assert page.title().startswith("Error: ")
    check("Ask for support")
    # area 1 was met, so it is not offered
    assert (
        page.get_by_label(f"1. {outcome.attempt.framework.areas.get(number=1).title}").count() == 0
    )
    page.get_by_label(f"5. {area5.title}").check()
    page.get_by_label("What would help you?").fill(HELP)
    click_button(page, "Continue")
    check("Check your request for support")
    main = page.locator("main").inner_text()
    assert HELP in main and area5.title in main
    assert not SupportRequest.objects.exists()
    click_button(page, "Send request")
    check("Request for support sent")
    assert worker.supervisor.full_name in page.locator("main").inner_text()
    # going back and sending again makes no second request
    page.go_back()
    page.wait_for_load_state()
    if page.get_by_role("button", name="Send request").count():
        click_button(page, "Send request")
    assert SupportRequest.objects.count() == 1
    page.goto("/results/")
    check("Your results")
    assert HELP in page.locator("#support-requests ~ dl").first.inner_text()
    sign_out(page)

    # the supervisor reads it where they record the support plan
    sign_in(page, worker.supervisor.email, TEST_PASSWORD)
    page.get_by_role("link", name="Results").click()
    check("Assessment results")
    page.get_by_role("link", name="Priya Iqbal").click()
    check("Results for Priya Iqbal")
    main = page.locator("main").inner_text()
    assert "Support Priya Iqbal asked for" in main and HELP in main
    assert page.get_by_role("link", name="Ask for support").count() == 0
