"""What the credentials say: an accreditation as an Open Badges 3.0 credential (W3C VC data
model 2.0), and the status list as a BitstringStatusListCredential. Dates come from the rules
that the certificate prints (feedback.rules.accreditation_valid_until), never from here."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from naas.pdf import site_url

from .. import rules
from ..models import Accreditation, Credential, CredentialStatusList
from . import keys

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
STATUS_LIST_TYPES = ["VerifiableCredential", "BitstringStatusListCredential"]
STATUS_PURPOSE = "revocation"
# validFrom of a status list nothing has been written to yet.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
CRITERIA = (
    "Met the standard in every knowledge and skills statement area of the National Assessment "
    "and Accreditation System at this level: a knowledge test and observed practice, marked by "
    "independent assessors, moderated and published by the Department for Education."
)


def timestamp(value: datetime) -> str:
    """An instant as the VC data model writes it: UTC, to the second, with Z."""
    utc = value.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return utc.isoformat() + "Z"


def parse_timestamp(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a timestamp needs its time zone")
    return value


def valid_from(accreditation: Accreditation) -> datetime:
    """From the moment the met outcome was published (the start of the accreditation's day
    if that is not known)."""
    published = accreditation.outcome.published_at
    if published is not None:
        return published
    return _start_of(accreditation.accredited_on)


def valid_until(accreditation: Accreditation) -> datetime:
    """The end of the last day the certificate says it is valid (in England)."""
    last_day = rules.accreditation_valid_until(accreditation.accredited_on)
    return _start_of(last_day + timedelta(days=1)) - timedelta(seconds=1)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def status_list_url(status_list: CredentialStatusList | int) -> str:
    number = status_list if isinstance(status_list, int) else status_list.number
    return site_url(reverse("credentials:status_list", kwargs={"number": number}))


def achievement_id(level: str) -> str:
    """A stable identifier for what is achieved at each level (the same for every worker)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, site_url(f"/credentials/{level}")))


def issuer_profile() -> dict:
    return {
        "id": keys.issuer_did(),
        "type": ["Profile"],
        "name": settings.NAAS_CREDENTIAL_ISSUER_NAME,
        "url": site_url("/"),
    }


def credential_payload(credential: Credential) -> dict:
    """The credential's claims. The subject is named as on the certificate (name and Social
    Work England registration number), so whoever is shown it can tell whose it is."""
    accreditation = credential.accreditation
    worker = accreditation.worker
    level = accreditation.get_level_display()
    list_url = status_list_url(credential.status_list)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{credential.uuid}",
        "type": CREDENTIAL_TYPES,
        "name": f"Social work accreditation: {level}",
        "issuer": issuer_profile(),
        "validFrom": timestamp(credential.valid_from),
        "validUntil": timestamp(credential.valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                _identity("name", worker.user.full_name),
                _identity("identifier", worker.registration_number),
            ],
            "achievement": {
                "id": achievement_id(accreditation.level),
                "type": ["Achievement"],
                "achievementType": "License",
                "name": level,
                "description": f"Accredited as {level.lower()} (reference {accreditation.reference})",
                "criteria": {"narrative": CRITERIA},
            },
        },
        "credentialStatus": {
            "id": f"{list_url}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(credential.status_index),
            "statusListCredential": list_url,
        },
    }


def _identity(kind: str, value: str) -> dict:
    return {"type": "IdentityObject", "identityType": kind, "hashed": False, "identityHash": value}


def status_list_payload(*, number: int, encoded_list: str, valid_from: datetime) -> dict:
    url = status_list_url(number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": STATUS_LIST_TYPES,
        "issuer": keys.issuer_did(),
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encoded_list,
        },
    }


def did_document() -> dict:
    """The did:web document: our public key as a JsonWebKey verification method."""
    did = keys.issuer_did()
    method = {
        "id": keys.key_id(),
        "type": "JsonWebKey",
        "controller": did,
        "publicKeyJwk": {k: v for k, v in keys.public_jwk().items() if k != "kid"},
    }
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [keys.key_id()],
        "authentication": [keys.key_id()],
    }
