"""The practice endorsement journey in Chromium, with axe-core on every page visited:
the supervisor starts an endorsement, the worker consents, the supervisor records supervision
and service-user feedback and signs off, the LA lead confirms, and the worker sees "Endorsed"."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from endorsement.models import Endorsement, EndorsementState
from endorsement.tests.factories import ensure_frameworks, la_lead_for
from naas.models import Role
from naas.tests.factories import (
    TEST_PASSWORD,
    LocalAuthorityFactory,
    SocialWorkerFactory,
    staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    ensure_frameworks()
    la = LocalAuthorityFactory(name="Leeds", min_tenure_months=6)
    supervisor = staff_user(Role.SUPERVISOR, la, full_name="Sam Okafor")
    lead = la_lead_for(la, full_name="Lesley Patel")
    worker = SocialWorkerFactory(
        local_authority=la,
        supervisor=supervisor,
        employed_since=timezone.localdate() - relativedelta(years=2),
        user__full_name="Wendy Shaw",
    )
    return {"supervisor": supervisor, "lead": lead, "worker": worker}


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")


def fill_date(page, prefix, day):
    page.fill(f"#id_{prefix}_0", str(day.day))
    page.fill(f"#id_{prefix}_1", str(day.month))
    page.fill(f"#id_{prefix}_2", str(day.year))


def continue_(page, name="Continue"):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_supervisor_signs_off_lead_confirms_worker_sees_endorsed(
    page, people, sign_in, assert_accessible
):
    worker = people["worker"]
    visited = []

    def check(expected_h1=None):
        if expected_h1:
            assert expected_h1 in page.locator("h1").first.inner_text()
        visited.append(page.url)
        assert_accessible(page)

    # the supervisor finds the worker and starts an endorsement
    sign_in(page, people["supervisor"].email, TEST_PASSWORD)
    page.wait_for_url("**/endorsement/supervisees/")
    check("Your supervisees")
    page.get_by_role("link", name="Wendy Shaw").click()
    check("Wendy Shaw")
    page.get_by_role("link", name="Start the endorsement").click()
    check("Start a practice endorsement")
    continue_(page, "Start endorsement")
    assert "Endorsement started" in page.locator(".govuk-notification-banner").inner_text()
    check("Wendy Shaw")
    sign_out(page)

    # the worker gives consent on her own page
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.wait_for_url("**/endorsement/mine/")
    check("Your accreditation")
    continue_(page, "Give consent")  # not ticked: an error
    assert "Tick the box" in page.locator(".govuk-error-summary").inner_text()
    check("Your accreditation")
    page.get_by_label("I agree to be put forward for assessment").check()
    continue_(page, "Give consent")
    assert "consent has been recorded" in page.locator(".govuk-notification-banner").inner_text()
    check("Your accreditation")
    sign_out(page)

    # the supervisor records a supervision session (after one refused attempt)
    sign_in(page, people["supervisor"].email, TEST_PASSWORD)
    page.wait_for_url("**/endorsement/supervisees/")
    page.get_by_role("link", name="Wendy Shaw").click()
    page.get_by_role("link", name="Record reflective supervision").click()
    check("Record a reflective supervision session")
    fill_date(page, "held_on", timezone.localdate() + timedelta(days=1))
    continue_(page, "Save session")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The date of the session must be between 1 January 2018 and" in summary
    assert "Enter a short reflection" in summary
    check("Record a reflective supervision session")
    fill_date(page, "held_on", timezone.localdate() - timedelta(days=7))
    page.get_by_role("group", name="1. Relationships and effective direct work").get_by_label(
        "Ready", exact=True
    ).check()
    page.get_by_role("group", name="2. Communication").get_by_label("Nearly ready").check()
    page.get_by_label("Reflection").fill("We reflected on a child and family assessment.")
    continue_(page, "Save session")
    check("Wendy Shaw")

    # records service-user feedback and marks it considered
    page.get_by_role("link", name="Record and consider service-user feedback").click()
    check("Record service-user feedback")
    fill_date(page, "received_on", timezone.localdate() - timedelta(days=3))
    page.get_by_label("Parent or carer").check()
    page.get_by_label("Summary of the feedback").fill("The parent said she listened.")
    continue_(page, "Save feedback")
    check("Wendy Shaw")
    page.get_by_role("link", name="Mark as considered").click()
    check("Mark feedback as considered")
    fill_date(page, "considered_on", timezone.localdate())
    continue_(page, "Mark as considered")
    check("Wendy Shaw")

    # signs off: form, check your answers, confirmation
    page.get_by_role("link", name="Sign off").click()
    check("Sign off for assessment")
    page.get_by_label("Why is Wendy Shaw ready to be assessed?").fill(
        "Supervision and feedback show she meets every area."
    )
    continue_(page)
    check("Check your sign-off")
    continue_(page, "Sign off")
    check("Wendy Shaw has been signed off")
    sign_out(page)

    # the LA lead confirms from the queue
    sign_in(page, people["lead"].email, TEST_PASSWORD)
    page.get_by_role("link", name="Endorsements to confirm").click()
    check("Endorsements to confirm")
    page.get_by_role("link", name="Wendy Shaw").click()
    check("Wendy Shaw")
    page.get_by_label("Confirm the endorsement").check()
    continue_(page)
    check("Check your decision")
    continue_(page, "Confirm endorsement")
    check("Endorsement confirmed")
    sign_out(page)

    # the worker sees "Endorsed"
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.wait_for_url("**/endorsement/mine/")
    status = page.locator("#endorsement-status").inner_text()
    assert "Endorsed" in status
    check("Your accreditation")

    endorsement = Endorsement.objects.get(worker=worker)
    assert endorsement.state == EndorsementState.ENDORSED
    assert len(visited) >= 20
