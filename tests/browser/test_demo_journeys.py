"""The README's practice endorsement and assessment-day journeys, walked in Chromium on the
seeded demo as its accounts, with axe-core on every page visited (with and without
JavaScript). Each step checks what the README says the account sees."""

import pytest

from endorsement.models import Endorsement, EndorsementState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# README, step 2: "Other supervisees show every other state (ready to sign off, feedback to
# consider, returned by the LA lead, short of Leeds's 6-month minimum tenure, endorsed,
# declined, withdrawn, lapsed)", as the supervisees list words them.
SUPERVISEE_STATES = [
    "Ready to sign off",
    "Consider service-user feedback",
    "Returned by the LA lead",
    "reaches Leeds's minimum of 6 months' employment",
    "Signed off by supervisor",
    "Endorsed",
    "Declined",
    "Withdrawn",
    "Lapsed",
]


def test_wendy_consents_is_signed_off_confirmed_and_sees_endorsed(walk):
    page = walk.page
    # 1. Wendy's own page shows the draft her supervisor started; she gives consent
    walk.sign_in("worker", "Your accreditation")
    assert "Your supervisor, Sam Okafor, has started your endorsement" in walk.main()
    status = page.locator("#endorsement-status").inner_text()
    assert "Status\tDraft" in status and "Your consent\tNot given yet" in status
    page.get_by_label("I agree to be put forward for assessment").check()
    walk.press("Give consent", "Your accreditation")
    assert "consent has been recorded" in page.locator(".govuk-notification-banner").inner_text()
    walk.sign_out()

    # 2. the supervisor's list names every state; Wendy's task list is complete
    walk.sign_in("supervisor", "Your supervisees")
    listed = walk.main()
    for state in SUPERVISEE_STATES:
        assert state in listed, state
    assert "Ready to sign off" in walk.row("Wendy Shaw")
    walk.follow("Wendy Shaw", "Wendy Shaw", exact=True)
    tasks = page.locator(".govuk-task-list").inner_text()
    for task in (
        "Worker's consent",
        "Record reflective supervision",
        "Record and consider service-user feedback",
        "Minimum tenure at Leeds",
    ):
        assert task in tasks, task
    assert "Waiting for worker" not in tasks
    walk.follow("Sign off", "Sign off for assessment", exact=True)
    page.get_by_label("Why is Wendy Shaw ready to be assessed?").fill(
        "Two supervision sessions and her families' feedback show she is ready in every area."
    )
    walk.press("Continue", "Check your sign-off")
    assert "Two supervision sessions" in walk.main()
    walk.press("Sign off", "Wendy Shaw has been signed off")
    walk.sign_out()

    # 3. the LA lead confirms it from "Endorsements to confirm", beside the other sign-offs
    walk.sign_in("lead", "Social workers")
    walk.follow("Endorsements to confirm", "Endorsements to confirm")
    assert "4 waiting" in walk.main()
    walk.follow("Wendy Shaw", "Wendy Shaw", exact=True)
    page.get_by_label("Confirm the endorsement").check()
    walk.press("Continue", "Check your decision")
    walk.press("Confirm endorsement", "Endorsement confirmed")
    walk.sign_out()

    # 4. Wendy is endorsed, valid for 12 months, and can still withdraw
    walk.sign_in("worker", "Your accreditation")
    assert "Status\tEndorsed" in page.locator("#endorsement-status").inner_text()
    assert "2 June 2026, valid until 2 June 2027" in walk.main()
    assert page.get_by_role("link", name="Withdraw from your endorsement").count() == 1
    endorsement = Endorsement.objects.get(
        worker__user__email="worker@demo.naas.test",
        state=EndorsementState.ENDORSED,
        level="practitioner",
    )
    assert endorsement.endorsed_by.email == "lead@demo.naas.test"


def test_lead_books_with_an_adjustment_admin_decides_it_and_makes_a_test_form(walk):
    page = walk.page
    # the LA lead books an endorsed Leeds worker on a Leeds sitting, asking for extra time
    walk.sign_in("lead", "Social workers")
    walk.follow("Assessment bookings", "Assessment bookings")
    ready = page.locator("table").first.inner_text()
    assert "Jess Ahmed" in ready and "Niamh Patel" in ready
    walk.follow("Book a sitting for Jess Ahmed", "Book an assessment sitting")
    assert "Manchester Assessment Centre" in page.locator("main form").last.inner_text()
    page.get_by_label("Centre", exact=True).select_option(label="Leeds Assessment Centre")
    walk.press("Apply filters", "Book an assessment sitting")
    assert "centre=" in page.url and "free_seats=on" in page.url
    sittings = page.locator("main form").last.inner_text()
    assert "Manchester Assessment Centre" not in sittings
    page.get_by_label("Tuesday 16 June 2026, morning (starts 9am)", exact=False).check()
    page.get_by_label("Extra time", exact=True).check()
    walk.press("Continue", "Check the booking before you confirm it")
    assert "Extra time" in walk.main()
    walk.press("Confirm booking", "Booking confirmed")
    walk.sign_out()

    # the administrator decides it, with a reason
    walk.sign_in("admin", "Assessment days")
    walk.follow("2 reasonable adjustment requests to decide", "Adjustment requests to decide")
    walk.follow("Extra time for Jess Ahmed", "Decide an adjustment request")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Reason for the decision").fill("25% extra time, as in her exam history")
    walk.press("Continue", "Check your decision before you confirm it")
    walk.press("Confirm decision", "Adjustment approved")

    # a past sitting's attendance list: the three Kirklees candidates who sat last week
    walk.go("/assessment/days/past/", "Past sittings")
    walk.follow("Tuesday 26 May 2026", "late morning")
    attendance = page.locator("table").first.inner_text()
    for name in ("Daniel Davies", "Mohammed Ahmed", "Tom Patel"):
        assert name in attendance, name

    # "Make a test form" asks the level first, then offers only that level's questions
    walk.go("/assessment/forms/", "Test forms")
    walk.follow("Make a test form", "Make a test form")
    page.get_by_label("Approved child and family practitioner").check()
    walk.press("Continue", "Make a test form")
    scenarios = page.get_by_label("Scenario for the applied questions").inner_text()
    assert "The Ahmed family" in scenarios and "A team under pressure" not in scenarios
    legends = page.locator("legend").all_inner_texts()
    assert any(
        legend.startswith("1. Relationships and effective direct work") for legend in legends
    )
    page.get_by_label("Code").fill("P-2026-B")
    page.get_by_label("Title").fill("Practitioner: knowledge test, form B")
    page.get_by_label("Scenario for the applied questions").select_option(index=1)
    page.get_by_label("P-G-01-1", exact=False).check()
    walk.press("Check and save form", "Make a test form")
    # a form missing KSS areas is refused with the reasons
    refused = page.locator(".govuk-error-summary").inner_text()
    assert "The form has 1 general question; it needs exactly 18" in refused
    assert "No question covers KSS area 2: Communication" in refused
