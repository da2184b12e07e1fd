from django.urls import path

from . import views

app_name = "endorsement"

# Every page sits under its role's start page, so the service navigation stays on its section.
urlpatterns = [
    # Supervisors
    path("supervisees/", views.supervisees, name="supervisees"),
    path("supervisees/<int:worker_id>/", views.supervisee, name="supervisee"),
    path("supervisees/<int:worker_id>/start/", views.start, name="start"),
    path(
        "supervisees/<int:worker_id>/supervision/new/",
        views.supervision_new,
        name="supervision_new",
    ),
    path("supervisees/<int:worker_id>/feedback/new/", views.feedback_new, name="feedback_new"),
    path(
        "supervisees/<int:worker_id>/feedback/<int:feedback_id>/considered/",
        views.feedback_considered,
        name="feedback_considered",
    ),
    path("supervisees/endorsements/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path(
        "supervisees/endorsements/<int:pk>/sign-off/check/",
        views.sign_off_check,
        name="sign_off_check",
    ),
    path(
        "supervisees/endorsements/<int:pk>/sign-off/done/",
        views.sign_off_done,
        name="sign_off_done",
    ),
    path("supervisees/endorsements/<int:pk>/decline/", views.decline, name="decline"),
    path(
        "supervisees/endorsements/<int:pk>/decline/check/",
        views.decline_check,
        name="decline_check",
    ),
    path(
        "supervisees/endorsements/<int:pk>/decline/done/",
        views.decline_done,
        name="decline_done",
    ),
    # LA leads
    path("to-confirm/", views.confirmation_queue, name="confirmation_queue"),
    path("to-confirm/<int:pk>/", views.decision, name="decision"),
    path("to-confirm/<int:pk>/check/", views.decision_check, name="decision_check"),
    path("to-confirm/<int:pk>/done/", views.decision_done, name="decision_done"),
    # The worker
    path("mine/", views.my_endorsement, name="my_endorsement"),
    path("mine/<int:pk>/consent/", views.consent, name="consent"),
    path("mine/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("mine/<int:pk>/withdraw/check/", views.withdraw_check, name="withdraw_check"),
    path("mine/<int:pk>/withdraw/done/", views.withdraw_done, name="withdraw_done"),
]
