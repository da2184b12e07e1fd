"""GET /api/v1/dashboard/: DfE's aggregate figures, with the dashboard's filters and its
small-number suppression (the same tables the dashboard page and its CSVs show)."""

import re
from datetime import date
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from naas.models import Level, PhaseCode, Region
from reporting import selectors as reporting_selectors
from reporting import summaries
from reporting.dashboard_tables import SUPPRESSION_NOTE, dashboard_tables
from reporting.forms import DashboardFilterForm

from ..models import Scope
from ..serializers import DashboardSerializer, ErrorsSerializer
from .base import ApiView
from .check import form_errors

ERRORS = OpenApiResponse(ErrorsSerializer)
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
SELECTS = ("phase", "local_authority", "region", "level")
DATES = ("start", "end")


def _form_data(params) -> dict:
    """The query string as the dashboard's filter form takes it (a date's day, month and year
    in their own boxes); a date not written YYYY-MM-DD is refused here."""
    data = {name: params[name] for name in SELECTS if params.get(name)}
    wrong = {}
    for name in DATES:
        value = params.get(name, "")
        if not value:
            continue
        match = ISO_DATE.fullmatch(value)
        if match is None:
            wrong[name] = ["Enter the date as YYYY-MM-DD, for example 2026-03-31"]
            continue
        year, month, day = match.groups()
        data.update({f"{name}_0": day, f"{name}_1": month, f"{name}_2": year})
    if wrong:
        raise serializers.ValidationError(wrong)
    return data


def _value(cell):
    """A table cell as JSON: a suppressed count says why it is not shown, never the count."""
    if hasattr(cell, "value"):
        cell = cell.value
    if isinstance(cell, Decimal):
        return float(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


class Unprocessable(serializers.ValidationError):
    status_code = 422


class DashboardView(ApiView):
    required_scope = Scope.DASHBOARD_READ
    query_parameters = {"GET": {*SELECTS, *DATES}}

    @extend_schema(
        operation_id="dashboard",
        summary="DfE's dashboard figures",
        description=(
            "Every table of the DfE dashboard. " + SUPPRESSION_NOTE + " Dates are YYYY-MM-DD."
        ),
        parameters=[
            OpenApiParameter("phase", str, enum=PhaseCode.values),
            OpenApiParameter("local_authority", int, description="A local authority's id"),
            OpenApiParameter("region", str, enum=Region.values),
            OpenApiParameter("level", str, enum=Level.values),
            OpenApiParameter("start", OpenApiTypes.DATE, description="YYYY-MM-DD"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="YYYY-MM-DD"),
        ],
        responses={
            200: DashboardSerializer,
            400: ERRORS,
            401: ERRORS,
            403: ERRORS,
            422: ERRORS,
            429: ERRORS,
        },
        tags=["Dashboard"],
    )
    def get(self, request):
        form = DashboardFilterForm(_form_data(request.query_params))
        if not form.is_valid():
            # Well-formed, but naming no such LA, or a period outside the service's: a 422.
            raise Unprocessable(form_errors(form))
        data = form.cleaned_data
        filters = reporting_selectors.Filters(
            phase=data["phase"],
            local_authority=data["local_authority"],
            region=data["region"],
            level=data["level"],
            start=data["start"],
            end=data["end"],
        )
        today = timezone.localdate()
        run = summaries.current_run(today=today)
        board = reporting_selectors.dashboard(filters, today=today, with_groups=True, run=run)
        return Response(
            {
                "figures_as_at": board.figures_as_at,
                "filters": {
                    "phase": data["phase"] or None,
                    "local_authority": data["local_authority"].pk
                    if data["local_authority"]
                    else None,
                    "region": data["region"] or None,
                    "level": data["level"] or None,
                    "start": data["start"],
                    "end": filters.end_or(today),
                },
                "suppression": SUPPRESSION_NOTE,
                "tables": [
                    {
                        "key": table.key,
                        "caption": table.caption,
                        "headers": table.csv_headers or table.headers,
                        "rows": [[_value(cell) for cell in row] for row in table.rows],
                        "note": table.note,
                    }
                    for table in dashboard_tables(board)
                ],
            }
        )
