"""The emails sent at sign-off and at endorsement. They name the worker and nothing more:
no registration number, no statement, no reasons. Each recipient gets their own message."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from .models import Endorsement
from .selectors import la_lead_users

SIGNED_OFF = "signed_off"
ENDORSED = "endorsed"
EVENTS = (SIGNED_OFF, ENDORSED)
SERVICE_NAME = "Social work accreditation"


@dataclass(frozen=True)
class Notice:
    to: str
    subject: str
    body: str


def _link(url_name: str) -> str:
    site = getattr(settings, "NAAS_SITE_URL", "").rstrip("/")
    return f"{site}{reverse(url_name)}" if site else f"Sign in to {SERVICE_NAME}"


def notices_for(endorsement: Endorsement, event: str) -> list[Notice]:
    worker = endorsement.worker
    name = worker.user.full_name
    level = endorsement.get_level_display().lower()
    leads = [u.email for u in la_lead_users(worker.local_authority_id) if u.email]
    if event == SIGNED_OFF:
        worker_notice = Notice(
            to=worker.user.email,
            subject="Your supervisor has signed you off for assessment",
            body=(
                f"Dear {name},\n\nYour supervisor has signed you off as ready for assessment "
                f"at {level} level. Your local authority will now confirm the endorsement.\n\n"
                f"{_link('endorsement:my_endorsement')}\n"
            ),
        )
        lead_subject = "A practice endorsement is waiting for your confirmation"
        lead_body = (
            f"{name} has been signed off for assessment at {level} level and is waiting for "
            f"your confirmation.\n\n{_link('endorsement:confirmation_queue')}\n"
        )
    elif event == ENDORSED:
        worker_notice = Notice(
            to=worker.user.email,
            subject="You have been endorsed for assessment",
            body=(
                f"Dear {name},\n\nYour local authority has confirmed your practice endorsement "
                f"at {level} level. You can now be booked for an assessment.\n\n"
                f"{_link('endorsement:my_endorsement')}\n"
            ),
        )
        lead_subject = "A practice endorsement has been confirmed"
        lead_body = (
            f"The practice endorsement of {name} at {level} level has been confirmed.\n\n"
            f"{_link('endorsement:confirmation_queue')}\n"
        )
    else:
        raise ValueError(f"Unknown endorsement event: {event}")
    notices = [worker_notice] if worker.user.email else []
    notices += [Notice(to=email, subject=lead_subject, body=lead_body) for email in leads]
    return notices


def send_notices(notices: list[Notice]) -> int:
    if not notices:
        return 0
    connection = get_connection()
    messages = [
        EmailMessage(
            subject=f"{notice.subject} – {SERVICE_NAME}",
            body=notice.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notice.to],
            connection=connection,
        )
        for notice in notices
    ]
    return connection.send_messages(messages) or 0
