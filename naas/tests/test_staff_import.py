"""An LA lead's staff list import: every row checked, shown before it applies, all or nothing,
idempotent, own LA only."""

import hashlib
import re
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from naas.models import AuditEvent, EmploymentType, Level, Role, SocialWorker, User
from naas.notify.models import NotifyMessage
from naas.tests.factories import (
    LocalAuthorityFactory,
    SocialWorkerFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London"))
RANGE = "Start date must be between 1 January 1960 and 15 June 2026"

HEADER = "full_name,email,registration_number,employment_type,employed_since,supervisor_email"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


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
    return staff_user(Role.SUPERVISOR, la, email="sup@leeds.example", full_name="Sam Super")


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


def csv_text(*rows, header=HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def csv_file(*rows, header=HEADER, name="staff.csv", encoding="utf-8") -> SimpleUploadedFile:
    text = csv_text(*rows, header=header)
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def import_url(la) -> str:
    return reverse("naas:staff_import", kwargs={"la_id": la.pk})


def upload(client, la, upload_file):
    return client.post(import_url(la), {"csv_file": upload_file})


def preview(client, la, upload_file) -> tuple[str, str]:
    """Upload a good file; return the preview's URL and its page."""
    response = upload(client, la, upload_file)
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    assert url.startswith(import_url(la))
    page = client.get(url)
    assert page.status_code == 200
    return url, page.content.decode()


def confirm(client, url):
    return client.post(url)


def import_file(client, la, upload_file) -> str:
    """Upload, check and confirm a good file; return the confirmation page."""
    url, body = preview(client, la, upload_file)
    assert "Confirm and apply" in body
    response = confirm(client, url)
    assert response.status_code == 302
    assert response["Location"] == url + "done/"
    done = client.get(response["Location"])
    assert done.status_code == 200
    return done.content.decode()


def counts() -> tuple[int, int, int]:
    return SocialWorker.objects.count(), User.objects.count(), AuditEvent.objects.count()


# A good file --------------------------------------------------------------------------------


def test_good_file_is_previewed_then_creates_workers_and_their_users(
    lead_client, la, lead, supervisor
):
    # given a good staff list
    before = counts()
    # when the LA lead uploads it
    url, body = preview(lead_client, la, csv_file(*GOOD_ROWS))
    # then they see every new person and the counts, and nothing is saved yet
    assert "Check the staff list before you import it" in body
    assert '<dd class="govuk-summary-list__value" id="count-new">3</dd>' in body
    assert '<dd class="govuk-summary-list__value" id="count-changed">0</dd>' in body
    assert "Ben Clarke" in body and "ben@leeds.example" in body and "1 June 2019" in body
    assert "Agency" in body
    assert counts() == before
    # when they confirm
    response = confirm(lead_client, url)
    done = lead_client.get(response["Location"]).content.decode()
    # then a confirmation page gives the counts
    assert "govuk-panel--confirmation" in done
    assert "Staff list imported: 3 added, 0 updated, 0 unchanged" in done
    assert "Ada Brown" in lead_client.get(reverse("naas:staff_list", args=[la.pk])).content.decode()
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


def test_good_file_writes_one_audit_event_per_worker_and_a_summary(
    lead_client, la, lead, supervisor
):
    file = csv_file(*GOOD_ROWS)
    digest = hashlib.sha256(csv_text(*GOOD_ROWS).encode()).hexdigest()
    import_file(lead_client, la, file)
    events = AuditEvent.objects.filter(action="staff_import.created")
    assert events.count() == 3
    assert {e.actor_id for e in events} == {lead.pk}
    workers = SocialWorker.objects.filter(local_authority=la)
    assert {e.object_id for e in events} == {str(w.pk) for w in workers}
    ben = SocialWorker.objects.get(registration_number="SW22")
    detail = events.get(object_id=str(ben.pk)).detail
    assert detail["full_name"] == "Ben Clarke"
    assert detail["email"] == "ben@leeds.example"
    assert detail["registration_number"] == "SW22"
    assert detail["employment_type"] == "agency"
    assert detail["employed_since"] == "2019-06-01"
    assert detail["supervisor_email"] == "sup@leeds.example"
    assert detail["row"] == 3
    summary = AuditEvent.objects.get(action="staff_import.applied")
    assert summary.subject == la
    assert summary.actor == lead
    assert summary.detail["file_sha256"] == digest
    assert summary.detail["import_id"] == detail["import_id"]
    assert (summary.detail["created"], summary.detail["updated"], summary.detail["unchanged"]) == (
        3,
        0,
        0,
    )


def test_reimporting_the_same_file_changes_nothing(lead_client, la, supervisor):
    # given a file already imported
    import_file(lead_client, la, csv_file(*GOOD_ROWS))
    before = counts()
    workers_before = list(SocialWorker.objects.order_by("pk").values())
    # when it is uploaded again
    _, body = preview(lead_client, la, csv_file(*GOOD_ROWS))
    # then the preview says there is nothing to change and offers nothing to confirm
    assert '<dd class="govuk-summary-list__value" id="count-unchanged">3</dd>' in body
    assert "There is nothing to change" in body
    assert "Confirm and apply" not in body
    assert counts() == before
    assert list(SocialWorker.objects.order_by("pk").values()) == workers_before


def test_a_changed_row_is_previewed_field_by_field_then_updates_the_worker(
    lead_client, la, supervisor
):
    # given an imported file
    import_file(lead_client, la, csv_file(*GOOD_ROWS))
    ada = SocialWorker.objects.get(registration_number="SW1")
    staff_user(Role.SUPERVISOR, la, email="sup2@leeds.example")
    # when Ada's row changes (agency, new start date, name, supervisor and level)
    changed = row(
        "Ada Brown-Evans",
        "ada@leeds.example",
        "SW1",
        kind="agency",
        since="2021-03-01",
        sup="sup2@leeds.example",
    )
    file = csv_file(
        changed + ",leader", *(r + "," for r in GOOD_ROWS[1:]), header=HEADER + ",level"
    )
    before = counts()
    url, body = preview(lead_client, la, file)
    # then the preview shows each change, before and after, and nothing changes yet
    assert '<dd class="govuk-summary-list__value" id="count-changed">1</dd>' in body
    assert '<dd class="govuk-summary-list__value" id="count-unchanged">2</dd>' in body
    for label, old, new in [
        ("Full name", "Ada Brown", "Ada Brown-Evans"),
        ("Employment type", "Permanent", "Agency"),
        ("Employed since", "15 January 2020", "1 March 2021"),
        ("Supervisor", "sup@leeds.example", "sup2@leeds.example"),
        ("Level", "Approved child and family practitioner", "Practice leader"),
    ]:
        assert (
            f'<th scope="row" class="govuk-table__header">{label}</th>\n'
            f'    <td class="govuk-table__cell">{old}</td>\n'
            f'    <td class="govuk-table__cell">{new}</td>'
        ) in body
    assert counts() == before
    # when the lead confirms
    done = confirm(lead_client, url)
    page = lead_client.get(done["Location"]).content.decode()
    # then Ada is updated in place, and only she is audited as updated, with before and after
    assert "0 added, 1 updated, 2 unchanged" in page
    ada.refresh_from_db()
    ada.user.refresh_from_db()
    assert ada.employment_type == EmploymentType.AGENCY
    assert ada.employed_since == date(2021, 3, 1)
    assert ada.supervisor.email == "sup2@leeds.example"
    assert ada.job_level == Level.LEADER
    assert ada.user.full_name == "Ada Brown-Evans"
    assert ada.user.email == "ada@leeds.example"
    updated = AuditEvent.objects.filter(action="staff_import.updated")
    assert [e.object_id for e in updated] == [str(ada.pk)]
    assert updated.get().detail["changes"] == {
        "full_name": {"before": "Ada Brown", "after": "Ada Brown-Evans"},
        "employment_type": {"before": "permanent", "after": "agency"},
        "employed_since": {"before": "2020-01-15", "after": "2021-03-01"},
        "supervisor_email": {"before": "sup@leeds.example", "after": "sup2@leeds.example"},
        "level": {"before": "practitioner", "after": "leader"},
    }
    assert counts()[2] == before[2] + 2  # one update, one summary


def test_a_rename_and_new_start_date_are_audited_and_the_past_keeps_the_old_name(
    lead_client, la, supervisor
):
    # given Ada, imported once
    import_file(lead_client, la, csv_file(GOOD_ROWS[0]))
    ada = SocialWorker.objects.get(registration_number="SW1")
    # when her registration number is imported with another name and a later start date
    import_file(
        lead_client, la, csv_file(row("Ada Green", "ada@leeds.example", "SW1", since="2026-01-05"))
    )
    # then the change is recorded with what it was and what it became
    ada.refresh_from_db()
    assert ada.user.full_name == "Ada Green"
    assert ada.employed_since == date(2026, 1, 5)
    event = AuditEvent.objects.for_object(ada).get(action="staff_import.updated")
    assert event.detail["changes"] == {
        "full_name": {"before": "Ada Brown", "after": "Ada Green"},
        "employed_since": {"before": "2020-01-15", "after": "2026-01-05"},
    }
    # and the event that created her still says who she was then
    created = AuditEvent.objects.for_object(ada).get(action="staff_import.created")
    assert created.detail["full_name"] == "Ada Brown"
    assert created.detail["employed_since"] == "2020-01-15"


def test_changing_a_workers_email_is_refused(lead_client, la, supervisor):
    # given an imported worker
    import_file(lead_client, la, csv_file(*GOOD_ROWS))
    before = counts()
    # when her row comes with a new email address
    response = upload(lead_client, la, csv_file(row("Ada Brown", "ada.new@leeds.example", "SW1")))
    # then the row is refused, saying that people change their own email address
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "Row 2: Registration number SW1 belongs to one of your social workers with a different "
        "email address: an import cannot change an email address, the person changes their own"
    ) in body
    assert "<code>registration_number</code>" in body
    assert counts() == before
    assert SocialWorker.objects.get(registration_number="SW1").user.email == "ada@leeds.example"


def test_an_optional_level_column_is_read(lead_client, la, supervisor):
    file = csv_file(
        row("Ada Brown", "ada@leeds.example", "SW1") + ",supervisor",
        header=HEADER + ",level",
    )
    import_file(lead_client, la, file)
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
    # when it is uploaded and confirmed
    import_file(lead_client, la, file)
    # then it is read and normalised
    worker = SocialWorker.objects.select_related("user").get()
    assert worker.registration_number == "SW7"
    assert worker.user.email == "ada@leeds.example"
    assert worker.user.full_name == "Ada Brown"
    assert worker.employment_type == EmploymentType.PERMANENT


def test_an_existing_account_is_never_linked_to_a_new_worker(lead_client, la, supervisor):
    # given someone who already has an account in the service, but no worker record
    user = UserFactory(email="ada@leeds.example", full_name="Ada Brown")
    before = counts()
    # when a row names their email address with a new registration number
    response = upload(lead_client, la, csv_file(GOOD_ROWS[0]))
    # then the row is refused: an import only makes new accounts
    assert response.status_code == 400
    assert "Row 2: The email address is already used by another account in the service" in (
        response.content.decode()
    )
    assert counts() == before
    assert not SocialWorker.objects.filter(user=user).exists()


# Identity: no row may take over another account (issue 11) ---------------------------------

ATTACKER = "mallory@attacker.example"


def _superuser(la, other_la):
    return UserFactory(
        email="root@naas.example", full_name="Rita Root", is_staff=True, is_superuser=True
    )


def _dfe(la, other_la):
    return staff_user(Role.DFE, email="dee@dfe.example", full_name="Dee Fenton")


def _other_la_lead(la, other_la):
    return staff_user(Role.LA_LEAD, other_la, email="lead@bury.example", full_name="Len Bury")


def _other_la_worker(la, other_la):
    user = UserFactory(email="wendy@bury.example", full_name="Wendy Bury")
    SocialWorkerFactory(user=user, local_authority=other_la, registration_number="SW900")
    return user


def _is_staff(la, other_la):
    return UserFactory(email="back@naas.example", full_name="Bea Office", is_staff=True)


def _this_la_supervisor(la, other_la):
    return staff_user(Role.SUPERVISOR, la, email="sup2@leeds.example", full_name="Sue Visor")


VICTIMS = [
    pytest.param(_superuser, id="superuser"),
    pytest.param(_dfe, id="dfe-staff"),
    pytest.param(_other_la_lead, id="another-las-lead"),
    pytest.param(_other_la_worker, id="another-las-worker"),
    pytest.param(_is_staff, id="is-staff"),
    pytest.param(_this_la_supervisor, id="this-las-supervisor"),
]


def _identity(user: User):
    user.refresh_from_db()
    return (
        user.email,
        user.full_name,
        user.password,
        user.is_staff,
        user.is_superuser,
        sorted(user.staff_roles.values_list("role", "local_authority_id")),
    )


def _world():
    return (
        counts(),
        list(SocialWorker.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "email", "full_name", "is_staff")),
    )


@pytest.mark.parametrize("make_victim", VICTIMS)
def test_an_import_cannot_take_over_another_account(
    lead_client, la, other_la, supervisor, make_victim, django_capture_on_commit_callbacks
):
    # given an account that is not one of this LA's workers, and a Leeds worker the attacker owns
    victim = make_victim(la, other_la)
    import_file(lead_client, la, csv_file(row("Mal Lory", ATTACKER, "SW5")))
    identity, world = _identity(victim), _world()
    attempts = [
        # the victim's email address with a new registration number (attach a worker to them)
        row("Mal Lory", victim.email, "SW777"),
        # the same in another case
        row("Mal Lory", victim.email.upper(), "SW778"),
        # the attacker's worker re-addressed to the victim's email
        row("Mal Lory", victim.email, "SW5"),
    ]
    if hasattr(victim, "social_worker"):
        # the victim's own registration number, with the attacker's email address
        attempts.append(row("Mal Lory", "mallory2@attacker.example", "SW900"))
        attempts.append(row("Mal Lory", ATTACKER, "SW900"))
    for attempt in attempts:
        # when the LA lead uploads the row
        response = upload(lead_client, la, csv_file(attempt))
        # (random CSRF tokens and nonces can spell "DfE" by chance: leave attribute values out)
        body = re.sub(r'(value|nonce)="[^"]*"', "", response.content.decode())
        # then it is refused with a row error that does not say whose account it is
        assert response.status_code == 400, attempt
        assert "Row 2: " in body and "Nothing has been imported" in body
        assert victim.full_name not in body
        assert "superuser" not in body.lower() and "DfE" not in body
        # and nothing about anyone has changed, and nothing was audited
        assert _identity(victim) == identity
        assert _world() == world
    # and asking for a password link for the attacker's addresses reaches no one but the attacker
    NotifyMessage.objects.all().delete()
    lead_client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(reverse("password_reset"), {"email": ATTACKER})
    sent = NotifyMessage.objects.get()
    assert sent.recipient.email == ATTACKER
    assert victim.email not in str(sent.personalisation)


@pytest.mark.parametrize("make_victim", VICTIMS)
def test_the_takeover_fails_at_confirm_too(lead_client, la, other_la, supervisor, make_victim):
    # given a preview of a new person, whose email address an account then takes
    url, _ = preview(lead_client, la, csv_file(row("Mal Lory", "new@leeds.example", "SW777")))
    victim = make_victim(la, other_la)
    User.objects.filter(pk=victim.pk).update(email="new@leeds.example")
    identity, world = _identity(victim), _world()
    # when the lead confirms
    response = confirm(lead_client, url)
    # then the row is refused, and nothing changed
    assert response.status_code == 400
    assert "Row 2: The email address is already used by another account" in (
        response.content.decode()
    )
    assert _identity(victim) == identity
    assert _world() == world


def test_a_worker_with_a_staff_role_cannot_be_changed_by_an_import(lead_client, la, supervisor):
    # given a Leeds worker who is also a Leeds supervisor
    user = staff_user(Role.SUPERVISOR, la, email="sue@leeds.example", full_name="Sue Visor")
    SocialWorkerFactory(
        user=user,
        local_authority=la,
        registration_number="SW40",
        employed_since=date(2020, 1, 15),
        supervisor=supervisor,
    )
    identity, world = _identity(user), _world()
    # when a row with her registration number and email address is unchanged, it is accepted
    _, body = preview(lead_client, la, csv_file(row("Sue Visor", "sue@leeds.example", "SW40")))
    assert '<dd class="govuk-summary-list__value" id="count-unchanged">1</dd>' in body
    # but when it would rename her or move her start date, it is refused
    for attempt in [
        row("Sue Evil", "sue@leeds.example", "SW40"),
        row("Sue Visor", "sue@leeds.example", "SW40", since="2025-01-01"),
    ]:
        response = upload(lead_client, la, csv_file(attempt))
        assert response.status_code == 400
        assert "Row 2: This person also has a staff account, so an import cannot change" in (
            response.content.decode()
        )
    assert _identity(user) == identity
    assert _world() == world


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_worker_whose_account_has_admin_powers_cannot_be_changed(
    lead_client, la, supervisor, flag
):
    user = UserFactory(email="pat@leeds.example", full_name="Pat Power", **{flag: True})
    SocialWorkerFactory(
        user=user, local_authority=la, registration_number="SW41", supervisor=supervisor
    )
    identity, world = _identity(user), _world()
    response = upload(lead_client, la, csv_file(row("Pat Pwned", "pat@leeds.example", "SW41")))
    assert response.status_code == 400
    assert "This person also has a staff account" in response.content.decode()
    assert _identity(user) == identity
    assert _world() == world


# The preview and the confirm -----------------------------------------------------------------


def test_the_plan_is_checked_again_on_confirm_and_a_new_plan_is_shown(lead_client, la, supervisor):
    # given Ada, and a preview of a change to her name
    import_file(lead_client, la, csv_file(GOOD_ROWS[0]))
    ada = SocialWorker.objects.get(registration_number="SW1")
    url, body = preview(lead_client, la, csv_file(row("Ada Green", "ada@leeds.example", "SW1")))
    assert "Ada Brown" in body and "Ada Green" in body
    # when her start date is corrected in the back office before the lead confirms
    SocialWorker.objects.filter(pk=ada.pk).update(employed_since=date(2018, 9, 1))
    before = counts()
    response = confirm(lead_client, url)
    body = response.content.decode()
    # then nothing is applied; the new plan is shown instead (the start date now changes too)
    assert response.status_code == 200
    assert "Your staff records changed after you checked this file" in body
    assert "1 September 2018" in body and "15 January 2020" in body
    assert counts() == before
    ada.refresh_from_db()
    assert ada.user.full_name == "Ada Brown"
    # and confirming the plan now shown applies it
    response = confirm(lead_client, url)
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.user.full_name == "Ada Green"
    assert ada.employed_since == date(2020, 1, 15)
    event = AuditEvent.objects.for_object(ada).get(action="staff_import.updated")
    assert event.detail["changes"]["employed_since"] == {
        "before": "2018-09-01",
        "after": "2020-01-15",
    }


def test_a_row_that_became_bad_before_confirm_is_refused(lead_client, la, supervisor):
    # given a preview of three new people
    url, _ = preview(lead_client, la, csv_file(*GOOD_ROWS))
    # when Ben's registration number is given to someone at another LA meanwhile
    SocialWorkerFactory(registration_number="SW22", local_authority=LocalAuthorityFactory())
    before = counts()
    response = confirm(lead_client, url)
    # then the import is refused, all or nothing
    assert response.status_code == 400
    assert "Row 3: SW22 is employed by another local authority" in response.content.decode()
    assert counts() == before
    # and the upload is gone: confirming again finds nothing to apply
    assert confirm(lead_client, url).status_code == 404
    assert counts() == before


def test_a_replayed_confirm_applies_once_and_shows_the_result(lead_client, la, supervisor):
    # given a confirmed import
    url, _ = preview(lead_client, la, csv_file(*GOOD_ROWS))
    confirm(lead_client, url)
    after_first = counts()
    # when the confirm is sent again (a second click, the browser's resend)
    response = confirm(lead_client, url)
    body = response.content.decode()
    # then nothing is applied twice, and the result already applied is shown
    assert response.status_code == 200
    assert "This staff list was already imported" in body
    assert "Staff list imported: 3 added, 0 updated, 0 unchanged" in body
    assert counts() == after_first
    assert AuditEvent.objects.filter(action="staff_import.applied").count() == 1


def test_a_replay_that_the_session_missed_is_caught_by_the_database(lead_client, la, supervisor):
    # given an upload previewed, whose pending state is copied (a racing request's session)
    url, _ = preview(lead_client, la, csv_file(*GOOD_ROWS))
    pending = dict(lead_client.session["naas.staff_imports"])
    confirm(lead_client, url)
    after_first = counts()
    session = lead_client.session
    session["naas.staff_imports"] = pending
    session.save()
    # when the stale copy confirms
    response = confirm(lead_client, url)
    # then the import is not applied twice
    assert response.status_code == 200
    assert "This staff list was already imported" in response.content.decode()
    assert counts() == after_first


def test_nothing_changes_before_confirm_and_an_unconfirmed_upload_is_forgotten(
    lead_client, la, supervisor
):
    before = counts()
    url, _ = preview(lead_client, la, csv_file(*GOOD_ROWS))
    assert counts() == before
    # the done page of an unconfirmed upload goes back to its preview
    done = lead_client.get(url + "done/")
    assert done.status_code == 302 and done["Location"] == url
    assert counts() == before


def test_an_unknown_or_expired_upload_is_explained(lead_client, la, supervisor):
    url = reverse("naas:staff_import_check", kwargs={"la_id": la.pk, "token": "no-such-upload"})
    before = counts()
    for response in (lead_client.get(url), lead_client.post(url)):
        assert response.status_code == 404
        assert "This staff list upload has expired" in response.content.decode()
    assert counts() == before


def test_a_new_upload_replaces_one_still_waiting(lead_client, la, supervisor):
    first, _ = preview(lead_client, la, csv_file(GOOD_ROWS[0]))
    second, _ = preview(lead_client, la, csv_file(GOOD_ROWS[1]))
    before = counts()
    assert confirm(lead_client, first).status_code == 404
    assert counts() == before
    assert confirm(lead_client, second).status_code == 302
    assert list(SocialWorker.objects.values_list("registration_number", flat=True)) == ["SW22"]


def test_only_the_columns_the_service_reads_are_kept(lead_client, la, supervisor):
    file = csv_file(GOOD_ROWS[0] + ",private note", header=HEADER + ",notes")
    url, _ = preview(lead_client, la, file)
    token = url.rstrip("/").rsplit("/", 1)[1]
    kept = lead_client.session["naas.staff_imports"][token]["records"]
    assert set(kept["columns"]) == {*HEADER.split(","), "_row"}  # "_row": the row's number
    assert "private note" not in str(kept)
    assert confirm(lead_client, url).status_code == 302


def test_an_upload_cannot_be_confirmed_for_another_la(client, la, other_la, supervisor):
    # given a lead of two LAs who previews a Leeds file
    lead = staff_user(Role.LA_LEAD, la)
    lead.staff_roles.create(role=Role.LA_LEAD, local_authority=other_la)
    client.force_login(lead)
    url, _ = preview(client, la, csv_file(*GOOD_ROWS))
    token = url.rstrip("/").rsplit("/", 1)[1]
    before = counts()
    # when they confirm it against Bury
    other = reverse("naas:staff_import_check", kwargs={"la_id": other_la.pk, "token": token})
    # then it is not found, and nothing is saved
    assert client.post(other).status_code == 404
    assert counts() == before


def test_another_user_cannot_confirm_a_leads_upload(lead_client, la, supervisor):
    url, _ = preview(lead_client, la, csv_file(*GOOD_ROWS))
    other = Client()
    other.force_login(staff_user(Role.LA_LEAD, la))
    before = counts()
    assert other.post(url).status_code == 404  # an upload lives in its uploader's session
    assert counts() == before


def test_a_failure_while_saving_leaves_nothing_half_saved(lead_client, la, supervisor):
    url, _ = preview(lead_client, la, csv_file(*GOOD_ROWS))
    before = counts()
    # given the audit trail fails after the workers were written
    with (
        mock.patch("naas.services._staff_import_audit", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        confirm(lead_client, url)
    # then the transaction rolled back every worker and user it made
    assert counts() == before
    assert not User.objects.filter(email="ada@leeds.example").exists()


# Each kind of bad row -----------------------------------------------------------------------

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
        "Row 5: The email address is already used by another account in the service",
        id="email-of-another-social-worker",
    ),
    pytest.param(
        row("Dan Evans", "lead@leeds.example", "SW9"),
        "Row 5: The email address is already used by another account in the service",
        id="email-of-this-las-lead",
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
        row("Dan Evans", "dan@leeds.example", "SW9", since="2024-02-31"),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="31-february",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="31/02/2024"),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="31/02-in-the-wrong-format",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="15/01/2020"),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="date-in-the-wrong-format",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="20200115"),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="date-without-dashes",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="2020-W03-1"),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="iso-week-date",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since=""),
        "Row 5: Start date must be a real date in the format YYYY-MM-DD",
        id="missing-date",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="2026-06-16"),
        f"Row 5: {RANGE}",
        id="tomorrow",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="9999-12-31"),
        f"Row 5: {RANGE}",
        id="year-9999",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="0001-01-01"),
        f"Row 5: {RANGE}",
        id="year-1",
    ),
    pytest.param(
        row("Dan Evans", "dan@leeds.example", "SW9", since="1959-12-31"),
        f"Row 5: {RANGE}",
        id="day-before-the-earliest",
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
        "Row 5: The email address is already used by another account in the service; a social "
        "worker cannot be their own supervisor",
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
    assert "<title>Error: " in body
    assert "govuk-error-summary" in body
    assert "The staff list has 1 row with problems" in body
    assert "Nothing has been imported" in body
    assert message in body
    # and nothing at all is saved
    assert counts() == before
    assert not SocialWorker.objects.filter(local_authority=la).exists()


@pytest.mark.parametrize("since", ["1960-01-01", "2026-06-15"])
def test_the_ends_of_the_employment_date_range_are_accepted(lead_client, la, supervisor, since):
    import_file(
        lead_client, la, csv_file(row("Ada Brown", "ada@leeds.example", "SW1", since=since))
    )
    assert SocialWorker.objects.get().employed_since == date.fromisoformat(since)


def test_every_bad_row_is_listed_with_all_its_problems_and_their_columns(
    lead_client, la, supervisor
):
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
    assert f"Row 4: {RANGE}" in body
    # the table gives one line per problem, with its column
    for column in [
        "full_name",
        "email",
        "registration_number",
        "employment_type",
        "employed_since",
        "supervisor_email",
    ]:
        assert f"<code>{column}</code>" in body
    assert SocialWorker.objects.count() == 0


# A file that cannot be read -----------------------------------------------------------------


def _assert_refused(response, message):
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert message in body
    assert "<title>Error: " in body
    assert SocialWorker.objects.count() == 0
    assert AuditEvent.objects.count() == 0


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


def test_wrong_headings_are_refused(lead_client, la, supervisor):
    file = csv_file(
        "Ada Brown,ada@leeds.example,SW1,permanent,2020-01-01,sup@leeds.example",
        header="name,mail,number,type,start,manager",
    )
    _assert_refused(
        upload(lead_client, la, file),
        "The selected file is missing the columns full_name, email, registration_number, "
        "employment_type, employed_since, supervisor_email",
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


def test_a_heading_too_large_for_csv_is_refused(lead_client, la, supervisor):
    file = csv_file(row("Ada Brown", "ada@leeds.example", "SW1"), header='"' + "x" * 200_000 + '"')
    _assert_refused(upload(lead_client, la, file), "could not be read as a CSV")


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
    import_file(client, other_la, file)
    assert SocialWorker.objects.get().local_authority == other_la


def test_a_lead_who_loses_the_role_cannot_confirm(lead_client, lead, la, supervisor):
    url, _ = preview(lead_client, la, csv_file(*GOOD_ROWS))
    lead.staff_roles.all().delete()
    before = counts()
    assert confirm(lead_client, url).status_code == 403
    assert counts() == before


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
