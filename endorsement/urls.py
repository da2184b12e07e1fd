from django.urls import path

from . import views

app_name = "endorsement"


def _form_check_done(route: str, name: str) -> list:
    """A consequential action's three pages (form, check your answers, confirmation), named
    `<name>`, `<name>_check` and `<name>_done` as naas.flows.Flow expects."""
    return [
        path(route, getattr(views, name), name=name),
        path(f"{route}check/", getattr(views, f"{name}_check"), name=f"{name}_check"),
        path(f"{route}done/", getattr(views, f"{name}_done"), name=f"{name}_done"),
    ]


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
    *_form_check_done("supervisees/endorsements/<int:pk>/sign-off/", "sign_off"),
    *_form_check_done("supervisees/endorsements/<int:pk>/decline/", "decline"),
    # LA leads
    path("to-confirm/", views.confirmation_queue, name="confirmation_queue"),
    *_form_check_done("to-confirm/<int:pk>/", "decision"),
    # The worker
    path("mine/", views.my_endorsement, name="my_endorsement"),
    path("mine/<int:pk>/consent/", views.consent, name="consent"),
    *_form_check_done("mine/<int:pk>/withdraw/", "withdraw"),
]
