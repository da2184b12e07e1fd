"""Every error the API sends has one shape:

    {"errors": [{"code": "...", "message": "...", "field": "...", "row": 3}]}

`field` (where in the request: "rows.2.item", "registration_number") and `row` (a row of the
request, counted from 1) appear only when they apply."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# DRF's own codes (not_authenticated, authentication_failed, permission_denied, not_found,
# parse_error, throttled, ...) are kept; these name the rest by their status.
CODES = {
    status.HTTP_400_BAD_REQUEST: "bad_request",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "request_too_large",
}


def _flatten(detail, where: str = "") -> list[dict]:
    """A ValidationError's nested detail as a flat list of field errors."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            found += _flatten(value, f"{where}.{name}" if where and name else where or name)
        return found
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [_error(item, where) for item in detail]
        found = []
        for index, value in enumerate(detail):
            if value:
                found += _flatten(value, f"{where}.{index}" if where else str(index))
        return found
    return [_error(detail, where)]


def _error(detail, where: str) -> dict:
    error = {"code": getattr(detail, "code", None) or "invalid", "message": str(detail)}
    if where:
        error["field"] = where
    return error


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: a 500, logged by Django
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
    else:
        code = getattr(exc, "default_code", "") or CODES.get(response.status_code, "error")
        errors = [{"code": code, "message": str(getattr(exc, "detail", exc))}]
    return Response(
        {"errors": errors},
        status=response.status_code,
        headers={k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")},
    )
