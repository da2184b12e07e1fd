"""The results journey in Chromium, with axe-core on every page visited: the first marker writes
feedback (a required area left empty first), the outcome is published and its letter made, the
worker reads their results and downloads the letter, the supervisor records support for an area
not met (bad input first) and the worker sees it, an administrator retries a failed letter, and
anyone checks an accreditation on the public page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assessment.tests.factories import publish_outcome
from feedback.models import Letter
from feedback.tests.factories import NOT_MET, PARTIAL, draft_result, published_result
from naas.models import DocumentState, Role
from naas.tests.factories import (
    TEST_PASSWORD,
    LocalAuthorityFactory,
    SocialWorkerFactory,
    staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Monday 15 June 2026, midday in England; the clock ticks on from there while the pages run.
TODAY = datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London"))


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


def test_feedback_results_support_letters_and_public_check(
    page, sign_in, assert_accessible, tmp_path
):
    la = LocalAuthorityFactory(name="Leeds")
    worker = SocialWorkerFactory(local_authority=la, user__full_name="Priya Iqbal")
    assessor = staff_user(Role.ASSESSOR, LocalAuthorityFactory(), full_name="Alex Morgan")
    # the attempt has been sat and marked through the assessment services: its outcome is
    # computed by the rules (partially met), not yet confirmed or published
    outcome, _ = draft_result({5: NOT_MET, 9: PARTIAL}, worker=worker, assessor=assessor)
    attempt = outcome.attempt
    admin = staff_user(Role.ADMINISTRATOR, full_name="Ade Bello")

    def check(expected_h1):
        assert expected_h1 in page.locator("h1").first.inner_text()
        assert_accessible(page)

    # the first marker writes feedback; area 9 is left empty first
    sign_in(page, assessor.email, TEST_PASSWORD)
    page.goto(f"/results/attempts/{attempt.pk}/feedback/")
    check("Feedback for each area")
    area5 = attempt.framework.areas.get(number=5)
    area9 = attempt.framework.areas.get(number=9)
    page.fill(f"#id_feedback_{area5.pk}", "Weigh the <b>history</b> of neglect.")
    page.fill(f"#id_suggestions_{area5.pk}", "Shadow a senior practitioner.")
    click_button(page, "Save feedback")
    assert "Enter feedback for area 9" in page.locator(".govuk-error-summary").inner_text()
    check("Feedback for each area")
    assert page.input_value(f"#id_feedback_{area5.pk}") == "Weigh the <b>history</b> of neglect."
    page.fill(f"#id_feedback_{area9.pk}", "Link decisions to research.")
    click_button(page, "Save feedback")
    check("Feedback for each area")
    assert "Feedback saved" in page.content()
    sign_out(page)

    # the outcome is confirmed and published by the assessment app's services (their
    # pre-publish check finds the feedback written above); the letter is made
    outcome = publish_outcome(outcome, admin=admin)
    letter = Letter.objects.get(outcome=outcome)
    assert letter.state == DocumentState.READY

    # the worker reads their results and downloads the letter
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Your results").click()
    check("Your results")
    main = page.locator("main").inner_text()
    assert "Partially met" in main and outcome.reference in main
    assert "Weigh the <b>history</b> of neglect." in main
    assert "retake only the areas not met" in main
    assert "No support has been recorded yet." in main
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download result letter {outcome.reference} (PDF)").click()
    saved = tmp_path / "letter.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    sign_out(page)

    # the supervisor records support for an area not met
    sign_in(page, worker.supervisor.email, TEST_PASSWORD)
    page.get_by_role("link", name="Results").click()
    check("Assessment results")
    page.get_by_role("link", name="Priya Iqbal").click()
    check("Results for Priya Iqbal")
    page.get_by_role("link", name="Add a support action").click()
    check("Add a support action")
    click_button(page, "Add support action")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose the area this action supports" in summary
    check("Add a support action")
    page.get_by_label("5. Abuse and neglect of children").check()
    page.get_by_label("What support will be given").fill("Shadowing on three assessments")
    page.get_by_label("Who is responsible").fill("Team manager")
    page.fill("#id_due_on_0", "31")
    page.fill("#id_due_on_1", "3")
    page.fill("#id_due_on_2", "2027")
    click_button(page, "Add support action")
    check("Results for Priya Iqbal")
    assert "Support action added for area 5" in page.content()
    page.get_by_role("link", name="Change status of the action for area 5").click()
    check("Update a support action")
    page.get_by_label("In progress").check()
    click_button(page, "Save status")
    check("Results for Priya Iqbal")
    sign_out(page)

    # the worker sees the plan
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Your results").click()
    main = page.locator("main").inner_text()
    assert "Shadowing on three assessments" in main and "In progress" in main
    sign_out(page)

    # a met outcome elsewhere, whose certificate failed; the administrator retries it
    met, _ = published_result(worker=SocialWorkerFactory(registration_number="SW424242"))
    accreditation = met.accreditation
    other_letter = Letter.objects.get(outcome=met)
    Letter.objects.filter(pk=other_letter.pk).update(
        state=DocumentState.FAILED, last_error="OSError: disk full"
    )
    sign_in(page, admin.email, TEST_PASSWORD)
    page.get_by_role("link", name="Letters").click()
    check("Letters and certificates")
    assert "OSError: disk full" in page.locator("main").inner_text()
    click_button(page, f"Try again letter {other_letter.pk}")
    check("Letters and certificates")
    assert "Every letter and certificate has been made." in page.content()
    sign_out(page)

    # anyone can check an accreditation, from the footer link
    page.goto("/sign-in/")
    page.get_by_role("link", name="Check a social worker's accreditation").click()
    check("Check a social worker's accreditation")
    click_button(page, "Check accreditation")
    assert "Enter the registration number" in page.locator(".govuk-error-summary").inner_text()
    check("Check a social worker's accreditation")
    page.get_by_label("Social Work England registration number").fill("SW424242")
    page.get_by_label("Accreditation reference").fill("ACC-AAAA-BBBB")
    click_button(page, "Check accreditation")
    check("Check a social worker's accreditation")
    assert "We could not find a current accreditation" in page.locator("main").inner_text()
    page.get_by_label("Accreditation reference").fill(accreditation.reference.lower())
    click_button(page, "Check accreditation")
    check("Check a social worker's accreditation")
    assert "This accreditation is valid" in page.locator("main").inner_text()
