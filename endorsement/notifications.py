"""The emails sent at sign-off and at endorsement, through GOV.UK Notify (naas.notify). They
name the worker and nothing more: no registration number, no statement, no reasons. Each
recipient gets their own message."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from naas.models import User
from naas.notify.services import notify_message_queue

from .models import Endorsement
from .selectors import la_lead_users

SIGNED_OFF = "signed_off"
ENDORSED = "endorsed"
EVENTS = (SIGNED_OFF, ENDORSED)
SERVICE_NAME = "Social work accreditation"


@dataclass(frozen=True)
class Notice:
    """One email: its kind (a naas.notify kind), who gets it, and what its template is given."""

    kind: str
    recipient: User
    personalisation: dict


def _link(url_name: str) -> str:
    site = getattr(settings, "NAAS_SITE_URL", "").rstrip("/")
    return f"{site}{reverse(url_name)}" if site else f"Sign in to {SERVICE_NAME}"


def notices_for(endorsement: Endorsement, event: str) -> list[Notice]:
    if event not in EVENTS:
        raise ValueError(f"Unknown endorsement event: {event}")
    worker = endorsement.worker
    name = worker.user.full_name
    level = endorsement.get_level_display().lower()
    notices = []
    if worker.user.email:
        notices.append(
            Notice(
                kind=f"endorsement_{event}_worker",
                recipient=worker.user,
                personalisation={
                    "name": name,
                    "level": level,
                    "link": _link("endorsement:my_endorsement"),
                },
            )
        )
    lead_personalisation = {
        "worker_name": name,
        "level": level,
        "link": _link("endorsement:confirmation_queue"),
    }
    notices += [
        Notice(
            kind=f"endorsement_{event}_lead", recipient=lead, personalisation=lead_personalisation
        )
        for lead in la_lead_users(worker.local_authority_id)
        if lead.email
    ]
    return notices


@transaction.atomic
def send_notices(notices: list[Notice]) -> int:
    """Queue each email with naas.notify; they go once this transaction commits."""
    for notice in notices:
        notify_message_queue(
            kind=notice.kind,
            recipient=notice.recipient,
            personalisation=notice.personalisation,
            actor=None,
        )
    return len(notices)
