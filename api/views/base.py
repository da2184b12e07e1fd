"""What every API view shares: a token and a scope, a bounded body, one error shape, and
`Cache-Control: no-store` (answers name people and are for the client alone)."""

import hashlib
import json
import re

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..parsers import check_declared_length
from ..permissions import HasScope, client_of
from ..services import Answer

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEY_PATTERN = r"^[!-~]{1,255}$"  # printable ASCII, no spaces


class ApiView(APIView):
    required_scope = ""
    permission_classes = [HasScope]
    # The query parameters each method takes: any other is a mistake worth saying (a typo in a
    # filter's name would otherwise quietly give every LA's figures).
    query_parameters: dict[str, set[str]] = {}

    def initial(self, request, *args, **kwargs):
        check_declared_length(request)
        super().initial(request, *args, **kwargs)
        unknown = sorted(
            set(request.query_params) - self.query_parameters.get(request.method, set())
        )
        if unknown:
            raise serializers.ValidationError(
                {name: ["This query parameter is not one this request takes"] for name in unknown}
            )
        empty = sorted(name for name, value in request.query_params.items() if not value.strip())
        if empty:
            raise serializers.ValidationError(
                {
                    name: ["Leave out a query parameter rather than sending it empty"]
                    for name in empty
                }
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    @property
    def client(self):
        return client_of(self.request)

    def idempotency_key(self, *, required: bool) -> str:
        key = self.request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if required and not key:
            raise serializers.ValidationError(
                {IDEMPOTENCY_HEADER: [f"Send an {IDEMPOTENCY_HEADER} header with each request"]}
            )
        if key and not re.fullmatch(KEY_PATTERN, key):
            raise serializers.ValidationError(
                {
                    IDEMPOTENCY_HEADER: [
                        f"The {IDEMPOTENCY_HEADER} must be {MAX_KEY_LENGTH} characters or "
                        "fewer: letters, digits and punctuation, no spaces"
                    ]
                }
            )
        return key


def request_digest(data) -> str:
    """The same request gives the same digest however its JSON was spaced or ordered."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def answered(answer: Answer) -> Response:
    response = Response(answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
