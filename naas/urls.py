from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from . import views
from .forms import NewPasswordForm, PasswordResetRequestForm

# The password pages take GET and POST only (a FormView would treat PUT as POST, and the
# set-password page answers a bad link before it looks at the method).
form_page = require_http_methods(["GET", "HEAD", "POST"])

naas_patterns = (
    [
        path("staff/", views.staff_start, name="staff_start"),
        path("staff/la/<int:la_id>/", views.staff_list, name="staff_list"),
        path("staff/la/<int:la_id>/import/", views.staff_import, name="staff_import"),
        path(
            "staff/la/<int:la_id>/import/<str:token>/",
            views.staff_import_check,
            name="staff_import_check",
        ),
        path(
            "staff/la/<int:la_id>/import/<str:token>/done/",
            views.staff_import_done,
            name="staff_import_done",
        ),
        path("my-details/equality/", views.equality_data, name="equality_data"),
    ],
    "naas",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("privacy/", views.privacy, name="privacy"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("favicon.ico", views.favicon, name="favicon"),
    # New accounts (from a staff import) and forgotten passwords both set a password by email.
    path(
        "password/",
        form_page(
            auth_views.PasswordResetView.as_view(
                form_class=PasswordResetRequestForm,
                template_name="registration/password_reset.html",
                email_template_name="registration/password_reset_email.txt",
                subject_template_name="registration/password_reset_subject.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "password/sent/",
        form_page(
            auth_views.PasswordResetDoneView.as_view(
                template_name="registration/password_reset_sent.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        form_page(
            auth_views.PasswordResetConfirmView.as_view(
                form_class=NewPasswordForm,
                template_name="registration/password_set.html",
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/done/",
        form_page(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="registration/password_set_done.html"
            )
        ),
        name="password_reset_complete",
    ),
    path("", include(naas_patterns)),
    path("endorsement/", include("endorsement.urls")),
    path("assessment/", include("assessment.urls")),
    path("results/", include("feedback.urls")),
    path("reporting/", include("reporting.urls")),
    # Issue 16: each part adds its paths under its own marker.
    # [ops] urls
    path("healthcheck/", include("naas.health")),
    # [notify] urls
    path("notify/", include("naas.notify.urls")),
    # [oidc] urls
    path("sso/", include("naas.sso.urls")),
    # [api] urls
    path("api/", include("api.urls")),
    # [credential] urls
    path("", include("feedback.credentials.urls")),
    path("admin/", admin.site.urls),
]
