"""Signing in through the real page as each demo role, in Chromium, with axe-core on every page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from naas.demo import DEMO_PASSWORD, seed_core
from naas.models import LocalAuthority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each role's start page, by URL name (see naas/navigation.py); the LA lead's staff start
# page redirects on to their own LA's staff list.
START_PAGES = {
    "supervisor": "endorsement:supervisees",
    "la_lead": "naas:staff_list",
    "assessor": "assessment:assessor_home",
    "moderator": "assessment:assessor_home",
    "administrator": "assessment:admin_home",
    "dfe": "reporting:dashboard",
    "social_worker": "endorsement:my_endorsement",
}


@pytest.fixture
def accounts():
    return seed_core(timezone.localdate())


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")


def test_sign_in_page_with_and_without_errors_is_accessible(page, accounts, assert_accessible):
    # given the sign-in page
    page.goto("/sign-in/")
    assert page.locator("h1").inner_text() == "Sign in to social work accreditation"
    assert_accessible(page)
    # when the form is sent empty
    page.get_by_role("button", name="Sign in").click()
    # then the error summary lists both fields, and the page is still accessible
    summary = page.locator(".govuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    assert "Enter your password" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    # when the password is wrong
    page.fill("#id_username", accounts["dfe"].email)
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="Sign in").click()
    # then the summary says so, the email is kept, and the page is accessible
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.input_value("#id_username") == accounts["dfe"].email
    assert_accessible(page)


@pytest.mark.parametrize("role", list(START_PAGES))
def test_each_demo_role_lands_on_its_start_page(
    page, live_server, accounts, sign_in, assert_accessible, role
):
    # given a demo account, and the start page its role should land on
    url_name = START_PAGES[role]
    kwargs = {}
    if role == "la_lead":
        kwargs["la_id"] = LocalAuthority.objects.get(name="Leeds").pk
    expected = live_server.url + reverse(url_name, kwargs=kwargs)
    # when its user signs in through the sign-in page
    sign_in(page, accounts[role].email, DEMO_PASSWORD)
    # then they land on their own start page, which passes axe-core
    page.wait_for_url(expected)
    assert page.locator("h1").count() == 1
    assert page.locator(".govuk-service-navigation").is_visible()
    assert_accessible(page)
    # and they can sign out again
    sign_out(page)
    assert page.locator("h1").inner_text() == "Sign in to social work accreditation"


def test_superuser_lands_on_the_back_office(page, accounts, sign_in):
    sign_in(page, accounts["superuser"].email, DEMO_PASSWORD)
    page.wait_for_url("**/admin/")
    assert "back office" in page.locator("#site-name").inner_text().lower()


def test_user_without_a_role_sees_the_no_access_page(page, accounts, sign_in, assert_accessible):
    from naas.demo import ensure_user

    user = ensure_user("norole@demo.naas.test", "No Role", password=DEMO_PASSWORD)
    sign_in(page, user.email, DEMO_PASSWORD)
    page.wait_for_url("**/")
    assert "You do not have access" in page.locator("h1").inner_text()
    assert_accessible(page)


def test_la_lead_staff_list_and_import_errors_are_accessible(
    page, accounts, sign_in, assert_accessible
):
    # given the LA lead, signed in, on their staff list
    sign_in(page, accounts["la_lead"].email, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/staff/la/\d+/$"))
    assert page.locator("h1").inner_text() == "Social workers"
    assert "social workers" in page.locator("caption").inner_text().lower()
    assert page.locator("tbody tr").count() > 10
    assert_accessible(page)
    # when they upload a staff list with bad rows
    page.get_by_role("link", name="Import a staff list").click()
    assert page.locator("h1").inner_text() == "Import a staff list"
    assert_accessible(page)
    bad_csv = (
        "full_name,email,registration_number,employment_type,employed_since,supervisor_email\n"
        "Ada Brown,ada@leeds.example,SW1,permanent,2020-02-30,nobody@leeds.example\n"
        "Ben Clarke,ben@leeds.example,SW1,contractor,2020-01-01,supervisor@demo.naas.test\n"
    )
    page.set_input_files(
        "#id_csv_file",
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": bad_csv.encode()}],
    )
    page.get_by_role("button", name="Upload and check").click()
    # then each bad row is listed and the page passes axe-core
    summary = page.locator(".govuk-error-summary")
    assert "The staff list has 2 rows with problems" in summary.inner_text()
    assert "Row 2: Start date must be a real date" in summary.inner_text()
    assert "Row 3: Registration number SW1 is also on row 2" in summary.inner_text()
    # one table row per problem: row 2's date and supervisor, row 3's number and employment type
    assert page.locator("#row-errors tbody tr").count() == 4
    assert_accessible(page)
    # when they upload a file that is not a CSV
    page.set_input_files(
        "#id_csv_file",
        files=[{"name": "staff.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"}],
    )
    page.get_by_role("button", name="Upload and check").click()
    # then the field error is shown and linked from the summary
    assert "The selected file must be a CSV" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator(".govuk-error-message").is_visible()
    assert_accessible(page)


def test_locked_out_page_is_accessible(page, accounts, assert_accessible):
    # given ten wrong passwords for one account from this browser
    page.goto("/sign-in/")
    for _ in range(10):
        page.fill("#id_username", accounts["dfe"].email)
        page.fill("#id_password", "wrong")
        page.get_by_role("button", name="Sign in").click()
    # when the right password is given
    page.goto("/sign-in/")
    page.fill("#id_username", accounts["dfe"].email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # then the locked-out page is shown, and it is accessible
    assert page.locator("h1").inner_text() == "You cannot sign in at the moment"
    assert_accessible(page)


def test_accessibility_statement_is_accessible(page, assert_accessible):
    page.goto("/accessibility/")
    assert (
        page.locator("h1").inner_text() == "Accessibility statement for social work accreditation"
    )
    assert_accessible(page)


def test_setting_a_password_by_email_is_accessible(page, assert_accessible, accounts):
    # given the sign-in page's link for new accounts and forgotten passwords
    page.goto("/sign-in/")
    page.get_by_role("link", name="Set or reset your password").click()
    assert_accessible(page)
    # when an address in the wrong format is sent, then the error summary is accessible
    page.fill("#id_email", "not-an-email")
    page.get_by_role("button", name="Send link").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    # when a real address is sent, then the "check your email" page is accessible
    page.fill("#id_email", accounts["social_worker"].email)
    page.get_by_role("button", name="Send link").click()
    assert page.locator("h1").inner_text() == "Check your email"
    assert_accessible(page)
