"""An LA lead's staff list import: every row checked, all or nothing, idempotent, own LA only."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from naas.models import AuditEvent, EmploymentType, Level, Role, SocialWorker, User
from naas.tests.factories import (
    LocalAuthorityFactory,
    SocialWorkerFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

HEADER = "full_name,email,registration_number,employment_type,employed_since,supervisor_email"


@pytest.fixture
def la():
    return LocalAuthorityFactory(name="Leeds")


@pytest.fixture
def other_la():
    return LocalAuthorityFactory(name="Bury")


@pytest.fixture
def lead(la):
    return staff_user(Role.LA_LEAD, la, email="lead@leeds.example")


@pytest.fixture
def supervisor(la):
    return staff_user(Role.SUPERVISOR, la, email="sup@leeds.example")


@pytest.fixture
def other_supervisor(other_la):
    return staff_user(Role.SUPERVISOR, other_la, email="sup@bury.example")


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def row(name, email, number, kind="permanent", since="2020-01-15", sup="sup@leeds.example"):
    return f"{name},{email},{number},{kind},{since},{sup}"


GOOD_ROWS = [
    row("Ada Brown", "ada@leeds.example", "SW1"),
    row("Ben Clarke", "ben@leeds.example", "SW22", kind="agency", since="2019-06-01"),
    row("Cara Davies", "cara@leeds.example", "SW123456"),
]


def csv_file(*rows, header=HEADER, name="staff.csv", encoding="utf-8") -> SimpleUploadedFile:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def import_url(la) -> str:
    return reverse("naas:staff_import", kwargs={"la_id": la.pk})


def upload(client, la, upload_file):
    return client.post(import_url(la), {"csv_file": upload_file})


def counts() -> tuple[int, int, int]:
    return SocialWorker.objects.count(), User.objects.count(), AuditEvent.objects.count()


# A good file --------------------------------------------------------------------------------


def test_good_file_creates_workers_and_their_users(lead_client, la, lead, supervisor):
    # given a good staff list
    # when the LA lead uploads it
    response = upload(lead_client, la, csv_file(*GOOD_ROWS))
    # then the lead goes back to the staff list with a success banner
    assert response.status_code == 302
    assert response["Location"] == reverse("naas:staff_list", kwargs={"la_id": la.pk})
    page = lead_client.get(response["Location"])
    body = page.content.decode()
    assert "Staff list imported: 3 added, 0 updated, 0 unchanged" in body
    assert "Ada Brown" in body
    # and each worker is saved with their details
    ben = SocialWorker.objects.select_related("user").get(registration_number="SW22")
    assert ben.user.email == "ben@leeds.example"
    assert ben.user.full_name == "Ben Clarke"
    assert ben.local_authority == la
    assert ben.employment_type == EmploymentType.AGENCY
    assert ben.employed_since == date(2019, 6, 1)
    assert ben.supervisor == supervisor
    assert ben.job_level == Level.PRACTITIONER
    # and their new accounts cannot be signed in to until a password is set
    assert not ben.user.has_usable_password()
    assert SocialWorker.objects.filter(local_authority=la).count() == 3


def test_good_file_writes_one_audit_event_per_worker(lead_client, la, lead, supervisor):
    upload(lead_client, la, csv_file(*GOOD_ROWS))
    events = AuditEvent.objects.filter(action="staff_import.created")
    assert events.count() == 3
    assert {e.actor_id for e in events} == {lead.pk}
    workers = SocialWorker.objects.filter(local_authority=la)
    assert {e.object_id for e in events} == {str(w.pk) for w in workers}


def test_reimporting_the_same_file_changes_nothing(lead_client, la, supervisor):
    # given a file already imported
    upload(lead_client, la, csv_file(*GOOD_ROWS))
    before = counts()
    workers_before = list(SocialWorker.objects.order_by("pk").values())
    # when it is imported again
    response = upload(lead_client, la, csv_file(*GOOD_ROWS))
    # then nothing is added, updated or audited
    assert response.status_code == 302
    page = lead_client.get(response["Location"]).content.decode()
    assert "Staff list imported: 0 added, 0 updated, 3 unchanged" in page
    assert counts() == before
    assert list(SocialWorker.objects.order_by("pk").values()) == workers_before


def test_a_changed_row_updates_the_worker(lead_client, la, supervisor):
    # given an imported file
    upload(lead_client, la, csv_file(*GOOD_ROWS))
    ada = SocialWorker.objects.get(registration_number="SW1")
    second_supervisor = staff_user(Role.SUPERVISOR, la, email="sup2@leeds.example")
    # when Ada's row changes (agency, new start date, name, email and supervisor)
    changed = row(
        "Ada Brown-Evans",
        "ada.evans@leeds.example",
        "SW1",
        kind="agency",
        since="2021-03-01",
        sup="sup2@leeds.example",
    )
    response = upload(lead_client, la, csv_file(changed, *GOOD_ROWS[1:]))
    # then Ada is updated in place, and only she is audited as updated
    assert response.status_code == 302
    page = lead_client.get(response["Location"]).content.decode()
    assert "0 added, 1 updated, 2 unchanged" in page
    ada.refresh_from_db()
    ada.user.refresh_from_db()
    assert ada.employment_type == EmploymentType.AGENCY
    assert ada.employed_since == date(2021, 3, 1)
    assert ada.supervisor == second_supervisor
    assert ada.user.full_name == "Ada Brown-Evans"
    assert ada.user.email == "ada.evans@leeds.example"
    updated = AuditEvent.objects.filter(action="staff_import.updated")
    assert [e.object_id for e in updated] == [str(ada.pk)]


def test_an_optional_level_column_is_read(lead_client, la, supervisor):
    file = csv_file(
        row("Ada Brown", "ada@leeds.example", "SW1") + ",supervisor",
        header=HEADER + ",level",
    )
    assert upload(lead_client, la, file).status_code == 302
    assert SocialWorker.objects.get(registration_number="SW1").job_level == Level.SUPERVISOR


def test_excel_style_file_is_read(lead_client, la, supervisor):
    # given a file saved by a spreadsheet: byte-order mark, capitalised and padded headings,
    # lower-case registration number and employment type, spaces around values
    header = (
        " Full_Name , Email,Registration_Number,Employment_Type,Employed_Since,Supervisor_Email"
    )
    text = (
        "\ufeff"
        + header
        + "\r\n Ada Brown , ADA@Leeds.example ,sw7,Permanent,2020-01-15,SUP@leeds.example\r\n"
    )
    file = SimpleUploadedFile("Staff.CSV", text.encode("utf-8"), content_type="text/csv")
    # when it is uploaded
    response = upload(lead_client, la, file)
    # then it is read and normalised
    assert response.status_code == 302
    worker = SocialWorker.objects.select_related("user").get()
    assert worker.registration_number == "SW7"
    assert worker.user.email == "ada@leeds.example"
    assert worker.user.full_name == "Ada Brown"
    assert worker.employment_type == EmploymentType.PERMANENT


def test_an_existing_user_without_a_worker_record_is_linked(lead_client, la, supervisor):
    user = UserFactory(email="ada@leeds.example", full_name="Ada Brown")
    assert upload(lead_client, la, csv_file(GOOD_ROWS[0])).status_code == 302
    assert SocialWorker.objects.get().user == user


# Each kind of bad row -----------------------------------------------------------------------

today = timezone.localdate()
tomorrow = (today + timedelta(days=1)).isoformat()

BAD_ROWS = [
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW1"),
        "Row 5: Registration number SW1 is also on row 2",
        id="duplicate-registration-number-in-file",
    ),
    pytest.param(
        row("Dan Evans", "ada@leeds.example", "SW9"),
        "Row 5: Email address is also on row 2",
        id="duplicate-email-in-file",
    ),
    pytest.param(
        row("Dan Evans", "held@elsewhere.example", "SW9"),
        "Row 5: The email address belongs to another social worker",
        id="email-of-another-social-worker",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW900"),
        "Row 5: SW900 is employed by another local authority",
        id="registration-number-employed-by-another-la",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="2024-02-30"),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="impossible-date",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="15/01/2020"),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="date-in-the-wrong-format",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since=""),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="missing-date",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since=tomorrow),
        "Row 5: Start date must be today or in the past",
        id="future-date",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", sup="nobody@leeds.example"),
        "Row 5: No supervisor at Leeds has that email address",
        id="unknown-supervisor-email",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", sup="sup@bury.example"),
        "Row 5: No supervisor at Leeds has that email address",
        id="supervisor-from-another-la",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", sup="lead@leeds.example"),
        "Row 5: No supervisor at Leeds has that email address",
        id="supervisor-email-of-someone-who-is-not-a-supervisor",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", kind="contractor"),
        "Row 5: Employment type must be permanent or agency",
        id="invalid-employment-type",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW1234567"),
        "Row 5: Enter a registration number like SW123 (SW then 1 to 6 digits)",
        id="registration-number-too-long",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "XY12"),
        "Row 5: Enter a registration number like SW123 (SW then 1 to 6 digits)",
        id="registration-number-wrong-prefix",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", ""),
        "Row 5: Enter a registration number like SW123 (SW then 1 to 6 digits)",
        id="missing-registration-number",
    ),
    pytest.param(
        row("Dan Evans", "not-an-email", "SW9"),
        "Row 5: Enter an email address in the correct format, like name@example.org",
        id="invalid-email",
    ),
    pytest.param(
        row("", "dan@leeds.example", "SW9"),
        "Row 5: Enter the full name",
        id="missing-name",
    ),
    pytest.param(
        row("D" * 201, "dan@leeds.example", "SW9"),
        "Row 5: The full name must be 200 characters or fewer",
        id="name-too-long",
    ),
    pytest.param(
        row("Dan Evans", "sup@leeds.example", "SW9"),
        "Row 5: A social worker cannot be their own supervisor",
        id="own-supervisor",
    ),
    pytest.param(
        "Dan Evans,dan@leeds.example",
        "Row 5: Enter a registration number like SW123",
        id="short-row",
    ),
]


@pytest.mark.parametrize(("bad_row", "message"), BAD_ROWS)
def test_each_bad_row_is_listed_and_nothing_is_saved(
    lead_client, la, supervisor, other_supervisor, other_la, bad_row, message
):
    # given another LA's worker, and a social worker elsewhere holding an email address
    SocialWorkerFactory(registration_number="SW900", local_authority=other_la)
    SocialWorkerFactory(
        registration_number="SW901",
        local_authority=other_la,
        user=UserFactory(email="held@elsewhere.example"),
    )
    before = counts()
    # when the lead uploads three good rows and one bad one
    response = upload(lead_client, la, csv_file(*GOOD_ROWS, bad_row))
    body = response.content.decode()
    # then the page lists the bad row and why, in the error summary
    assert response.status_code == 400
    assert "govuk-error-summary" in body
    assert "The staff list has 1 row with problems" in body
    assert "Nothing has been imported" in body
    assert message in body
    # and nothing at all is saved
    assert counts() == before
    assert not SocialWorker.objects.filter(local_authority=la).exists()


def test_every_bad_row_is_listed_with_all_its_problems(lead_client, la, supervisor):
    file = csv_file(
        GOOD_ROWS[0],
        row("", "bad", "SW1", kind="temp", since="never", sup="x@y.example"),
        row("Ed Fox", "ed@leeds.example", "SW8", since="2031-01-01"),
    )
    response = upload(lead_client, la, file)
    body = response.content.decode()
    assert response.status_code == 400
    assert "The staff list has 2 rows with problems" in body
    assert (
        "Row 3: Enter the full name; enter an email address in the correct format, like "
        "name@example.org; registration number SW1 is also on row 2; employment type must "
        "be permanent or agency; start date must be a real date in the format YYYY-MM-DD; "
        "no supervisor at Leeds has that email address"
    ) in body
    assert "Row 4: Start date must be today or in the past" in body
    assert SocialWorker.objects.count() == 0


def test_changing_a_workers_email_to_another_users_email_is_refused(lead_client, la, supervisor):
    # given an imported worker, and a member of staff who is not a social worker
    upload(lead_client, la, csv_file(*GOOD_ROWS))
    staff_user(Role.DFE, email="dee@dfe.example")
    before = counts()
    # when the worker's row is changed to that person's email address
    response = upload(lead_client, la, csv_file(row("Ada Brown", "dee@dfe.example", "SW1")))
    # then the row is refused (no server error) and nothing changes
    assert response.status_code == 400
    assert "Row 2: The email address belongs to someone else in the service" in (
        response.content.decode()
    )
    assert counts() == before
    assert SocialWorker.objects.get(registration_number="SW1").user.email == "ada@leeds.example"


# A file that cannot be read -----------------------------------------------------------------


def _assert_refused(response, message):
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert message in body
    assert "<title>Error: " in body
    assert SocialWorker.objects.count() == 0


def test_missing_columns_are_named(lead_client, la, supervisor):
    header = "full_name,email,registration_number,employment_type"
    file = csv_file("Ada Brown,ada@leeds.example,SW1,permanent", header=header)
    _assert_refused(
        upload(lead_client, la, file),
        "The selected file is missing the columns employed_since, supervisor_email",
    )


def test_one_missing_column_is_named(lead_client, la, supervisor):
    header = HEADER.replace(",supervisor_email", "")
    file = csv_file("Ada Brown,ada@leeds.example,SW1,permanent,2020-01-01", header=header)
    _assert_refused(
        upload(lead_client, la, file), "The selected file is missing the column supervisor_email"
    )


def test_a_binary_file_is_refused(lead_client, la, supervisor):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    file = SimpleUploadedFile("staff.csv", png, content_type="text/csv")
    _assert_refused(upload(lead_client, la, file), "The selected file must be a CSV")


def test_a_utf16_file_is_refused(lead_client, la, supervisor):
    # (UTF-16 is full of zero bytes, so it is treated like any other binary file)
    file = csv_file(row("Zoë Brontë", "zoe@leeds.example", "SW1"), encoding="utf-16")
    _assert_refused(upload(lead_client, la, file), "The selected file must be a CSV")


def test_a_latin1_file_is_refused(lead_client, la, supervisor):
    file = csv_file(row("Zoë Brontë", "zoe@leeds.example", "SW1"), encoding="latin-1")
    _assert_refused(upload(lead_client, la, file), "The selected file must be a CSV saved as UTF-8")


def test_an_empty_file_is_refused(lead_client, la, supervisor):
    file = SimpleUploadedFile("staff.csv", b"", content_type="text/csv")
    _assert_refused(upload(lead_client, la, file), "The selected file is empty")


def test_a_file_with_only_headings_is_refused(lead_client, la, supervisor):
    _assert_refused(upload(lead_client, la, csv_file()), "The selected file has no rows of staff")


@override_settings(NAAS_MAX_UPLOAD_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(lead_client, la, supervisor):
    _assert_refused(
        upload(lead_client, la, csv_file(*GOOD_ROWS)),
        "The selected file must be smaller than 100 bytes",
    )


def test_the_size_limit_is_written_in_megabytes(lead_client, la, supervisor, settings):
    settings.NAAS_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = csv_file(*GOOD_ROWS, "x" * (2 * 1024 * 1024))
    _assert_refused(upload(lead_client, la, big), "The selected file must be smaller than 2MB")


def test_a_file_not_named_csv_is_refused(lead_client, la, supervisor):
    _assert_refused(
        upload(lead_client, la, csv_file(*GOOD_ROWS, name="staff.xlsx")),
        "The selected file must be a CSV",
    )


def test_no_file_selected(lead_client, la, supervisor):
    _assert_refused(lead_client.post(import_url(la), {}), "Select a CSV file")


def test_a_file_with_too_many_rows_is_refused(lead_client, la, supervisor):
    with mock.patch("naas.staff_csv.MAX_ROWS", 2):
        response = upload(lead_client, la, csv_file(*GOOD_ROWS))
    _assert_refused(response, "The selected file must have no more than 2 rows")


def test_a_field_too_large_for_csv_is_refused(lead_client, la, supervisor):
    file = csv_file(row("Ada Brown", "ada@leeds.example", "SW1") + ',"' + "x" * 200_000 + '"')
    _assert_refused(upload(lead_client, la, file), "could not be read as a CSV")


def test_a_failure_while_saving_leaves_nothing_half_saved(lead_client, la, supervisor):
    # given the audit trail fails after the workers were written
    with (
        mock.patch("naas.services.audit_events_record_many", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        upload(lead_client, la, csv_file(*GOOD_ROWS))
    # then the transaction rolled back every worker and user it made
    assert SocialWorker.objects.count() == 0
    assert not User.objects.filter(email="ada@leeds.example").exists()


# Who may import -----------------------------------------------------------------------------


def test_the_import_page_shows_the_form(lead_client, la):
    response = lead_client.get(import_url(la))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Import a staff list" in body
    assert 'type="file"' in body
    assert "Leeds" in body


def test_a_lead_can_never_import_into_another_la(lead_client, other_la, other_supervisor):
    # given a lead of Leeds, and a file that would be good for Bury
    file = csv_file(row("Ada Brown", "ada@bury.example", "SW1", sup="sup@bury.example"))
    before = counts()
    # when the lead opens or posts to Bury's import page
    get = lead_client.get(import_url(other_la))
    post = upload(lead_client, other_la, file)
    # then both are refused, and nothing is saved
    assert get.status_code == 403
    assert post.status_code == 403
    assert counts() == before


def test_a_lead_of_two_las_can_import_into_both(client, la, other_la, supervisor, other_supervisor):
    lead = staff_user(Role.LA_LEAD, la)
    lead.staff_roles.create(role=Role.LA_LEAD, local_authority=other_la)
    client.force_login(lead)
    file = csv_file(row("Ada Brown", "ada@bury.example", "SW1", sup="sup@bury.example"))
    assert upload(client, other_la, file).status_code == 302
    assert SocialWorker.objects.get().local_authority == other_la


@pytest.mark.parametrize(
    "role", [Role.SUPERVISOR, Role.ASSESSOR, Role.MODERATOR, Role.ADMINISTRATOR, Role.DFE]
)
def test_other_roles_cannot_import(client, la, supervisor, role):
    # given a user with another role, even in the same LA
    client.force_login(staff_user(role, la))
    # when they open or post to the import page
    # then they are refused and nothing is saved
    assert client.get(import_url(la)).status_code == 403
    assert upload(client, la, csv_file(*GOOD_ROWS)).status_code == 403
    assert SocialWorker.objects.count() == 0


def test_a_social_worker_cannot_import(client, la, supervisor):
    client.force_login(SocialWorkerFactory(local_authority=la).user)
    assert upload(client, la, csv_file(*GOOD_ROWS)).status_code == 403
    assert SocialWorker.objects.count() == 1


def test_anonymous_upload_goes_to_sign_in(client, la, supervisor):
    response = upload(client, la, csv_file(*GOOD_ROWS))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert SocialWorker.objects.count() == 0


def test_import_into_an_la_that_does_not_exist(lead_client):
    assert (
        lead_client.get(reverse("naas:staff_import", kwargs={"la_id": 999_999})).status_code == 404
    )
