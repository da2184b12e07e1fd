from django.urls import path

from . import views

# One start and one callback per provider (the provider is fixed by the path, not a parameter).
app_name = "sso"
urlpatterns = [
    path("dfe-sign-in/", views.start, {"provider": "staff"}, name="start_staff"),
    path("dfe-sign-in/callback/", views.callback, {"provider": "staff"}, name="callback_staff"),
    path("gov-uk-one-login/", views.start, {"provider": "worker"}, name="start_worker"),
    path(
        "gov-uk-one-login/callback/",
        views.callback,
        {"provider": "worker"},
        name="callback_worker",
    ),
    path("registration-number/", views.registration_number, name="registration_number"),
]
