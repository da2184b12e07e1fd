"""Structured logs: JSON lines with the request id and the user's id, no personal data, and the
request id carried into the Celery tasks a request sends."""

import io
import json
import logging
import uuid

import pytest
import structlog
from django.conf import settings
from django.test import RequestFactory

from naas import logging as naas_logging
from naas.celery import app as celery_app
from naas.tests.factories import UserFactory

GIVEN_ID = "5f0c1e2a-9b7d-4c3e-8a61-2d4f6b8e0c17"


@celery_app.task(name="naas.tests.test_logging.log_context_probe")
def log_context_probe():
    """Logs one line and returns the log context the task ran with."""
    structlog.get_logger("naas.tests").info("probe_ran")
    return structlog.contextvars.get_contextvars()


@pytest.fixture
def log_lines():
    """What the root logger writes through the configured JSON formatter, one dict a line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(naas_logging.json_formatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        structlog.contextvars.clear_contextvars()


def test_the_settings_log_json_lines_through_the_request_middleware():
    assert settings.LOG_FORMAT == "json"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert settings.LOGGING["formatters"]["json"] == {"()": "naas.logging.json_formatter"}
    assert "naas.logging.RequestLogMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_request_line_is_json_with_its_request_id_and_user_id_and_no_email(client, log_lines):
    # given a signed-in user
    user = UserFactory(email="quentin.blackwood@example.org", full_name="Quentin Blackwood")
    client.force_login(user)
    # when they open a page with their name and email in the query string
    response = client.get(
        "/accessibility/?name=Quentin+Blackwood&email=quentin.blackwood@example.org",
        HTTP_X_REQUEST_ID=GIVEN_ID,
    )
    assert response.status_code == 200
    # then each of the request's lines is JSON, with its id and the user's id only
    lines = [line for line in log_lines() if line["event"].startswith("request_")]
    assert [line["event"] for line in lines] == ["request_started", "request_finished"]
    for line in lines:
        assert line["request_id"] == GIVEN_ID
        assert line["user_id"] == user.pk
        assert line["request"] == "GET /accessibility/"
        assert "ip" not in line
        assert "user_agent" not in line
    written = json.dumps(log_lines())
    assert "@" not in written
    assert "Quentin" not in written
    assert "Blackwood" not in written
    # and the response names its request id, for support calls
    assert response["X-Request-ID"] == GIVEN_ID


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming", ["quentin.blackwood@example.org", "short", "x" * 200, "two words here"]
)
def test_a_malformed_request_id_is_replaced_not_logged(client, log_lines, incoming):
    response = client.get("/healthcheck/live/", HTTP_X_REQUEST_ID=incoming)
    request_ids = {line["request_id"] for line in log_lines() if "request_id" in line}
    assert len(request_ids) == 1
    (request_id,) = request_ids
    assert str(uuid.UUID(request_id)) == request_id
    assert response["X-Request-ID"] == request_id
    assert incoming not in json.dumps(log_lines())


@pytest.mark.django_db
def test_without_a_request_id_each_request_gets_its_own(client, log_lines):
    first = client.get("/healthcheck/live/")["X-Request-ID"]
    second = client.get("/healthcheck/live/")["X-Request-ID"]
    assert first != second
    assert {line["request_id"] for line in log_lines() if "request_id" in line} == {first, second}


@pytest.mark.django_db
def test_djangos_own_line_about_a_refused_request_has_the_request_id(client, log_lines):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID=GIVEN_ID)
    (not_found,) = [line for line in log_lines() if line["logger"] == "django.request"]
    assert not_found["event"] == "Not Found: /no-such-page/"
    assert not_found["request_id"] == GIVEN_ID


@pytest.mark.django_db
def test_a_token_in_the_path_is_not_logged(client, log_lines):
    client.get("/password/set/MTIz/c1a2b3-0123456789abcdef0123456789abcdef/")
    requests = {line["request"] for line in log_lines() if "request" in line}
    assert requests == {"GET /password/set/<uidb64>/<token>/"}
    assert "0123456789abcdef" not in json.dumps(log_lines())


def test_an_email_in_any_log_line_is_removed(log_lines):
    logging.getLogger("naas.somewhere").warning("Sent to %s", "ada.lovelace@example.org")
    structlog.get_logger("naas.elsewhere").info("sent", to=["ada.lovelace@example.org"])
    lines = log_lines()
    assert lines[0]["event"] == "Sent to [email removed]"
    assert lines[1]["to"] == ["[email removed]"]


def _request_sending(task, user):
    """A request through the real log middleware whose view sends `task`; returns its result."""
    sent = {}

    def view(request):
        from django.http import HttpResponse

        sent["result"] = task.delay()
        return HttpResponse("sent")

    request = RequestFactory().get("/somewhere/", HTTP_X_REQUEST_ID=GIVEN_ID)
    request.user = user
    naas_logging.RequestLogMiddleware(view)(request)
    return sent["result"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_request_id_reaches_a_task_on_a_real_worker(real_celery_worker, log_lines):
    # given a signed-in user's request that sends a task to the worker
    user = UserFactory()
    result = _request_sending(log_context_probe, user)
    # then the task ran with the request's id and user id (and its own task id) in its context
    context = result.get(timeout=30)
    assert context["request_id"] == GIVEN_ID
    assert context["user_id"] == user.pk
    assert context["task_id"] == result.id
    # and its log line carries them
    (probe,) = [line for line in log_lines() if line["event"] == "probe_ran"]
    assert probe["request_id"] == GIVEN_ID
    assert probe["task"] == "naas.tests.test_logging.log_context_probe"


@pytest.mark.django_db
def test_an_eager_task_keeps_the_request_context(log_lines):
    # given tasks that run eagerly (inside the request)
    user = UserFactory()
    result = _request_sending(log_context_probe, user)
    # then the task saw the request's context
    assert result.result["request_id"] == GIVEN_ID
    assert result.result["user_id"] == user.pk
