from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.my_results, name="my_results"),
    path("outcomes/<int:outcome_id>/support/", views.support_request, name="support_request"),
    path(
        "outcomes/<int:outcome_id>/support/check/",
        views.support_request_check,
        name="support_request_check",
    ),
    path(
        "outcomes/<int:outcome_id>/support/sent/",
        views.support_request_done,
        name="support_request_done",
    ),
    path("workers/", views.results_workers, name="results_workers"),
    path("workers/<int:worker_id>/", views.worker_results, name="worker_results"),
    path(
        "workers/<int:worker_id>/support/new/",
        views.support_action_new,
        name="support_action_new",
    ),
    path(
        "support-actions/<int:action_id>/status/",
        views.support_action_status,
        name="support_action_status",
    ),
    path("attempts/<int:attempt_id>/feedback/", views.write_feedback, name="write_feedback"),
    path("letters/", views.letters, name="letters"),
    path("letters/<int:letter_id>/download/", views.download_letter, name="download_letter"),
    path("letters/<int:letter_id>/retry/", views.letter_retry, name="letter_retry"),
    path(
        "certificates/<int:certificate_id>/download/",
        views.download_certificate,
        name="download_certificate",
    ),
    path(
        "certificates/<int:certificate_id>/retry/",
        views.certificate_retry,
        name="certificate_retry",
    ),
    path("check/", views.check_accreditation, name="check_accreditation"),
]
