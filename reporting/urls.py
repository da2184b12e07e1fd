from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
    # One sub-page per theme, each a plain path so the filters stay in the query string.
    path("pipeline/", views.dashboard_section, {"section": "pipeline"}, name="dashboard_pipeline"),
    path("outcomes/", views.dashboard_section, {"section": "outcomes"}, name="dashboard_outcomes"),
    path("kss-areas/", views.dashboard_section, {"section": "areas"}, name="dashboard_areas"),
    path(
        "local-authorities/",
        views.dashboard_section,
        {"section": "local-authorities"},
        name="dashboard_local_authorities",
    ),
    path("equality/", views.dashboard_section, {"section": "equality"}, name="dashboard_equality"),
    path("funding/", views.dashboard_section, {"section": "funding"}, name="dashboard_funding"),
    path("la-reports/", views.la_reports_start, name="la_reports_start"),
    path("la-reports/la/<int:la_id>/", views.la_reports, name="la_reports"),
    path("la-reports/<int:pk>/", views.la_report, name="la_report"),
    path("la-reports/<int:pk>/status/", views.la_report_status, name="la_report_status"),
    path(
        "la-reports/<int:pk>/report.pdf",
        views.la_report_download,
        {"kind": "pdf"},
        name="la_report_pdf",
    ),
    path(
        "la-reports/<int:pk>/report.csv",
        views.la_report_download,
        {"kind": "csv"},
        name="la_report_csv",
    ),
    path("la-reports/<int:pk>/retry/", views.la_report_retry, name="la_report_retry"),
]
