"""Sign-in: each role's start page, lockout, idle timeout, CSRF, CSP and production security."""

import importlib
import json
import os
import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from joserfc.jwk import OKPKey

from naas.middleware import SESSION_KEY
from naas.models import Role, StaffRole
from naas.tests.factories import (
    TEST_PASSWORD,
    LocalAuthorityFactory,
    SocialWorkerFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"
LOCKED_OUT_TEXT = "You cannot sign in at the moment"


def sign_in(client, email, password=TEST_PASSWORD, ip="10.0.0.1", **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


# Each role's start page ---------------------------------------------------------------------


def _user_for(kind: str):
    if kind == "social_worker":
        return SocialWorkerFactory().user
    if kind == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    if kind == "no_role":
        return UserFactory()
    la = LocalAuthorityFactory()
    return staff_user(kind, la)


@pytest.mark.parametrize(
    ("kind", "start_url_name"),
    [
        (Role.SUPERVISOR, "endorsement:supervisees"),
        (Role.LA_LEAD, "naas:staff_start"),
        (Role.ASSESSOR, "assessment:assessor_home"),
        (Role.MODERATOR, "assessment:assessor_home"),
        (Role.ADMINISTRATOR, "assessment:admin_home"),
        (Role.DFE, "reporting:dashboard"),
        ("social_worker", "endorsement:my_endorsement"),
        ("superuser", "admin:index"),
    ],
)
def test_signing_in_sends_each_role_to_its_start_page(client, kind, start_url_name):
    # given a user holding one role
    user = _user_for(kind)
    # when they sign in through the sign-in page
    response = sign_in(client, user.email)
    # then they go home, and home sends them to their own start page
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"] == reverse(start_url_name)


@pytest.mark.parametrize(
    "kind",
    [
        Role.SUPERVISOR,
        Role.LA_LEAD,
        Role.ASSESSOR,
        Role.MODERATOR,
        Role.ADMINISTRATOR,
        Role.DFE,
        "social_worker",
        "superuser",
    ],
)
def test_each_start_page_opens_for_its_role(client, kind):
    # given a signed-in user
    client.force_login(_user_for(kind))
    # when they follow home to their start page
    response = client.get(reverse("home"), follow=True)
    # then the page opens
    assert response.status_code == 200
    assert len(response.redirect_chain) >= 1


def test_lead_start_page_is_their_own_la_staff_list(client):
    lead = staff_user(Role.LA_LEAD)
    la_id = StaffRole.objects.get(user=lead).local_authority_id
    client.force_login(lead)
    response = client.get(reverse("naas:staff_start"))
    assert response["Location"] == reverse("naas:staff_list", kwargs={"la_id": la_id})


def test_user_without_a_role_gets_the_no_access_page(client):
    # given a user with no role who is not a social worker
    user = UserFactory()
    # when they sign in
    response = sign_in(client, user.email, follow=True)
    # then home answers 403 with the no-access page
    assert response.status_code == 403
    assert "You do not have access to any part of this service yet" in response.content.decode()


def test_a_user_with_several_roles_starts_on_the_first_in_priority_order(client):
    la = LocalAuthorityFactory()
    user = staff_user(Role.LA_LEAD, la)
    StaffRole.objects.create(user=user, role=Role.SUPERVISOR, local_authority=la)
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == reverse("endorsement:supervisees")


def test_anonymous_home_goes_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signed_in_user_visiting_sign_in_goes_home(client):
    client.force_login(staff_user(Role.DFE))
    response = client.get(SIGN_IN)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_out_ends_the_session(client):
    client.force_login(staff_user(Role.DFE))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("reporting:dashboard")).status_code == 302


def test_sign_in_page_uses_govuk_form(client):
    response = client.get(SIGN_IN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sign in to social work accreditation" in body
    assert 'autocomplete="email"' in body
    assert "Social work accreditation" in body


# Wrong password and lockout -----------------------------------------------------------------


def test_wrong_password_shows_the_error_summary(client):
    # given a user
    user = staff_user(Role.DFE)
    # when they sign in with the wrong password
    response = sign_in(client, user.email, password="wrong")
    body = response.content.decode()
    # then the page shows the GOV.UK error summary, keeps the email, and signs no one in
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "There is a problem" in body
    assert "Enter a correct email address and password" in body
    assert f'value="{user.email}"' in body
    assert "<title>Error: " in body
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_form_explains_both_fields(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter your email address" in body
    assert "Enter your password" in body


def test_right_password_signs_in(client):
    user = staff_user(Role.DFE)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def _fail(client, email, times, ip="10.0.0.1") -> list[int]:
    """Sign in with a wrong password `times` times; the status codes answered."""
    return [sign_in(client, email, password="wrong", ip=ip).status_code for _ in range(times)]


def test_nine_failures_do_not_lock(client):
    user = staff_user(Role.DFE)
    assert _fail(client, user.email, 9) == [200] * 9
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_ten_failures_lock_that_username_from_that_address(client):
    # given a user who got their password wrong 10 times from one address
    user = staff_user(Role.DFE)
    statuses = _fail(client, user.email, 10)
    # (the tenth failure itself already answers with the locked-out page)
    assert statuses == [200] * 9 + [429]
    # when they try the right password from the same address
    response = sign_in(client, user.email)
    # then they are refused with the locked-out page and not signed in
    assert response.status_code == 429
    assert LOCKED_OUT_TEXT in response.content.decode()
    assert "Wait 15 minutes, then try again" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_reach_the_same_username_from_another_address():
    # given a username locked out from one address
    user = staff_user(Role.DFE)
    _fail(Client(), user.email, 10, ip="10.0.0.1")
    # when someone signs in with it from another address
    elsewhere = Client()
    response = sign_in(elsewhere, user.email, ip="10.0.0.2")
    # then they get in
    assert response.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(user.pk)


def test_lockout_does_not_reach_another_username_from_the_same_address():
    user, colleague = staff_user(Role.DFE), staff_user(Role.DFE)
    _fail(Client(), user.email, 10)
    client = Client()
    response = sign_in(client, colleague.email)
    assert response.status_code == 302


class _Clock:
    """Patches the clocks that axes and Django read, so the test can move time forward."""

    def __init__(self, moment):
        self.moment = moment
        self.patches = [
            mock.patch("axes.handlers.proxy.now", side_effect=lambda: self.moment),
            mock.patch("axes.attempts.now", side_effect=lambda: self.moment),
            mock.patch("django.utils.timezone.now", side_effect=lambda: self.moment),
        ]

    def __enter__(self):
        for patch in self.patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in reversed(self.patches):
            patch.stop()


def test_lockout_lifts_after_the_15_minute_cool_off(client):
    # given a username locked out at a given time
    user = staff_user(Role.DFE)
    locked_at = timezone.now()
    with _Clock(locked_at) as clock:
        _fail(client, user.email, 10)
        assert sign_in(client, user.email).status_code == 429
        # when 14 minutes have passed, it is still locked
        clock.moment = locked_at + timedelta(minutes=14)
        assert sign_in(client, user.email).status_code == 429
        # when a little over 15 minutes have passed since the last attempt
        clock.moment = locked_at + timedelta(minutes=14 + 15, seconds=1)
        response = sign_in(client, user.email)
    # then the right password works again
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_lockout_settings_are_per_username_and_address():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_successful_sign_in_resets_the_failure_count(client):
    user = staff_user(Role.DFE)
    _fail(client, user.email, 9)
    assert sign_in(client, user.email).status_code == 302
    client.post(reverse("logout"))
    _fail(client, user.email, 9)
    assert sign_in(client, user.email).status_code == 302


def test_lockout_for_an_unknown_email_gives_no_server_error(client):
    _fail(client, "nobody@example.org", 10)
    response = sign_in(client, "nobody@example.org")
    assert response.status_code == 429
    assert AccessAttempt.objects.filter(username="nobody@example.org").exists()


# Idle timeout -------------------------------------------------------------------------------


def _set_last_seen(client, seconds_ago):
    session = client.session
    session[SESSION_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_idle_session_is_signed_out(client):
    # given a signed-in user whose last request was longer ago than the idle timeout
    user = staff_user(Role.DFE)
    client.force_login(user)
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    _set_last_seen(client, settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
    # when they make a request
    response = client.get(reverse("reporting:dashboard"))
    # then they are signed out and sent to sign in, with a message saying why
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "You were signed out because you were inactive." in page.content.decode()
    assert client.get(reverse("reporting:dashboard")).status_code == 302


def test_active_session_stays_signed_in(client):
    user = staff_user(Role.DFE)
    client.force_login(user)
    client.get(reverse("reporting:dashboard"))
    _set_last_seen(client, settings.SESSION_IDLE_TIMEOUT_SECONDS - 60)
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    # and the request moved the last-seen time forward
    assert client.session[SESSION_KEY] >= int(time.time()) - 5


@override_settings(SESSION_IDLE_TIMEOUT_SECONDS=60)
def test_idle_timeout_follows_the_setting(client):
    client.force_login(staff_user(Role.DFE))
    client.get(reverse("reporting:dashboard"))
    _set_last_seen(client, 61)
    assert client.get(reverse("reporting:dashboard"))["Location"] == reverse("login")


# CSRF, CSP and production security settings -------------------------------------------------


def test_sign_in_post_without_csrf_token_is_refused():
    # given a client that enforces CSRF, and a user
    user = staff_user(Role.DFE)
    client = Client(enforce_csrf_checks=True)
    # when it posts the sign-in form without a token
    response = sign_in(client, user.email)
    # then it is refused and no one is signed in
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_sign_in_post_with_csrf_token_works():
    user = staff_user(Role.DFE)
    client = Client(enforce_csrf_checks=True)
    page = client.get(SIGN_IN)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(
        SIGN_IN,
        {"username": user.email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_pages_carry_a_csp_with_a_script_nonce(client):
    # given the sign-in page
    response = client.get(SIGN_IN)
    policy = response["Content-Security-Policy"]
    # then the policy allows scripts only from the site and with this response's nonce
    nonce = re.search(r"script-src [^;]*'nonce-([^']+)'", policy)[1]
    assert "'self'" in policy.split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    # and every script on the page carries that nonce
    body = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", body)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_each_response_gets_a_fresh_nonce(client):
    first = client.get(SIGN_IN)["Content-Security-Policy"]
    second = client.get(SIGN_IN)["Content-Security-Policy"]
    assert first != second


def test_other_security_headers(client):
    response = client.get(SIGN_IN)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "DEBUG",
]


@pytest.fixture
def production_settings(monkeypatch):
    """The production settings module's values, read with the environment it requires."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only-" + "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "accreditation.example.gov.uk")
    monkeypatch.setenv("DATABASE_URL", "postgres://naas@db.example:5432/naas")
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/0")
    monkeypatch.delitem(sys.modules, "naas.settings.production", raising=False)
    module = importlib.import_module("naas.settings.production")
    yield module
    sys.modules.pop("naas.settings.production", None)


def test_production_settings_are_secure(production_settings):
    prod = production_settings
    assert prod.DEBUG is False
    assert prod.SECRET_KEY.startswith("test-only-")
    assert prod.ALLOWED_HOSTS == ["accreditation.example.gov.uk"]
    assert prod.SESSION_COOKIE_SECURE is True
    assert prod.CSRF_COOKIE_SECURE is True
    assert prod.SESSION_COOKIE_HTTPONLY is True
    assert prod.SECURE_SSL_REDIRECT is True
    assert prod.SECURE_HSTS_SECONDS >= 31536000
    assert prod.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert prod.CELERY_TASK_ALWAYS_EAGER is False
    assert prod.CELERY_BROKER_URL == "redis://redis.example:6379/0"
    assert prod.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_production_settings_need_a_secret_key(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "accreditation.example.gov.uk")
    monkeypatch.setenv("DATABASE_URL", "postgres://naas@db.example:5432/naas")
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/0")
    monkeypatch.delitem(sys.modules, "naas.settings.production", raising=False)
    # base.py reads a local .env file if there is one; keep it out of this test
    with mock.patch("environ.Env.read_env"), pytest.raises(ImproperlyConfigured):
        importlib.import_module("naas.settings.production")
    sys.modules.pop("naas.settings.production", None)


def test_https_responses_under_production_settings_send_hsts_and_secure_cookies(
    client, production_settings
):
    # given the production security settings
    values = {name: getattr(production_settings, name) for name in SECURITY_SETTINGS}
    with override_settings(**values):
        # when the sign-in page is fetched over HTTPS
        response = client.get(SIGN_IN, secure=True)
        # then it sends HSTS and a secure, host-only CSRF cookie
        assert response.status_code == 200
        assert "max-age=31536000" in response["Strict-Transport-Security"]
        assert "includeSubDomains" in response["Strict-Transport-Security"]
        cookie = response.cookies["__Host-csrftoken"]
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        # and signing in sets a secure session cookie
        user = staff_user(Role.DFE)
        signed_in = client.post(
            SIGN_IN, {"username": user.email, "password": TEST_PASSWORD}, secure=True
        )
        assert signed_in.status_code == 302
        session_cookie = signed_in.cookies["__Host-sessionid"]
        assert session_cookie["secure"] is True
        assert session_cookie["httponly"] is True
        assert session_cookie["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https_under_production_settings(client, production_settings):
    values = {name: getattr(production_settings, name) for name in SECURITY_SETTINGS}
    with override_settings(**values):
        response = client.get(SIGN_IN)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_email_is_matched_whatever_its_case(client):
    user = staff_user(Role.DFE)
    response = sign_in(client, f"  {user.email.upper()} ")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failures_in_different_cases_count_against_the_same_username(client):
    # given 10 failures that spell the email in different cases
    user = staff_user(Role.DFE)
    for attempt in range(10):
        email = user.email.upper() if attempt % 2 else user.email
        sign_in(client, email, password="wrong")
    # when the right password is tried
    response = sign_in(client, user.email)
    # then the username is locked
    assert response.status_code == 429


def test_deploy_checks_pass_with_production_settings():
    # given the production settings and the environment they require
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "naas.settings.production",
        "DJANGO_SECRET_KEY": "deploy-check-" + "k7Q9xZ2mW4pL8vR3" * 4,
        "DJANGO_ALLOWED_HOSTS": "accreditation.example.gov.uk",
        "DATABASE_URL": "postgres://naas@db.example:5432/naas",
        "REDIS_URL": "redis://redis.example:6379/0",
        "NAAS_SITE_URL": "https://accreditation.example.gov.uk",
        "NAAS_CREDENTIAL_SIGNING_KEY": json.dumps(
            OKPKey.generate_key("Ed25519").as_dict(private=True)
        ),
        "NAAS_NOTIFY_API_KEY": f"deploy-check-{uuid.uuid4()}-{uuid.uuid4()}",
        **{
            f"NAAS_NOTIFY_TEMPLATE_{kind.upper()}": str(uuid.uuid4())
            for kind in settings.NAAS_NOTIFY_TEMPLATES
        },
    }
    manage = Path(settings.BASE_DIR) / "manage.py"
    # when Django's deploy checks run, failing on warnings
    result = subprocess.run(
        [sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # then there is nothing to fix
    assert result.returncode == 0, result.stdout + result.stderr
