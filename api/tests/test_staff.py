"""GET and PATCH /api/v1/staff/: an LA HR client reads and updates only its own LA's staff,
through the staff import's own check and service (identity never changed, before and after
audited)."""

import pytest

from api.models import Scope
from naas.models import AuditEvent, Role, SocialWorker, User
from naas.staff_csv import NUMBER_ELSEWHERE, NUMBER_OTHER_EMAIL
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, staff_user

from .conftest import http, make_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/staff/"


@pytest.fixture
def supervisor(la):
    return staff_user(Role.SUPERVISOR, la, email="sup@north.example", full_name="Sam Super")


@pytest.fixture
def ada(la, supervisor):
    return SocialWorkerFactory(
        local_authority=la,
        supervisor=supervisor,
        registration_number="SW1001",
        user__email="ada@north.example",
        user__full_name="Ada Brown",
    )


@pytest.fixture
def elsewhere(db):
    other = LocalAuthorityFactory(name="Southshire")
    return SocialWorkerFactory(
        local_authority=other,
        registration_number="SW2002",
        user__email="zed@south.example",
        user__full_name="Zed Elsewhere",
    )


def row(name, email, number, *, kind="permanent", since="2020-01-15", sup="sup@north.example"):
    return {
        "full_name": name,
        "email": email,
        "registration_number": number,
        "employment_type": kind,
        "employed_since": since,
        "supervisor_email": sup,
    }


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def patch(api, rows, **headers):
    return api.patch(URL, {"rows": rows}, format="json", **headers)


def state() -> tuple:
    return (
        sorted(SocialWorker.objects.values_list("registration_number", "user__full_name")),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_list_is_its_own_las_staff_only(hr, ada, elsewhere):
    _, api = hr
    response = api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "registration_number": "SW1001",
            "full_name": "Ada Brown",
            "email": "ada@north.example",
            "employment_type": ada.employment_type,
            "employed_since": ada.employed_since.isoformat(),
            "supervisor_email": "sup@north.example",
            "level": "practitioner",
        }
    ]
    assert "Zed Elsewhere" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_the_list_is_paged(hr, la, supervisor):
    for _ in range(3):
        SocialWorkerFactory(local_authority=la, supervisor=supervisor)
    _, api = hr
    first = api.get(URL, {"limit": 2}).json()
    assert (first["count"], len(first["results"])) == (3, 2)
    assert len(api.get(URL, {"limit": 2, "offset": 2}).json()["results"]) == 1


def test_a_patch_adds_and_updates_through_the_import_audited_before_and_after(
    hr, ada, la_lead, supervisor
):
    client, api = hr
    # when the HR system renames Ada and adds Ben
    response = patch(
        api,
        [
            row("Ada Green", "ada@north.example", "SW1001", since=str(ada.employed_since)),
            row("Ben Clarke", "ben@north.example", "sw1003", kind="agency"),
        ],
    )
    # then both are done, as the LA lead
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "local_authority": client.local_authority_id,
        "rows": 2,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
    }
    ada.user.refresh_from_db()
    assert ada.user.full_name == "Ada Green"
    ben = SocialWorker.objects.get(registration_number="SW1003")
    assert ben.local_authority_id == client.local_authority_id and ben.supervisor == supervisor
    # and the trail keeps what Ada's name was, names the actor, and names the client
    updated = AuditEvent.objects.for_object(ada).get(action="staff_import.updated")
    assert updated.actor == la_lead
    assert updated.detail["changes"] == {"full_name": {"before": "Ada Brown", "after": "Ada Green"}}
    api_event = AuditEvent.objects.for_object(client).get(action="api_client.staff_updated")
    assert api_event.detail["client"] == client.pk
    assert api_event.detail["import_id"] == updated.detail["import_id"]
    assert updated.detail["import_id"].startswith(f"api-{client.pk}-")


def test_another_las_worker_is_never_touched(hr, elsewhere):
    _, api = hr
    before = state()
    response = patch(api, [row("Zed Taken", "zed@south.example", "SW2002")])
    assert response.status_code == 422
    messages = [e["message"] for e in response.json()["errors"]]
    assert first_upper(NUMBER_ELSEWHERE.format(number="SW2002")) in messages
    assert state() == before
    elsewhere.user.refresh_from_db()
    assert elsewhere.user.full_name == "Zed Elsewhere"


def test_an_email_address_is_never_changed(hr, ada):
    _, api = hr
    before = state()
    response = patch(api, [row("Ada Brown", "new-ada@north.example", "SW1001")])
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {
        "code": "row_invalid",
        "row": 1,
        "field": "registration_number",
        "message": first_upper(NUMBER_OTHER_EMAIL.format(number="SW1001")),
    } in errors
    assert state() == before


def test_an_account_with_staff_powers_is_not_changed(hr, ada, la):
    StaffRole = ada.user.staff_roles.model
    StaffRole.objects.create(user=ada.user, role=Role.SUPERVISOR, local_authority=la)
    _, api = hr
    before = state()
    response = patch(api, [row("Ada Renamed", "ada@north.example", "SW1001")])
    assert response.status_code == 422
    assert "staff account" in response.json()["errors"][0]["message"]
    assert state() == before


def test_one_bad_row_saves_nothing(hr, ada):
    _, api = hr
    before = state()
    rows = [row("Ada Green", "ada@north.example", "SW1001"), row("", "bad", "X", since="soon")]
    response = patch(api, rows)
    assert response.status_code == 422
    fields = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert {(2, "full_name"), (2, "email"), (2, "registration_number"), (2, "employed_since")} <= (
        fields
    )
    assert state() == before


def test_a_replayed_patch_is_applied_once(hr, ada):
    _, api = hr
    rows = [row("Ben Clarke", "ben@north.example", "SW1003")]
    first = patch(api, rows, HTTP_IDEMPOTENCY_KEY="hr-1")
    after = state()
    again = patch(api, rows, HTTP_IDEMPOTENCY_KEY="hr-1")
    assert (again.status_code, again.json()) == (200, first.json())
    assert state() == after
    other = patch(api, [row("Cara", "cara@north.example", "SW1004")], HTTP_IDEMPOTENCY_KEY="hr-1")
    assert other.status_code == 422
    assert state() == after


def test_reading_needs_staff_read_and_writing_staff_write(la, la_lead, ada):
    _, reader = make_client([Scope.STAFF_READ], acting_user=la_lead, local_authority=la)
    assert http(reader).get(URL).status_code == 200
    refused = patch(http(reader), [row("Ada Green", "ada@north.example", "SW1001")])
    assert refused.status_code == 403
    _, writer = make_client([Scope.STAFF_WRITE], acting_user=la_lead, local_authority=la)
    assert http(writer).get(URL).status_code == 403


def test_a_client_whose_acting_user_does_not_lead_its_la_is_refused(la, ada):
    other_lead = staff_user(Role.LA_LEAD)  # leads another LA
    _, token = make_client(
        [Scope.STAFF_READ, Scope.STAFF_WRITE], acting_user=other_lead, local_authority=la
    )
    assert http(token).get(URL).status_code == 403
    before = state()
    response = patch(http(token), [row("Ada Green", "ada@north.example", "SW1001")])
    assert response.status_code == 403
    assert state() == before


def test_a_staff_client_must_belong_to_an_la():
    with pytest.raises(ValueError, match="local authority"):
        make_client([Scope.STAFF_READ])
