from django.urls import path

from . import views

app_name = "endorsement"

urlpatterns = [
    path("supervisees/", views.supervisees, name="supervisees"),
    path("to-confirm/", views.confirmation_queue, name="confirmation_queue"),
    path("mine/", views.my_endorsement, name="my_endorsement"),
]
