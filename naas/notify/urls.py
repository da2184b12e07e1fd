from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("callback/", views.callback, name="callback"),
    path("failed/", views.failed, name="failed"),
]
