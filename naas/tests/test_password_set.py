"""New accounts from a staff import, and people who forget, set a password by emailed link."""

import re

import pytest
from django.urls import reverse

from naas.notify.models import NotifyMessage
from naas.tests.factories import SocialWorkerFactory

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def _link_from(message) -> str:
    return re.search(r"https?://[^/]+(/password/set/\S+)", message.personalisation["link"]).group(1)


@pytest.mark.django_db
def test_an_imported_worker_sets_a_password_by_email_and_signs_in(
    client, django_capture_on_commit_callbacks
):
    # given a worker whose account came from a staff import (no usable password)
    worker = SocialWorkerFactory()
    worker.user.set_unusable_password()
    worker.user.save()
    # when they ask for a link
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": worker.user.email.upper()})
    # then one email names them and carries the link, and nothing else personal
    assert response.status_code == 302
    message = NotifyMessage.objects.get()
    assert (message.kind, message.recipient) == ("password_set_link", worker.user)
    assert message.status == "delivered"  # console delivery in tests (naas/notify)
    assert set(message.personalisation) == {"name", "link"}
    assert message.personalisation["name"] == worker.user.full_name
    assert worker.registration_number not in str(message.personalisation)
    # when they follow it and choose a password
    link = _link_from(message)
    form_url = client.get(link).url  # Django swaps the token for a session before showing it
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    # then they can sign in, and the link cannot be used again
    signed_in = client.post(
        reverse("login"), {"username": worker.user.email, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    client.post(reverse("logout"))
    assert "The link has expired" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_an_unknown_email_gets_the_same_page_and_no_email(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert not NotifyMessage.objects.exists()


@pytest.mark.django_db
def test_a_weak_or_mismatched_password_is_refused_with_an_error_summary(client):
    worker = SocialWorkerFactory()
    client.post(reverse("password_reset"), {"email": worker.user.email})
    form_url = client.get(_link_from(NotifyMessage.objects.get())).url
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "This password is too common" in page
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert "There is a problem" in response.content.decode()
    worker.user.refresh_from_db()
    assert not worker.user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_bad_email_address_is_refused(client):
    response = client.post(reverse("password_reset"), {"email": "not-an-email"})
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()
