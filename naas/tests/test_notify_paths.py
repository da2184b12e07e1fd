"""Every email the service sends goes through GOV.UK Notify: each path, driven through its real
service or page, reaches the stand-in of Notify's API through the real client, with the right
template and only names, levels, counts and links in its personalisation."""

import json
import time

import pytest
from django.db import transaction
from django.urls import reverse

from endorsement import services as endorsement_services
from endorsement.tests.factories import la_lead_for, ready_endorsement
from feedback import services as feedback_services
from feedback.tests.factories import NOT_MET, PARTIAL, published_result
from naas.notify.models import NotifyMessage, NotifyStatus
from naas.notify.services import notify_message_queue
from naas.tests.factories import SocialWorkerFactory
from naas.tests.notify_stand_in import TEMPLATES, NotifyStandIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def notify(settings):
    with NotifyStandIn() as stand_in:
        stand_in.configure(settings)
        yield stand_in


def _sent(notify, kind: str) -> dict:
    """address -> personalisation of the stand-in's emails with this kind's template."""
    return {
        e["email_address"]: e["personalisation"]
        for e in notify.emails
        if e["template_id"] == TEMPLATES[kind]
    }


def _all_accepted():
    assert set(NotifyMessage.objects.values_list("status", flat=True)) == {NotifyStatus.SENDING}


def test_a_password_link_goes_through_notify_and_works(
    notify, client, django_capture_on_commit_callbacks
):
    worker = SocialWorkerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": worker.user.email})
    sent = _sent(notify, "password_set_link")
    assert list(sent) == [worker.user.email]
    assert sent[worker.user.email]["name"] == worker.user.full_name
    assert worker.registration_number not in json.dumps(notify.emails)
    link = sent[worker.user.email]["link"]
    assert link.startswith("http://testserver/password/set/")
    assert client.get(link.removeprefix("http://testserver")).status_code == 302  # to the form
    _all_accepted()


def test_sign_off_and_endorsement_go_through_notify(notify, django_capture_on_commit_callbacks):
    endorsement = ready_endorsement()
    worker = endorsement.worker
    lead = la_lead_for(worker.local_authority)
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_services.endorsement_sign_off(
            endorsement=endorsement, actor=worker.supervisor, statement="Private judgement"
        )
    assert _sent(notify, "endorsement_signed_off_worker") == {
        worker.user.email: {
            "name": worker.user.full_name,
            "level": endorsement.get_level_display().lower(),
            "link": "Sign in to Social work accreditation",
        }
    }
    assert list(_sent(notify, "endorsement_signed_off_lead")) == [lead.email]
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_services.endorsement_confirm(endorsement=endorsement, actor=lead)
    assert list(_sent(notify, "endorsement_endorsed_worker")) == [worker.user.email]
    assert list(_sent(notify, "endorsement_endorsed_lead")) == [lead.email]
    assert "Private judgement" not in json.dumps(notify.emails)
    _all_accepted()


def test_a_support_request_and_the_letter_go_through_notify(
    notify, django_capture_on_commit_callbacks
):
    # given a published, partly met outcome: its letter is made and the worker told
    with django_capture_on_commit_callbacks(execute=True):
        outcome, _ = published_result(
            {5: NOT_MET, 9: PARTIAL},
            feedback={5: "SECRET FEEDBACK on chronologies", 9: "SECRET FEEDBACK on research"},
        )
    worker = outcome.attempt.worker
    assert _sent(notify, "feedback_letter_ready") == {
        worker.user.email: {
            "name": worker.user.full_name,
            "link": "Sign in to Social work accreditation and open Your results.",
        }
    }
    # when the worker asks for support in two areas
    areas = outcome.attempt.areas.filter(number__in=[5, 9])
    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.support_request_send(
            outcome=outcome,
            area_ids=[area.pk for area in areas],
            what_would_help="SECRET what would help",
            actor=worker.user,
        )
    # then their supervisor is told who and how many, nothing they wrote
    sent = _sent(notify, "feedback_support_requested")
    assert sent == {
        worker.supervisor.email: {
            "worker_name": worker.user.full_name,
            "area_count": 2,
            "link": "Sign in to Social work accreditation and open Results.",
        }
    }
    assert "SECRET" not in json.dumps(notify.requests)
    _all_accepted()


# --- With a real worker: retries are Celery retries, not the eager loop ----------------------


def _wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def _status(message_id: int) -> str:
    return NotifyMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_server_errors_then_gives_up(notify, real_celery_worker):
    # given Notify answering 500 twice, then accepting
    notify.answer(500, 500)
    worker = SocialWorkerFactory()
    with transaction.atomic():
        first = notify_message_queue(
            kind="password_set_link",
            recipient=worker.user,
            personalisation={"name": "A", "link": "https://x.test/password/set/a/b/"},
            actor=None,
        )
    # then the worker's retries deliver it
    _wait_for(lambda: _status(first.pk) == NotifyStatus.SENDING, "the retried email")
    assert NotifyMessage.objects.get(pk=first.pk).attempts == 3
    # given Notify failing for good
    notify.answer(*[503] * 10)
    with transaction.atomic():
        second = notify_message_queue(
            kind="password_set_link",
            recipient=worker.user,
            personalisation={"name": "A", "link": "https://x.test/password/set/c/d/"},
            actor=None,
        )
    # then after the last retry it is a technical failure
    _wait_for(lambda: _status(second.pk) == NotifyStatus.TECHNICAL_FAILURE, "the last retry")
    assert NotifyMessage.objects.get(pk=second.pk).attempts == 6
    assert [e["reference"] for e in notify.emails].count(second.reference) == 6
