"""GET and PATCH /api/v1/staff/: an LA HR system reads and updates its own LA's staff list,
through the same check and service as the staff list upload."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination

from naas import selectors as naas_selectors

from .. import services
from ..models import Scope
from ..permissions import HasScope, ManagesItsLocalAuthority
from ..serializers import (
    ErrorsSerializer,
    StaffMemberSerializer,
    StaffPageSerializer,
    StaffUpdatedSerializer,
    StaffUpdateSerializer,
)
from .base import IDEMPOTENCY_HEADER, KEY_PATTERN, ApiView, answered, request_digest

ERRORS = OpenApiResponse(ErrorsSerializer)


class StaffPages(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


class StaffPageQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=StaffPages.max_limit, required=False)
    offset = serializers.IntegerField(min_value=0, required=False)


class HasStaffScope(HasScope):
    """Reading needs staff:read, changing staff:write."""

    def has_permission(self, request, view) -> bool:
        view.required_scope = Scope.STAFF_READ if request.method == "GET" else Scope.STAFF_WRITE
        return super().has_permission(request, view)


class StaffView(ApiView):
    permission_classes = [HasStaffScope, ManagesItsLocalAuthority]
    pagination_class = StaffPages
    query_parameters = {"GET": {"limit", "offset"}}

    @extend_schema(
        operation_id="staff_list",
        summary="Your local authority's social workers",
        parameters=[
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 1000},
                description="At most 1,000 a page (100 by default)",
            ),
            OpenApiParameter("offset", {"type": "integer", "minimum": 0}),
        ],
        responses={
            200: StaffPageSerializer,
            400: ERRORS,
            401: ERRORS,
            403: ERRORS,
            429: ERRORS,
        },
        tags=["Staff"],
    )
    def get(self, request):
        StaffPageQuery(data=request.query_params).is_valid(raise_exception=True)
        workers = naas_selectors.staff_for_la(self.client.local_authority).order_by(
            "user__full_name", "pk"
        )
        pages = self.pagination_class()
        page = pages.paginate_queryset(workers, request, view=self)
        return pages.get_paginated_response(StaffMemberSerializer(page, many=True).data)

    @extend_schema(
        operation_id="staff_update",
        summary="Add or update social workers",
        description=(
            "Rows as in the staff list file. A row adds someone new, or updates one of your own "
            "social workers matched by registration number and email address; an email address "
            "is never changed, and no one at another local authority is touched. Any bad row and "
            "nothing is saved (422, with every problem listed)."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                pattern=KEY_PATTERN,
                description="Optional: the same request under the same key is applied once",
            )
        ],
        request=StaffUpdateSerializer,
        responses={
            200: StaffUpdatedSerializer,
            400: ERRORS,
            401: ERRORS,
            403: ERRORS,
            409: ERRORS,
            413: ERRORS,
            422: ERRORS,
            429: ERRORS,
        },
        tags=["Staff"],
    )
    def patch(self, request):
        key = self.idempotency_key(required=False)
        payload = StaffUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answer = services.staff_rows_apply(
            client=self.client,
            rows=payload.validated_data["rows"],
            idempotency_key=key,
            digest=request_digest(payload.validated_data),
        )
        return answered(answer)
