"""The email telling a supervisor that a supervisee asked for support. It names the worker and
how many areas, nothing more: what they wrote is read in the service, after signing in."""

from django.conf import settings
from django.urls import reverse

from endorsement.notifications import SERVICE_NAME, Notice, send_notices
from endorsement.selectors import la_lead_users

from .models import SupportRequest


def _results_link(worker_id: int) -> str:
    site = getattr(settings, "NAAS_SITE_URL", "").rstrip("/")
    path = reverse("feedback:worker_results", kwargs={"worker_id": worker_id})
    return f"{site}{path}" if site else f"Sign in to {SERVICE_NAME} and open Results."


def support_request_notices(item: SupportRequest) -> list[Notice]:
    worker = item.worker
    if item.sent_to is not None:
        recipients = [item.sent_to.email]
    else:
        recipients = [user.email for user in la_lead_users(worker.local_authority_id)]
    count = item.areas.count()
    body = (
        f"{worker.user.full_name} has asked for support in {count} area"
        f"{'s' if count != 1 else ''} they did not meet in their accreditation assessment.\n\n"
        f"Read what would help them and record a support plan:\n"
        f"{_results_link(worker.pk)}\n"
    )
    return [
        Notice(to=email, subject="A social worker has asked for support", body=body)
        for email in recipients
        if email
    ]


def send_support_request_notices(support_request_id: int) -> int:
    item = (
        SupportRequest.objects.select_related("worker__user", "sent_to")
        .filter(pk=support_request_id)
        .first()
    )
    if item is None:
        return 0
    return send_notices(support_request_notices(item))
