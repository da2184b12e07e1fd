"""The README's practice endorsement and assessment-day journeys, walked in Chromium on the
seeded demo as its accounts, with axe-core on every page visited (with and without
JavaScript). Each step checks what the README says the account sees."""

import pytest

from endorsement.models import Endorsement, EndorsementState

from .demo_walk import seeded_demo, walk  # noqa: F401  (fixtures)

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
        worker__user__email="worker@demo.naas.test", state=EndorsementState.ENDORSED,
        level="practitioner",
    )
    assert endorsement.endorsed_by.email == "lead@demo.naas.test"
