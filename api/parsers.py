"""JSON bodies, read no further than NAAS_API_MAX_BODY_BYTES (a bigger one is a 413)."""

import json

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"

    def __init__(self):
        limit = settings.NAAS_API_MAX_BODY_BYTES
        super().__init__(f"The request body must be {limit:,} bytes or smaller")


def check_declared_length(request) -> None:
    """Refuse a body whose declared size is over the limit before a byte of it is read."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.NAAS_API_MAX_BODY_BYTES:
        raise RequestTooLarge()


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.NAAS_API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge()
        if not raw:
            raise exceptions.ParseError("The request body is empty: send JSON")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise exceptions.ParseError("The request body is not valid JSON") from exc
