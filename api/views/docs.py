"""/api/docs/: a GOV.UK page naming the endpoints and linking to the OpenAPI schema (Swagger UI
and Redoc would load scripts from a CDN, which the content security policy forbids)."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..models import Scope

ENDPOINTS = [
    ("POST", "/api/v1/sittings/{id}/results/", Scope.RESULTS_WRITE, "Push a sitting's results"),
    ("GET", "/api/v1/accreditations/check", Scope.CHECK_READ, "Check an accreditation"),
    ("GET", "/api/v1/staff/", Scope.STAFF_READ, "Your local authority's social workers"),
    ("PATCH", "/api/v1/staff/", Scope.STAFF_WRITE, "Add or update social workers"),
    ("GET", "/api/v1/dashboard/", Scope.DASHBOARD_READ, "DfE's dashboard figures"),
]


@require_http_methods(["GET", "HEAD"])
def api_docs(request):
    return render(
        request,
        "api/docs.html",
        {
            "endpoints": [
                {"method": m, "path": p, "scope": s.value, "what": w} for m, p, s, w in ENDPOINTS
            ]
        },
    )
