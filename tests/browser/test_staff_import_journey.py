"""The staff import in Chromium, with axe-core on every page: the demo takeover of the back
office account (issue 11) is refused, and a good file goes upload → preview → confirm → done."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from naas.demo import DEMO_PASSWORD, seed_core
from naas.models import AuditEvent, SocialWorker, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London"))
HEADER = "full_name,email,registration_number,employment_type,employed_since,supervisor_email"


@pytest.fixture
def accounts():
    with time_machine.travel(NOW, tick=False):
        yield seed_core(NOW.date())


def csv_payload(*rows) -> dict:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return {"name": "staff.csv", "mimeType": "text/csv", "buffer": text.encode()}


def open_import_page(page):
    page.get_by_role("link", name="Import a staff list").click()
    page.wait_for_url("**/import/")


def upload(page, *rows):
    page.set_input_files("#id_csv_file", csv_payload(*rows))
    page.get_by_role("button", name="Upload and check").click()


def test_the_demo_takeover_of_the_back_office_is_refused(
    page, accounts, sign_in, assert_accessible
):
    # given the demo, signed in as Leeds' LA lead
    superuser = accounts["superuser"]
    sign_in(page, accounts["la_lead"].email, DEMO_PASSWORD)
    page.wait_for_url("**/staff/la/*/")
    open_import_page(page)
    assert_accessible(page)
    before = (SocialWorker.objects.count(), AuditEvent.objects.count(), superuser.email)
    # when a row names the back office account's email address with a new registration number
    upload(page, f"Back Office,{superuser.email},SW999001,permanent,2020-01-15,{_sup(accounts)}")
    # then the row is refused, without saying whose account it is, and nothing changes
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Row 2: The email address is already used by another account in the service" in summary
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    superuser.refresh_from_db()
    assert (SocialWorker.objects.count(), AuditEvent.objects.count(), superuser.email) == before
    assert not SocialWorker.objects.filter(user=superuser).exists()
    assert superuser.is_superuser and superuser.email == "backoffice@demo.naas.test"


def test_a_good_file_is_previewed_confirmed_and_replayed_safely(
    page, accounts, sign_in, assert_accessible
):
    sign_in(page, accounts["la_lead"].email, DEMO_PASSWORD)
    page.wait_for_url("**/staff/la/*/")
    open_import_page(page)
    wendy = accounts["social_worker"].social_worker
    # when the lead uploads a new person and a rename of Wendy Shaw
    upload(
        page,
        f"Nia Hughes,nia@leeds.example,SW999002,agency,2024-03-01,{_sup(accounts)}",
        f"Wendy Shaw-Lee,{accounts['social_worker'].email},{wendy.registration_number},"
        f"permanent,{wendy.employed_since.isoformat()},{_sup(accounts)}",
    )
    # then the preview lists both, and nothing is saved yet
    page.wait_for_url("**/import/*/")
    assert page.locator("h1").inner_text() == "Check the staff list before you import it"
    changed = page.locator("#changed-rows").inner_text()
    assert "Wendy Shaw" in changed and "Wendy Shaw-Lee" in changed
    assert "Nia Hughes" in page.locator("#new-rows").inner_text()
    assert not User.objects.filter(email="nia@leeds.example").exists()
    assert_accessible(page)
    # when they confirm
    confirm_url = page.url
    csrf = page.locator("#main-content input[name=csrfmiddlewaretoken]").input_value()
    page.get_by_role("button", name="Confirm and apply").click()
    page.wait_for_url("**/done/")
    assert "Staff list imported: 1 added, 1 updated, 0 unchanged" in page.content()
    assert_accessible(page)
    wendy.user.refresh_from_db()
    assert wendy.user.full_name == "Wendy Shaw-Lee"
    events = AuditEvent.objects.count()
    # and the same confirm sent again (the browser's resend) applies nothing twice
    replay = page.request.post(confirm_url, form={"csrfmiddlewaretoken": csrf})
    assert replay.status == 200
    assert "This staff list was already imported" in replay.text()
    assert AuditEvent.objects.count() == events
    assert User.objects.filter(email="nia@leeds.example").count() == 1


def _sup(accounts) -> str:
    return accounts["supervisor"].email
