"""Issuing and revoking credentials. feedback.services calls these inside the transaction that
publishes an outcome: a credential is issued with its accreditation, and revoked when a review's
new outcome withdraws it."""

from __future__ import annotations

import secrets
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from naas.services import audit_event_record

from ..audit import FeedbackAction
from ..models import STATUS_LIST_SIZE, Accreditation, Credential, CredentialStatusList
from . import documents, keys

CURRENT_LIST = 1
# Random entries keep the list's herd privacy (an index says nothing about when it was issued);
# after this many taken draws, the first free entry is used instead.
RANDOM_TRIES = 32


class StatusListFull(Exception):
    """Every entry of the status list is taken."""


def _locked_list() -> CredentialStatusList:
    """The current list, locked until the transaction ends: one allocation at a time."""
    try:
        with transaction.atomic():
            CredentialStatusList.objects.get_or_create(
                number=CURRENT_LIST, defaults={"size": STATUS_LIST_SIZE}
            )
    except IntegrityError:  # made at the same moment by another issuance
        pass
    return CredentialStatusList.objects.select_for_update().get(number=CURRENT_LIST)


def _free_index(status_list: CredentialStatusList) -> int:
    taken = set(status_list.credentials.values_list("status_index", flat=True))
    if len(taken) >= status_list.size:
        raise StatusListFull(f"Status list {status_list.number} is full")
    for _ in range(RANDOM_TRIES):
        index = secrets.randbelow(status_list.size)
        if index not in taken:
            return index
    return next(i for i in range(status_list.size) if i not in taken)


@transaction.atomic
def credential_issue(*, accreditation: Accreditation, actor=None) -> Credential:
    """Sign the accreditation's credential (once) with a status-list entry of its own."""
    existing = Credential.objects.filter(accreditation=accreditation).first()
    if existing is not None:
        return existing
    accreditation = Accreditation.objects.select_related("worker__user", "outcome").get(
        pk=accreditation.pk
    )
    status_list = _locked_list()
    credential = Credential(
        accreditation=accreditation,
        uuid=uuid.uuid4(),
        status_list=status_list,
        status_index=_free_index(status_list),
        valid_from=documents.valid_from(accreditation),
        valid_until=documents.valid_until(accreditation),
    )
    credential.jws = keys.sign(documents.credential_payload(credential))
    credential.save()
    audit_event_record(
        actor=actor,
        subject=credential,
        action=FeedbackAction.CREDENTIAL_ISSUED,
        detail={"accreditation_id": accreditation.pk, "status_list": status_list.number},
    )
    return credential


@transaction.atomic
def credential_revoke(
    *, accreditation: Accreditation, actor=None, reason: str
) -> Credential | None:
    """Set the status-list bit of the accreditation's credential (if it has one)."""
    credential = Credential.objects.select_for_update().filter(accreditation=accreditation).first()
    if credential is None or credential.revoked_at is not None:
        return credential
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    audit_event_record(
        actor=actor,
        subject=credential,
        action=FeedbackAction.CREDENTIAL_REVOKED,
        reason=reason,
        detail={"accreditation_id": accreditation.pk},
    )
    return credential
