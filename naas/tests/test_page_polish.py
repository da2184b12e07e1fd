"""GOV.UK page polish: the error prefix in titles, inline sign-in errors, one password hint, the
favicon, and every part of the page inside a landmark."""

import re
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.staticfiles import finders
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from naas.models import Role
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, staff_user

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(response) -> str:
    return TITLE.search(response.content.decode()).group(1).strip()


def set_password_url(client, user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return client.get(reverse("password_reset_confirm", args=[uid, token])).url


# Error: in the title of every page that shows an error summary ---------------------------------


def _error_pages(client):
    worker = SocialWorkerFactory()
    yield "sign-in", client.post(reverse("login"), {"username": "x@example.org", "password": "no"})
    yield "sign-in empty", client.post(reverse("login"), {})
    yield "password reset", client.post(reverse("password_reset"), {"email": ""})
    yield "set password", client.post(set_password_url(client, worker.user), {})
    yield (
        "check accreditation",
        client.post(
            reverse("feedback:check_accreditation"), {"registration_number": "", "reference": ""}
        ),
    )
    la = LocalAuthorityFactory()
    client.force_login(staff_user(Role.LA_LEAD, la))
    yield "staff import", client.post(reverse("naas:staff_import", args=[la.pk]), {})


def test_every_page_with_an_error_summary_starts_its_title_with_error(client):
    for name, response in _error_pages(client):
        assert "govuk-error-summary" in response.content.decode(), name
        assert title_of(response).startswith("Error: "), (name, title_of(response))


def test_a_page_without_errors_has_no_error_prefix(client):
    for url in (reverse("login"), reverse("password_reset")):
        assert not title_of(client.get(url)).startswith("Error")


def test_a_page_that_lists_errors_without_a_form_has_the_prefix_too(rf):
    request = rf.get("/")
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}Check{% endblock %}'
        '{% block content %}{% include "includes/error_summary.html" %}{% endblock %}'
    )
    assert "<title>Error: Check" in template.render({"errors": [("", "Stale")]}, request)
    assert "<title>Check" in template.render({"errors": []}, request)


def test_a_refusal_page_always_has_the_prefix(rf):
    # A refusal page is an error page whatever its context says (it is shown instead of a form).
    html = (
        engines["django"]
        .get_template("endorsement/refused.html")
        .render(
            {
                "heading": "This cannot be done",
                "message": "Stale",
                "back_url": "/",
                "back_label": "Back",
            },
            rf.get("/"),
        )
    )
    assert "<title>Error: This cannot be done" in html


def test_sign_in_does_not_autofocus_past_the_skip_link(client):
    assert "autofocus" not in client.get(reverse("login")).content.decode()


# Django's own formatting (the admin) -------------------------------------------------------


def test_django_formats_times_without_dotted_pm():
    moment = datetime(2026, 12, 2, 18, 36, tzinfo=ZoneInfo("Europe/London"))
    assert formats.localize(moment) == "2 December 2026, 18:36"
    assert formats.localize(moment.date()) == "2 December 2026"
    assert "p.m." not in formats.date_format(moment, "TIME_FORMAT")


# Sign-in: an inline error as well as the summary ---------------------------------------------


def test_wrong_sign_in_details_show_an_inline_error_on_the_email_field(client):
    response = client.post(reverse("login"), {"username": "x@example.org", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_username"' in html  # the summary links to the field
    email_group = html[html.index('id="div_id_username"') : html.index('id="div_id_password"')]
    assert "govuk-error-message" in email_group
    assert "Enter a correct email address and password" in email_group
    assert "govuk-input--error" in html
    assert html.count("Enter a correct email address and password") == 2  # summary + inline


# Set password: our hint once, not Django's list as well --------------------------------------


def test_the_set_password_page_gives_our_hint_once(client):
    worker = SocialWorkerFactory()
    html = client.get(set_password_url(client, worker.user)).content.decode()
    assert html.count("Use at least 8 characters") == 1
    assert "can’t be too similar" not in html
    assert "can’t be entirely numeric" not in html
    assert "must contain at least" not in html


# The favicon ----------------------------------------------------------------------------------


def test_favicon_redirects_permanently_to_the_govuk_icon_and_is_cached(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/assets/images/favicon.ico"
    assert "max-age=" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    assert finders.find("images/favicon.ico")


# Landmarks: nothing on the page outside one ----------------------------------------------------

LANDMARKS = {"header", "main", "footer", "nav", "section", "aside"}


class _Outside(HTMLParser):
    """Classes of elements that are not inside any landmark."""

    VOID = {"meta", "link", "input", "br", "img", "hr", "source"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if not any(t in LANDMARKS for t in self.stack) and tag not in LANDMARKS:
            self.outside.extend(classes.split())
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def test_the_phase_banner_and_back_link_are_inside_landmarks():
    request = RequestFactory().get("/")
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}A page{% endblock %}'
        '{% block before_content %}<a href="/" class="govuk-back-link">Back</a>{% endblock %}'
        "{% block content %}<h1>A page</h1>{% endblock %}"
    )
    parser = _Outside()
    parser.feed(template.render({}, request))
    assert "govuk-phase-banner" not in parser.outside
    assert "govuk-back-link" not in parser.outside
