"""What the public check page answers for a credential: valid, revoked, expired or not valid.

A credential is ours only if our key signed it (keys.verified), it says it is an Open Badges
credential from our issuer, and it points at one of our status lists. Its dates are the signed
ones, read against timezone.now() (so a frozen test clock moves them too); its revocation bit is
read from the same bitstring the status list publishes (status_list.bits_of)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone

from ..models import CredentialStatusList
from . import documents, keys, status_list


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_VALID = "not_valid"


@dataclass(frozen=True)
class CheckAnswer:
    verdict: Verdict
    level: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None


NOT_VALID = CheckAnswer(Verdict.NOT_VALID)


def _issuer_id(payload: dict) -> str:
    issuer = payload.get("issuer")
    return issuer.get("id", "") if isinstance(issuer, dict) else str(issuer or "")


def _our_list(entry: dict) -> CredentialStatusList | None:
    url = entry.get("statusListCredential")
    for candidate in CredentialStatusList.objects.all():
        if documents.status_list_url(candidate) == url:
            return candidate
    return None


def _is_revoked(entry) -> bool | None:
    """Whether the entry's bit is set; None when it is not an entry of one of our lists."""
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return None
    if entry.get("statusPurpose") != documents.STATUS_PURPOSE:
        return None
    found = _our_list(entry)
    try:
        index = int(entry.get("statusListIndex", ""))
    except (TypeError, ValueError):
        return None
    if found is None or not 0 <= index < found.size:
        return None
    return status_list.bit_is_set(status_list.bits_of(found, found.size), index)


def credential_check(token: str, *, now: datetime | None = None) -> CheckAnswer:
    try:
        _header, payload = keys.verified(token)
    except keys.NotOurs:
        return NOT_VALID
    types = payload.get("type") or []
    contexts = payload.get("@context") or []
    if (
        not isinstance(types, list)
        or not set(documents.CREDENTIAL_TYPES) <= set(types)
        or contexts[:1] != [documents.VC_CONTEXT]
        or documents.OB_CONTEXT not in contexts
        or _issuer_id(payload) != keys.issuer_did()
    ):
        return NOT_VALID
    try:
        valid_from = documents.parse_timestamp(payload["validFrom"])
        valid_until = documents.parse_timestamp(payload["validUntil"])
        level = str(payload["credentialSubject"]["achievement"]["name"])
    except (KeyError, TypeError, ValueError):
        return NOT_VALID
    revoked = _is_revoked(payload.get("credentialStatus"))
    if revoked is None:
        return NOT_VALID
    now = now or timezone.now()
    answer = {"level": level, "valid_from": valid_from, "valid_until": valid_until}
    if revoked:
        return CheckAnswer(Verdict.REVOKED, **answer)
    if now < valid_from:
        return NOT_VALID
    if now > valid_until:
        return CheckAnswer(Verdict.EXPIRED, **answer)
    return CheckAnswer(Verdict.VALID, **answer)
