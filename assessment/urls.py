from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("allocated/", views.assessor_home, name="assessor_home"),
    path("days/", views.admin_home, name="admin_home"),
]
