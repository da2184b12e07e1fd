from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

naas_patterns = (
    [
        path("staff/", views.staff_start, name="staff_start"),
        path("staff/la/<int:la_id>/", views.staff_list, name="staff_list"),
        path("staff/la/<int:la_id>/import/", views.staff_import, name="staff_import"),
        path("my-details/equality/", views.equality_data, name="equality_data"),
    ],
    "naas",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("", include(naas_patterns)),
    path("endorsement/", include("endorsement.urls")),
    path("assessment/", include("assessment.urls")),
    path("results/", include("feedback.urls")),
    path("reporting/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
