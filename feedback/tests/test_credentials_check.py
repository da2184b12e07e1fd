"""The public credential check's form errors and rate limit, who may download a credential,
and the signing key's configuration (the production system check)."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.checks.registry import registry
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from jwcrypto import jwk, jws

from feedback.credentials import checks, keys
from feedback.credentials.forms import WRONG_FILE_TYPE, WRONG_FORMAT
from feedback.models import Accreditation, Credential
from naas.models import Role
from naas.tests.factories import SocialWorkerFactory, staff_user

from .factories import published_result

pytestmark = pytest.mark.django_db

CHECK = "credentials:check_credential"


def _download_url(accreditation) -> str:
    return reverse(
        "credentials:download_credential", kwargs={"certificate_id": accreditation.certificate.pk}
    )


@pytest.fixture
def accreditation():
    outcome, _ = published_result()
    return Accreditation.objects.select_related("worker__user").get(outcome=outcome)


@pytest.fixture
def token(accreditation) -> str:
    return Credential.objects.get(accreditation=accreditation).jws


def _errors_shown(response) -> str:
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "<title>Error: " in page
    return page


# --- The form: GOV.UK errors for what cannot be a credential -----------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste the credential or upload the credential file"),
        ({"credential": "   "}, "Paste the credential or upload the credential file"),
        ({"credential": "this is not a credential"}, WRONG_FORMAT),
        ({"credential": "a.b"}, WRONG_FORMAT),
        ({"credential": "x" * (64 * 1024 + 1)}, "The credential must be 64KB or smaller"),
    ],
    ids=["empty", "blank", "garbage", "two-parts", "too-large"],
)
def test_text_that_cannot_be_a_credential_gets_a_govuk_error(client, data, message):
    response = client.post(reverse(CHECK), data)
    assert response.status_code == 400
    assert message in _errors_shown(response)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("certificate.pdf", b"%PDF-1.7", WRONG_FILE_TYPE),
        ("credential.jwt", b"\xff\xfe\x00binary", WRONG_FILE_TYPE),
        ("credential.jwt", b"x" * (64 * 1024 + 1), "The selected file must be smaller than 64KB"),
        ("credential.jwt", b"", "The selected file is empty"),
        ("credential.txt", b"just some words", WRONG_FORMAT),
    ],
    ids=["wrong-type", "binary", "too-large", "empty", "garbage"],
)
def test_a_file_that_cannot_be_a_credential_gets_a_govuk_error(client, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(reverse(CHECK), {"credential_file": upload})
    assert response.status_code == 400
    assert message in _errors_shown(response)


def test_pasting_and_uploading_at_once_is_refused(client, token):
    upload = SimpleUploadedFile("credential.jwt", token.encode())
    response = client.post(reverse(CHECK), {"credential": token, "credential_file": upload})
    assert response.status_code == 400
    assert "not both" in _errors_shown(response)


def test_an_uploaded_credential_file_is_checked(client, token):
    upload = SimpleUploadedFile("credential.jwt", token.encode() + b"\n")
    response = client.post(reverse(CHECK), {"credential_file": upload})
    assert response.status_code == 200
    assert "This credential is valid" in response.content.decode()


def test_a_credential_pasted_with_line_breaks_is_checked(client, token):
    wrapped = "\n".join(token[i : i + 76] for i in range(0, len(token), 76))
    response = client.post(reverse(CHECK), {"credential": wrapped})
    assert "This credential is valid" in response.content.decode()


def test_a_well_formed_token_that_is_not_a_jws_is_not_valid(client):
    response = client.post(reverse(CHECK), {"credential": "aaaa.bbbb.cccc"})
    assert response.status_code == 200
    assert "This credential is not valid" in response.content.decode()


def test_another_signed_document_of_ours_is_not_a_credential(client, token):
    # the status list is signed with the same key, but it is not an Open Badges credential
    status_list = client.get(reverse("credentials:status_list", kwargs={"number": 1}))
    response = client.post(reverse(CHECK), {"credential": status_list.content.decode()})
    assert "This credential is not valid" in response.content.decode()


def test_the_check_page_shows_its_form(client):
    response = client.get(reverse(CHECK))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Check a social work accreditation credential" in page


def test_the_check_is_rate_limited_per_address_apart_from_the_accreditation_check(client, settings):
    settings.NAAS_PUBLIC_CHECK_LIMIT = 2
    url = reverse(CHECK)
    data = {"credential": "aaaa.bbbb.cccc"}
    statuses = [client.post(url, data, REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.post(url, data, REMOTE_ADDR="203.0.113.8").status_code == 200
    # the accreditation check counts its own checks
    accreditation_check = client.post(
        reverse("feedback:check_accreditation"),
        {"registration_number": "SW1", "reference": "ACC-AAAA-BBBB"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert accreditation_check.status_code == 200


# --- Only the worker downloads their credential -------------------------------------------------


def test_only_the_worker_downloads_their_credential(client, accreditation):
    url = _download_url(accreditation)
    worker = accreditation.worker
    # no one signed in is sent to sign in
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    # a stranger, another worker in the same LA, the supervisor and the LA lead are refused
    others = [
        SocialWorkerFactory().user,
        SocialWorkerFactory(local_authority=worker.local_authority).user,
        worker.supervisor,
        staff_user(Role.LA_LEAD, worker.local_authority),
        staff_user(Role.ADMINISTRATOR),
    ]
    for other in others:
        client.force_login(other)
        assert client.get(url).status_code == 404
        page = client.get(reverse("feedback:my_results")).content.decode()
        assert url not in page
    # the worker gets it
    client.force_login(worker.user)
    assert client.get(url).status_code == 200


def test_a_worker_without_a_credential_gets_not_found(client, accreditation):
    Credential.objects.filter(accreditation=accreditation).delete()
    client.force_login(accreditation.worker.user)
    assert client.get(_download_url(accreditation)).status_code == 404


# --- The signing key -----------------------------------------------------------------------------


def _pem(private: Ed25519PrivateKey) -> str:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def test_production_needs_a_signing_key(settings):
    assert checks.credential_signing_key in registry.registered_checks
    settings.NAAS_CREDENTIAL_KEY_REQUIRED = True
    settings.NAAS_CREDENTIAL_SIGNING_KEY = ""
    assert [error.id for error in checks.credential_signing_key()] == ["feedback.E001"]
    with pytest.raises(ImproperlyConfigured):
        keys.sign({"a": 1})
    settings.NAAS_CREDENTIAL_SIGNING_KEY = "not a key"
    assert [error.id for error in checks.credential_signing_key()] == ["feedback.E001"]
    settings.NAAS_CREDENTIAL_SIGNING_KEY = _pem(Ed25519PrivateKey.generate())
    assert checks.credential_signing_key() == []


def test_outside_production_a_key_is_derived_from_the_secret_key(settings):
    settings.NAAS_CREDENTIAL_KEY_REQUIRED = False
    settings.NAAS_CREDENTIAL_SIGNING_KEY = ""
    assert checks.credential_signing_key() == []
    settings.SECRET_KEY = "one secret"
    first = keys.public_jwk()["x"]
    assert keys.public_jwk()["x"] == first  # the same in every process
    settings.SECRET_KEY = "another secret"
    assert keys.public_jwk()["x"] != first


@pytest.mark.parametrize("form", ["pem", "jwk"])
def test_a_configured_key_signs_and_is_published(client, settings, form):
    private = Ed25519PrivateKey.generate()
    pem = _pem(private)
    settings.NAAS_CREDENTIAL_SIGNING_KEY = (
        pem if form == "pem" else jwk.JWK.from_pem(pem.encode()).export_private()
    )
    # a credential issued now is signed with it
    outcome, _ = published_result()
    token = Credential.objects.get(accreditation__outcome=outcome).jws
    published = jwk.JWKSet.from_json(client.get(reverse("credentials:jwks")).content)
    signed = jws.JWS()
    signed.deserialize(token)
    key = published.get_key(signed.jose_header["kid"])
    signed.verify(key, alg="EdDSA")
    expected = json.loads(jwk.JWK.from_pem(pem.encode()).export_public())
    assert json.loads(key.export_public())["x"] == expected["x"]
    assert (
        "This credential is valid"
        in client.post(reverse(CHECK), {"credential": token}).content.decode()
    )


def test_production_needs_the_public_https_address(settings):
    assert checks.credential_issuer_address in registry.registered_checks
    settings.NAAS_CREDENTIAL_KEY_REQUIRED = True
    settings.NAAS_SITE_URL = ""
    assert [error.id for error in checks.credential_issuer_address()] == ["feedback.E002"]
    settings.NAAS_SITE_URL = "https://accreditation.example.gov.uk"
    assert checks.credential_issuer_address() == []
    assert keys.issuer_did() == "did:web:accreditation.example.gov.uk"
