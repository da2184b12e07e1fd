"""Tokens, scopes and bad input: 401 without a valid token, 403 without the scope, 400 for a
body that is not JSON, 413 for one that is too large, 429 past the client's budget; each in
the API's one error shape, and nothing saved."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiClient, Scope, token_digest
from naas.models import AuditEvent

from .conftest import http, make_client

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/dashboard/"


def only_error(response) -> dict:
    body = response.json()
    assert set(body) == {"errors"}
    assert len(body["errors"]) >= 1
    for error in body["errors"]:
        assert {"code", "message"} <= set(error)
    return body["errors"][0]


def test_a_token_is_kept_only_as_its_sha256():
    client, token = make_client([Scope.CHECK_READ])
    stored = ApiClient.objects.get(pk=client.pk)
    assert stored.token_sha256 == token_digest(token)
    assert token not in json.dumps(list(ApiClient.objects.values()), default=str)
    assert len(token) >= 40


def test_the_command_shows_the_token_once_and_it_works(admin_user):
    out = io.StringIO()
    call_command(
        "api_client_create",
        "DfE analysts",
        "--scope",
        "dashboard:read",
        "--acting-user",
        admin_user.email.upper(),
        stdout=out,
    )
    token = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="DfE analysts")
    assert client.scopes == ["dashboard:read"] and client.token_sha256 == token_digest(token)
    assert AuditEvent.objects.for_object(client).get().action == "api_client.created"
    assert http(token).get(DASHBOARD).status_code == 200


def test_no_token_is_a_401_with_the_scheme_named():
    response = http().get(DASHBOARD)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert only_error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-real-token", "Bearer", "Bearer two parts", "Basic dXNlcjpwYXNz", "Bearer é"],
)
def test_an_unknown_or_malformed_token_is_a_401(header):
    make_client([Scope.DASHBOARD_READ])
    client = http()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(DASHBOARD)
    assert response.status_code == 401
    only_error(response)


def test_a_revoked_client_or_a_deactivated_acting_user_is_a_401():
    client, token = make_client([Scope.DASHBOARD_READ])
    assert http(token).get(DASHBOARD).status_code == 200
    client.acting_user.is_active = False
    client.acting_user.save()
    assert http(token).get(DASHBOARD).status_code == 401
    client.acting_user.is_active = True
    client.acting_user.save()
    ApiClient.objects.filter(pk=client.pk).update(is_active=False)
    assert http(token).get(DASHBOARD).status_code == 401


def test_a_token_without_the_scope_is_a_403():
    _, token = make_client([Scope.CHECK_READ])
    response = http(token).get(DASHBOARD)
    assert response.status_code == 403
    assert only_error(response)["code"] == "permission_denied"


@pytest.fixture
def pusher(db):
    _, token = make_client([Scope.RESULTS_WRITE])
    return http(token)


def results_url(pk: int = 1) -> str:
    return reverse("api:sitting_results", kwargs={"sitting_id": pk})


def test_malformed_json_is_a_400_and_nothing_is_saved(pusher, sitting):
    before = AuditEvent.objects.count()
    response = pusher.generic(
        "POST",
        results_url(sitting.pk),
        '{"rows": [',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 400
    assert only_error(response) == {
        "code": "parse_error",
        "message": "The request body is not valid JSON",
    }
    assert AuditEvent.objects.count() == before


def test_a_body_that_is_not_json_is_a_415(pusher, sitting):
    response = pusher.post(
        results_url(sitting.pk), "rows=1", content_type="text/plain", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 415
    only_error(response)


def test_rows_of_the_wrong_shape_are_a_400_naming_the_field(pusher, sitting):
    body = {"rows": [{"registration_number": "SW1", "test_form": "F1", "item": 3}]}
    response = pusher.post(results_url(sitting.pk), body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"code": "required", "field": "rows.0.options_chosen"} in [
        {k: e[k] for k in ("code", "field")} for e in errors
    ]


def test_a_body_over_the_limit_is_a_413_whether_declared_or_not(pusher, sitting, settings):
    settings.NAAS_API_MAX_BODY_BYTES = 1_000
    big = json.dumps({"rows": [{"registration_number": "SW1" * 100}] * 10})
    declared = pusher.generic(
        "POST",
        results_url(sitting.pk),
        big,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert declared.status_code == 413
    assert only_error(declared)["code"] == "request_too_large"
    # A client that says its body is small is still read no further than the limit.
    understated = pusher.generic(
        "POST",
        results_url(sitting.pk),
        big,
        content_type="application/json",
        CONTENT_LENGTH="10",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert understated.status_code == 400  # only 10 bytes read: not JSON, never the rest


def test_the_default_limit_is_five_megabytes(pusher, sitting, settings):
    assert settings.NAAS_API_MAX_BODY_BYTES == 5 * 1024 * 1024
    # A body declared one byte over is refused before any of it is read.
    response = pusher.generic(
        "POST",
        results_url(sitting.pk),
        '{"rows": []}',
        content_type="application/json",
        CONTENT_LENGTH=str(5 * 1024 * 1024 + 1),
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 413
    assert only_error(response)["message"] == "The request body must be 5,242,880 bytes or smaller"


def test_each_client_has_its_own_request_budget(settings):
    settings.NAAS_API_RATE = "3/minute"
    _, first = make_client([Scope.DASHBOARD_READ])
    _, second = make_client([Scope.DASHBOARD_READ])
    statuses = [http(first).get(DASHBOARD).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert http(second).get(DASHBOARD).status_code == 200
    refused = http(first).get(DASHBOARD)
    assert only_error(refused)["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0


def test_answers_are_not_stored_by_caches():
    _, token = make_client([Scope.DASHBOARD_READ])
    assert http(token).get(DASHBOARD)["Cache-Control"] == "no-store"
    assert http().get(DASHBOARD)["Cache-Control"] == "no-store"


def test_the_api_takes_patch_but_the_pages_still_do_not(client):
    assert http().patch("/api/v1/staff/", {}, format="json").status_code == 401
    assert client.patch(reverse("accessibility")).status_code == 405


def test_the_back_office_switches_a_client_off_and_it_is_audited(client):
    from naas.tests.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    api_client, token = make_client([Scope.DASHBOARD_READ])
    url = reverse("admin:api_apiclient_change", args=[api_client.pk])
    assert client.get(url).status_code == 200
    assert token_digest(token) not in client.get(url).content.decode()
    response = client.post(url, {"is_active": ""})
    assert response.status_code == 302
    event = AuditEvent.objects.for_object(api_client).get(action="admin.changed")
    assert event.detail["changes"] == {"is_active": {"before": True, "after": False}}
    assert http(token).get(DASHBOARD).status_code == 401
    assert client.get(reverse("admin:api_apiclient_add")).status_code == 403
