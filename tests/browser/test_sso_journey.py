"""Signing in through the local OpenID Connect provider in Chromium: a staff member with DfE
Sign-in (under the pages' real Content-Security-Policy, which must let the sign-out go on to
the provider), and a social worker with GOV.UK One Login giving their registration number."""

import pytest
from django.urls import reverse

from naas.models import Role
from naas.tests.factories import SocialWorkerFactory, staff_user
from tests.conftest_oidc import ACCOUNTS, configure, start_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def local_provider(tmp_path, settings, live_server):
    provider = start_provider(tmp_path, ACCOUNTS, [live_server.url])
    configure(settings, provider.issuer)
    yield provider
    provider.process.terminate()
    provider.process.wait(timeout=10)


@pytest.fixture
def strict_page(browser, live_server):
    """A page that keeps the service's CSP (the usual `page` bypasses it for axe-core)."""
    context = browser.new_context(base_url=live_server.url)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def test_a_staff_member_signs_in_and_out_with_dfe_sign_in(strict_page, live_server, local_provider):
    page = strict_page
    # given a DfE member of staff whose DfE Sign-in email matches their account
    staff_user(Role.DFE, email="dana.staff@example.gov.uk")
    # when they choose DfE Sign-in on the sign-in page and sign in there
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in with DfE Sign-in").click()
    page.get_by_role("button", name="Sign in as staff-sub").click()
    # then they land on their own start page
    page.wait_for_url(live_server.url + reverse("reporting:dashboard"))
    # when they sign out, they are signed out at the provider too, and come back here
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(live_server.url + reverse("login"))
    assert page.locator("h1").inner_text() == "Sign in to social work accreditation"
    page.goto(reverse("reporting:dashboard"))
    assert page.url.startswith(live_server.url + reverse("login"))


def test_a_social_worker_signs_in_with_gov_uk_one_login(
    page, live_server, local_provider, assert_accessible
):
    # given a social worker whose GOV.UK One Login email is verified
    SocialWorkerFactory(user__email="sam.worker@example.org", registration_number="SW4321")
    # when they choose GOV.UK One Login and sign in there for the first time
    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with GOV.UK One Login").click()
    page.get_by_role("button", name="Sign in as worker-sub").click()
    # then they are asked for their registration number, on an accessible GOV.UK form
    page.wait_for_url(live_server.url + reverse("sso:registration_number"))
    assert page.locator("h1").inner_text() == "Enter your registration number"
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter your Social Work England registration number" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    # when they give it, they land on their own start page
    page.get_by_label("Social Work England registration number").fill("SW4321")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + reverse("endorsement:my_endorsement"))
