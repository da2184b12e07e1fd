"""POST /api/v1/sittings/<id>/results/: the test platform pushes a sitting's results."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound

from assessment.models import Sitting

from .. import services
from ..models import Scope
from ..serializers import ErrorsSerializer, ResultsPushedSerializer, ResultsPushSerializer
from .base import IDEMPOTENCY_HEADER, KEY_PATTERN, ApiView, answered, request_digest

ERRORS = OpenApiResponse(ErrorsSerializer)


class SittingResultsView(ApiView):
    required_scope = Scope.RESULTS_WRITE

    @extend_schema(
        operation_id="sitting_results_push",
        summary="Push a sitting's knowledge-test results",
        description=(
            "One row per candidate per question, as in the results file. Every row is checked "
            "first, exactly as an uploaded file is: any bad row and nothing is saved (422, with "
            "every bad row listed). Results already stored unchanged are left alone. The same "
            "request sent again under the same Idempotency-Key gets the first answer."
        ),
        parameters=[
            OpenApiParameter("sitting_id", int, OpenApiParameter.PATH, required=True),
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                pattern=KEY_PATTERN,
                required=True,
                description="A new value for each new request (a UUID, for example)",
            ),
        ],
        request=ResultsPushSerializer,
        responses={
            200: ResultsPushedSerializer,
            400: ERRORS,
            401: ERRORS,
            403: ERRORS,
            404: ERRORS,
            409: ERRORS,
            413: ERRORS,
            422: ERRORS,
            429: ERRORS,
        },
        tags=["Results"],
    )
    def post(self, request, sitting_id: str):
        if not sitting_id.isascii() or not sitting_id.isdigit():
            raise NotFound("Not found")
        sitting = get_object_or_404(Sitting, pk=int(sitting_id))
        key = self.idempotency_key(required=True)
        payload = ResultsPushSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answer = services.sitting_results_push(
            client=self.client,
            sitting=sitting,
            rows=payload.validated_data["rows"],
            idempotency_key=key,
            digest=request_digest(payload.validated_data),
        )
        return answered(answer)
