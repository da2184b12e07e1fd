from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema is public: it names no one."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", views.api_docs, name="docs"),
    path(
        # Any text, so that an id that is not a number is the API's own JSON 404.
        "v1/sittings/<path:sitting_id>/results/",
        views.SittingResultsView.as_view(),
        name="sitting_results",
    ),
    path("v1/accreditations/check", views.AccreditationCheckView.as_view(), name="check"),
    path("v1/staff/", views.StaffView.as_view(), name="staff"),
    path("v1/dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
