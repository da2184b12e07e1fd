from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
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
