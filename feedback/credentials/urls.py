"""Included at the site root (naas/urls.py): the worker's download and the public check are under
/results/, beside the other results pages; the documents verifiers fetch are where the specs
put them."""

from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path(
        "results/certificates/<int:certificate_id>/credential/",
        views.download_credential,
        name="download_credential",
    ),
    path("results/check/credential/", views.check_credential, name="check_credential"),
    # One list today; a second would be another line with {"number": 2}.
    path(
        "credentials/status/1",
        views.status_list_credential,
        {"number": 1},
        name="status_list",
    ),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path(".well-known/did.json", views.did_document, name="did_document"),
]
