"""The email telling a supervisor that a supervisee asked for support, through GOV.UK Notify
(naas.notify). It names the worker and how many areas, nothing more: what they wrote is read in
the service, after signing in."""

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
        recipients = [item.sent_to]
    else:
        recipients = list(la_lead_users(worker.local_authority_id))
    personalisation = {
        "worker_name": worker.user.full_name,
        "area_count": item.areas.count(),
        "link": _results_link(worker.pk),
    }
    return [
        Notice(kind="feedback_support_requested", recipient=user, personalisation=personalisation)
        for user in recipients
        if user.email
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
