"""Emails through GOV.UK Notify (naas.notify), against a stand-in of Notify's API on loopback:
the real client signs each request, the stand-in checks the token, and answers as told."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone

from naas.models import AuditEvent, Role
from naas.notify import services
from naas.notify.kinds import PersonalisationRefused
from naas.notify.models import NotifyMessage, NotifyStatus
from naas.tests.factories import UserFactory, staff_user
from naas.tests.notify_stand_in import (
    API_KEY,
    CALLBACK_TOKEN,
    SERVICE_ID,
    TEMPLATES,
    TIMEOUT,
    NotifyStandIn,
)

pytestmark = pytest.mark.django_db

CALLBACK = "/notify/callback/"


@pytest.fixture
def notify(settings):
    with NotifyStandIn() as stand_in:
        stand_in.configure(settings)
        yield stand_in


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Queue a letter-ready email and let the transaction commit (the task runs eagerly)."""

    def queue(recipient=None, **personalisation):
        recipient = recipient or UserFactory(full_name="Nadia Okonjo")
        with django_capture_on_commit_callbacks(execute=True):
            message = services.notify_message_queue(
                kind="feedback_letter_ready",
                recipient=recipient,
                personalisation={"name": recipient.full_name, "link": "https://x.test/results/"}
                | personalisation,
                actor=None,
            )
        message.refresh_from_db()
        return message

    return queue


def _callback(client, token=CALLBACK_TOKEN, **body):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(CALLBACK, data=json.dumps(body), content_type="application/json", **headers)


# --- Sending ------------------------------------------------------------------------------------


def test_an_email_is_signed_sent_and_accepted(notify, send):
    # when an email is queued and its transaction commits
    message = send()
    # then the stand-in got one request, with a valid token, to the right template
    [request] = notify.requests
    assert request["auth"] is None  # iss, HS256 with the key's secret, a fresh iat
    assert notify.emails == [
        {
            "email_address": message.recipient.email,
            "template_id": TEMPLATES["feedback_letter_ready"],
            "personalisation": {"name": "Nadia Okonjo", "link": "https://x.test/results/"},
            "reference": message.reference,
        }
    ]
    assert message.status == NotifyStatus.SENDING and message.notify_id
    assert message.attempts == 1 and message.sent_at is not None
    # and the address is not kept on the row
    assert message.recipient.email not in json.dumps(message.personalisation)
    assert AuditEvent.objects.for_object(message).filter(action="notify_message.queued").exists()


def test_a_server_error_then_success_is_retried_and_delivered(notify, send, client):
    notify.answer(500)
    message = send()
    assert len(notify.emails) == 2
    assert message.status == NotifyStatus.SENDING and message.attempts == 2
    # when Notify calls back with the delivery
    response = _callback(
        client, id=message.notify_id, reference=message.reference, status="delivered"
    )
    # then it is delivered
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == NotifyStatus.DELIVERED and message.completed_at is not None


def test_a_timeout_is_retried(notify, send):
    notify.answer(TIMEOUT)
    message = send()
    assert len(notify.emails) == 2
    assert message.status == NotifyStatus.SENDING and message.attempts == 2


def test_always_a_server_error_ends_a_technical_failure_shown_to_administrators(
    notify, send, client
):
    notify.answer(*[500] * 10)
    message = send(UserFactory(full_name="Ravi Underhill"))
    # then the first try and five retries, then it gives up
    assert len(notify.emails) == 6
    assert message.status == NotifyStatus.TECHNICAL_FAILURE and message.attempts == 6
    assert "500" in message.last_error
    assert AuditEvent.objects.for_object(message).filter(action="notify_message.failed").exists()
    # and the administrator sees it, by name, with the reason
    client.force_login(staff_user(Role.ADMINISTRATOR))
    response = client.get(reverse("notify:failed"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ravi Underhill" in page and "Result letter ready" in page
    assert "Technical failure" in page and "Internal server error" in page
    assert "no-store" in response["Cache-Control"]
    assert message.recipient.email not in page


def test_a_bad_request_fails_for_good_at_once(notify, send):
    notify.answer(400)
    message = send()
    assert len(notify.emails) == 1
    assert message.status == NotifyStatus.PERMANENT_FAILURE and message.attempts == 1
    assert "Template not found" in message.last_error


def test_a_wrong_api_key_is_refused_by_notify_and_not_retried(notify, send, settings):
    settings.NAAS_NOTIFY_API_KEY = (
        f"naas_test-{SERVICE_ID}-{'f' * 8}-{'f' * 4}-4fff-8fff-{'f' * 12}"
    )
    message = send()
    assert notify.requests[0]["auth"] == "bad token: Signature verification failed"
    assert message.status == NotifyStatus.PERMANENT_FAILURE and "403" in message.last_error


def test_a_duplicated_task_sends_once(notify, send):
    from naas.notify.tasks import send_notify_message

    message = send()
    send_notify_message.delay(message.pk)
    assert len(notify.emails) == 1


def test_personalisation_with_a_key_the_kind_does_not_allow_is_refused(notify, send):
    with pytest.raises(PersonalisationRefused, match="feedback"):
        send(feedback="Your analysis of risk was weak")
    with pytest.raises(PersonalisationRefused):
        send(name={"nested": "values"})
    assert not NotifyMessage.objects.exists()
    assert notify.requests == []


def test_console_delivery_records_and_prints_without_notify(settings, send, capsys):
    settings.NAAS_EMAIL_DELIVERY = "console"
    message = send()
    assert message.status == NotifyStatus.DELIVERED
    printed = capsys.readouterr().out
    assert "Your assessment result letter is ready" in printed
    assert "https://x.test/results/" in printed
    assert message.recipient.email not in printed


def test_the_sweep_asks_notify_about_emails_still_sending(notify, send, time_machine):
    message = send()
    notify.statuses[message.notify_id] = "permanent-failure"
    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    assert services.notify_messages_sweep(older_than=timedelta(minutes=30))["polled"] == 1
    message.refresh_from_db()
    assert message.status == NotifyStatus.PERMANENT_FAILURE
    assert "email address" in message.last_error


def test_the_sweep_sends_an_email_whose_task_never_went(notify, time_machine):
    # given an email queued in a transaction whose send was lost (no on-commit here)
    user = UserFactory()
    message = services.notify_message_queue(
        kind="password_set_link",
        recipient=user,
        personalisation={"name": user.full_name, "link": "https://x.test/password/set/a/b/"},
        actor=None,
    )
    assert services.notify_messages_sweep(older_than=timedelta(minutes=30))["resent"] == 0
    # when the sweep runs later
    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    assert services.notify_messages_sweep(older_than=timedelta(minutes=30))["resent"] == 1
    # then it went
    message.refresh_from_db()
    assert message.status == NotifyStatus.SENDING
    assert [e["reference"] for e in notify.emails] == [message.reference]


# --- Notify's callback --------------------------------------------------------------------------


def test_the_callback_records_a_permanent_failure(notify, send, client):
    message = send()
    response = _callback(
        client, id=message.notify_id, reference=message.reference, status="permanent-failure"
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == NotifyStatus.PERMANENT_FAILURE
    # and a late interim status does not undo it
    _callback(client, id=message.notify_id, reference=message.reference, status="sending")
    message.refresh_from_db()
    assert message.status == NotifyStatus.PERMANENT_FAILURE


@pytest.mark.parametrize("token", [None, "wrong-token", CALLBACK_TOKEN + "x", ""])
def test_the_callback_refuses_a_missing_or_wrong_token(notify, send, client, token):
    message = send()
    response = _callback(client, token=token, id=message.notify_id, status="delivered")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    message.refresh_from_db()
    assert message.status == NotifyStatus.SENDING


def test_the_callback_refuses_everything_when_no_token_is_configured(settings, client):
    settings.NAAS_NOTIFY_CALLBACK_TOKEN = ""
    assert _callback(client, token="", id="x", status="delivered").status_code == 401


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"id": 5, "status": "delivered"}', b'{"id": "a", "status": "lost"}'],
)
def test_the_callback_refuses_what_is_not_a_status(notify, client, body):
    response = client.post(
        CALLBACK,
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {CALLBACK_TOKEN}",
    )
    assert response.status_code == 400


def test_the_callback_does_not_know_other_ids_or_references(notify, send, client):
    message = send()
    assert _callback(client, id="0" * 36, status="delivered").status_code == 404
    assert (
        _callback(client, id=message.notify_id, reference="other", status="delivered").status_code
        == 404
    )
    assert client.get(CALLBACK).status_code == 405


# --- The failed-emails page and the checks ------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LA_LEAD, Role.SUPERVISOR, Role.DFE, Role.ASSESSOR])
def test_only_administrators_see_failed_emails(client, role):
    client.force_login(staff_user(role))
    assert client.get(reverse("notify:failed")).status_code == 403
    client.logout()
    assert client.get(reverse("notify:failed")).status_code == 302


def test_the_failed_page_with_none_is_in_the_administrators_navigation(client):
    client.force_login(staff_user(Role.ADMINISTRATOR))
    page = client.get(reverse("notify:failed")).content.decode()
    assert "Every email has been delivered" in page
    assert f'href="{reverse("notify:failed")}"' in page


def _notify_errors():
    return sorted(e.id for e in run_checks() if e.id.startswith("naas.E10"))


def test_notify_delivery_needs_a_key_and_every_template(settings):
    settings.NAAS_EMAIL_DELIVERY = "notify"
    settings.NAAS_NOTIFY_API_KEY = ""
    settings.NAAS_NOTIFY_TEMPLATES = {**TEMPLATES, "feedback_letter_ready": ""}
    assert _notify_errors() == ["naas.E102", "naas.E103"]
    settings.NAAS_NOTIFY_API_KEY = API_KEY
    settings.NAAS_NOTIFY_TEMPLATES = dict(TEMPLATES)
    assert _notify_errors() == []
    settings.NAAS_EMAIL_DELIVERY = "smtp"
    assert _notify_errors() == ["naas.E101"]


def test_a_deployment_check_refuses_console_delivery(settings):
    settings.NAAS_EMAIL_DELIVERY = "console"
    assert "naas.E104" in [e.id for e in run_checks(include_deployment_checks=True)]


def test_no_app_sends_email_any_other_way():
    """Every email goes through naas.notify: no app module uses Django's mail."""
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"django\.core\.mail|\bsend_mail\(|\bEmailMessage\b|\bmail_admins\(")
    found = [
        f"{path.relative_to(root)}:{number}"
        for app in ("naas", "endorsement", "assessment", "feedback", "reporting", "api")
        for path in sorted((root / app).rglob("*.py"))
        if not {"tests", "migrations", "settings"} & set(path.parts)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line) and not line.lstrip().startswith(("#", "def send_mail("))
    ]
    assert found == []
