"""GET /api/v1/accreditations/check: the public check's answer (valid or not), with its form's
checks and its rate limit."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.response import Response

from feedback import selectors as feedback_selectors
from feedback.forms import CheckAccreditationForm
from feedback.throttle import public_check_allowed

from ..models import Scope
from ..serializers import CheckAnswerSerializer, ErrorsSerializer
from .base import ApiView

ERRORS = OpenApiResponse(ErrorsSerializer)
# What the check page's form accepts (spaces and letter case aside), for the schema.
REGISTRATION_NUMBER = r"^[Ss][Ww][0-9]{1,6}$"
REFERENCE = r"^[A-Za-z0-9-]{1,20}$"


def form_errors(form) -> dict:
    return {name: list(messages) for name, messages in form.errors.items()}


class AccreditationCheckView(ApiView):
    required_scope = Scope.CHECK_READ
    query_parameters = {"GET": {"registration_number", "reference"}}

    @extend_schema(
        operation_id="accreditation_check",
        summary="Check an accreditation",
        description=(
            "Whether a current accreditation with this reference belongs to this registration "
            "number: the same answer as the public check page, and the same limit on how many "
            "checks one address may make."
        ),
        parameters=[
            OpenApiParameter(
                "registration_number",
                str,
                required=True,
                pattern=REGISTRATION_NUMBER,
                description="Social Work England registration number, for example SW123456",
            ),
            OpenApiParameter(
                "reference",
                str,
                required=True,
                pattern=REFERENCE,
                description="The certificate's reference, for example ACC-7KQ2-M9XD",
            ),
        ],
        responses={
            200: CheckAnswerSerializer,
            400: ERRORS,
            401: ERRORS,
            403: ERRORS,
            429: ERRORS,
        },
        tags=["Accreditations"],
    )
    def get(self, request):
        if not public_check_allowed(request):
            raise Throttled(detail="Too many checks from this address: try again later")
        form = CheckAccreditationForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        valid = feedback_selectors.accreditation_is_valid(
            registration_number=form.cleaned_data["registration_number"],
            reference=form.cleaned_data["reference"],
        )
        return Response({"valid": valid})
