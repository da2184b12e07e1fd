"""Verifiable credentials: issued when a met outcome is published, verified by an independent
library (jwcrypto) against the keys we publish, revoked when a review's new outcome withdraws
the accreditation, downloaded only by the worker, and checked on the public page."""

import base64
import gzip
import json
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import resolve, reverse
from django.utils import timezone
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from assessment.tests.factories import publish_outcome, review_overturned
from feedback import rules
from feedback.audit import FeedbackAction
from feedback.models import Accreditation, Credential
from naas.models import AuditEvent

from .factories import NOT_MET, PARTIAL, published_result, write_feedback

pytestmark = pytest.mark.django_db

CHECK = "credentials:check_credential"


def _download(client, accreditation):
    client.force_login(accreditation.worker.user)
    url = reverse(
        "credentials:download_credential",
        kwargs={"certificate_id": accreditation.certificate.pk},
    )
    return client.get(url)


@pytest.fixture
def met():
    """A met outcome published through the real services: its accreditation and credential
    token, as the worker downloads it."""
    outcome, assessor = published_result()
    return Accreditation.objects.get(outcome=outcome), assessor


def _token(client, accreditation) -> str:
    response = _download(client, accreditation)
    assert response.status_code == 200
    client.logout()
    return response.content.decode()


def _published_keys(client) -> jwk.JWKSet:
    response = client.get(reverse("credentials:jwks"))
    assert response.status_code == 200
    return jwk.JWKSet.from_json(response.content)


def _jwcrypto_verified(client, token: str) -> tuple[dict, dict]:
    """Verify with jwcrypto against the JWKS the service publishes (raises if it fails)."""
    signed = jws.JWS()
    signed.deserialize(token)
    header = signed.jose_header
    key = _published_keys(client).get_key(header["kid"])
    assert key is not None, "the kid is not in our JWKS"
    signed.verify(key, alg="EdDSA")
    return header, json.loads(signed.payload)


def _check(client, token: str = "", **data):
    return client.post(reverse(CHECK), {"credential": token, **data})


def _said(response) -> str:
    return response.content.decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- Issued, and verifiable by anyone ---------------------------------------------------------


def test_a_met_outcome_gets_an_open_badges_credential_that_jwcrypto_verifies(client, met):
    accreditation, _ = met
    # when the worker downloads their credential from their results page
    client.force_login(accreditation.worker.user)
    page = _said(client.get(reverse("feedback:my_results")))
    url = reverse(
        "credentials:download_credential", kwargs={"certificate_id": accreditation.certificate.pk}
    )
    assert url in page
    response = client.get(url)
    # then it is the signed JWS, as a file nobody caches
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].endswith(f'{accreditation.reference}.jwt"')
    token = response.content.decode()
    # and jwcrypto verifies it with the key from our JWKS
    header, payload = _jwcrypto_verified(client, token)
    did = "did:web:127.0.0.1%3A8000"
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "kid": f"{did}#key-1"}
    # and it carries the Open Badges 3.0 fields
    assert payload["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["id"].startswith("urn:uuid:")
    issuer = payload["issuer"]
    assert issuer["id"] == did and "Profile" in issuer["type"] and issuer["name"]
    subject = payload["credentialSubject"]
    assert "AchievementSubject" in subject["type"]
    achievement = subject["achievement"]
    assert "Achievement" in achievement["type"]
    assert achievement["name"] == accreditation.get_level_display()
    assert achievement["criteria"]["narrative"]
    identities = {item["identityType"]: item["identityHash"] for item in subject["identifier"]}
    assert identities["identifier"] == accreditation.worker.registration_number
    # its dates: from publication, to the end of the certificate's "valid until" day
    published = accreditation.outcome.published_at
    assert (
        payload["validFrom"]
        == f"{published.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat()}Z"
    )
    until = timezone.localtime(datetime.fromisoformat(payload["validUntil"]))
    assert until.date() == rules.accreditation_valid_until(accreditation.accredited_on)
    assert (until.hour, until.minute) == (23, 59)
    status = payload["credentialStatus"]
    credential = Credential.objects.get(accreditation=accreditation)
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(credential.status_index)
    path = status["statusListCredential"].removeprefix("http://127.0.0.1:8000")
    assert resolve(path).url_name == "status_list"
    assert AuditEvent.objects.filter(
        action=FeedbackAction.CREDENTIAL_ISSUED, object_id=str(credential.pk)
    ).exists()
    # and the public check page says it is valid
    said = _said(_check(client, token))
    assert "This credential is valid" in said


def test_the_did_document_publishes_the_same_key_as_the_jwks(client):
    keys = json.loads(client.get(reverse("credentials:jwks")).content)["keys"]
    did = client.get(reverse("credentials:did_document"))
    assert did["Content-Type"] == "application/did+json"
    document = did.json()
    (method,) = document["verificationMethod"]
    assert document["id"] == "did:web:127.0.0.1%3A8000"
    assert method["id"] == keys[0]["kid"] == document["assertionMethod"][0]
    assert method["type"] == "JsonWebKey"
    assert method["publicKeyJwk"]["x"] == keys[0]["x"]
    assert "d" not in method["publicKeyJwk"] and "d" not in keys[0]


def test_outcomes_that_are_not_met_get_no_credential():
    published_result({5: NOT_MET})
    published_result({9: PARTIAL})
    assert Credential.objects.count() == 0


def test_each_credential_has_its_own_status_list_entry():
    for _ in range(3):
        published_result()
    indexes = list(Credential.objects.values_list("status_list__number", "status_index"))
    assert len(set(indexes)) == 3
    assert {number for number, _ in indexes} == {1}


def test_two_credentials_can_never_share_a_status_bit(met):
    credential = Credential.objects.get(accreditation=met[0])
    other, _ = published_result()
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.filter(accreditation__outcome=other).update(
            status_index=credential.status_index
        )


# --- Refused when altered or signed by someone else -------------------------------------------


def test_an_altered_credential_is_refused_by_jwcrypto_and_by_the_check_page(client, met):
    token = _token(client, met[0])
    header, body, signature = token.split(".")
    claims = json.loads(_unb64(body))
    claims["validUntil"] = "2099-12-31T23:59:59Z"
    altered = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    with pytest.raises(JWException):
        _jwcrypto_verified(client, altered)
    response = _check(client, altered)
    assert response.status_code == 200
    assert "This credential is not valid" in _said(response)


def test_a_credential_signed_with_another_key_is_refused_by_jwcrypto_and_the_check_page(
    client, met
):
    token = _token(client, met[0])
    header, body, _ = token.split(".")
    forger = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    forged = jws.JWS(_unb64(body))
    forged.add_signature(forger, alg="EdDSA", protected=_unb64(header).decode())
    forged_token = forged.serialize(compact=True)
    with pytest.raises(JWException):
        _jwcrypto_verified(client, forged_token)
    assert "This credential is not valid" in _said(_check(client, forged_token))


# --- Revoked by a review ------------------------------------------------------------------------


def _bit(client, index: int) -> bool:
    """The status list's bit, read independently: verified with jwcrypto, then the spec's
    decoding (multibase "u", base64url, gzip; bit 0 is the first byte's left-most bit)."""
    response = client.get(reverse("credentials:status_list", kwargs={"number": 1}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    _, status_list = _jwcrypto_verified(client, response.content.decode())
    assert "BitstringStatusListCredential" in status_list["type"]
    subject = status_list["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["encodedList"][0] == "u"
    bits = gzip.decompress(_unb64(subject["encodedList"][1:]))
    assert len(bits) >= 16 * 1024
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_a_review_that_overturns_the_outcome_revokes_the_credential(client, met):
    accreditation, assessor = met
    token = _token(client, accreditation)
    credential = Credential.objects.get(accreditation=accreditation)
    assert _bit(client, credential.status_index) is False
    # when a review overturns the met outcome and the new, partly met one is published
    attempt = accreditation.outcome.attempt
    second = review_overturned(attempt, results={5: PARTIAL}, overall=PARTIAL)
    write_feedback(attempt, assessor, {5: "After review"})
    publish_outcome(second)
    # then the credential's bit is set in the published list, with an audit event
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert _bit(client, credential.status_index) is True
    assert AuditEvent.objects.filter(
        action=FeedbackAction.CREDENTIAL_REVOKED, object_id=str(credential.pk)
    ).exists()
    # and the check page says it has been revoked
    response = _check(client, token)
    assert response.status_code == 200
    assert "This credential has been revoked" in _said(response)
    # and the worker's results page no longer offers it
    client.force_login(accreditation.worker.user)
    download = reverse(
        "credentials:download_credential", kwargs={"certificate_id": accreditation.certificate.pk}
    )
    assert download not in _said(client.get(reverse("feedback:my_results")))


# --- Expired ------------------------------------------------------------------------------------


def test_a_credential_past_its_valid_until_says_expired(client, met):
    accreditation, _ = met
    token = _token(client, accreditation)
    last_day = rules.accreditation_valid_until(accreditation.accredited_on)
    england = timezone.get_default_timezone()
    # on the evening of the last day the certificate says it is valid, it is still valid
    with time_machine.travel(datetime.combine(last_day, time(18), tzinfo=england), tick=False):
        assert "This credential is valid" in _said(_check(client, token))
    # the next morning it has expired
    next_morning = datetime.combine(last_day + timedelta(days=1), time(9), tzinfo=england)
    with time_machine.travel(next_morning, tick=False):
        response = _check(client, token)
    assert response.status_code == 200
    assert "This credential has expired" in _said(response)
