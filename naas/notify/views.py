"""Notify's delivery-status callback, and the staff page of emails that failed."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .. import policies
from . import selectors, services

PER_PAGE = 50
MAX_CALLBACK_BYTES = 10_000


def _authorised(request) -> bool:
    expected = settings.NAAS_NOTIFY_CALLBACK_TOKEN
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme == "Bearer" and constant_time_compare(token, expected)


def _problem(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="notify-callback"'
    return response


def _callback_fields(body: bytes):
    """(notify id, reference or None, status) from a callback body, or None if it is not one."""
    if len(body) > MAX_CALLBACK_BYTES:
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    notify_id, reference, status = data.get("id"), data.get("reference"), data.get("status")
    if not isinstance(notify_id, str) or not 0 < len(notify_id) <= 36:
        return None
    if reference is not None and not isinstance(reference, str):
        return None
    if status not in services.REPORTED_STATUSES:
        return None
    return notify_id, reference, status


@csrf_exempt
@require_POST
def callback(request):
    """Notify posts an email's delivery status here with our bearer token."""
    if not _authorised(request):
        return _problem(401, "A valid bearer token is needed")
    fields = _callback_fields(request.body)
    if fields is None:
        return _problem(400, "Expected JSON with an id, a reference and a known status")
    notify_id, reference, status = fields
    message = services.notify_message_record_status(
        notify_id=notify_id, status=status, reference=reference
    )
    if message is None:
        return _problem(404, "No email with that id")
    return JsonResponse({"status": message.status})


@login_required
@require_GET
def failed(request):
    if not policies.can_see_failed_emails(request.user):
        raise PermissionDenied
    page = Paginator(selectors.failed_messages(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notify/failed.html", {"page": page})
