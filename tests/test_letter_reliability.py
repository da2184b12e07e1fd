"""Letters on a real Celery worker: made exactly once, never lost.

- publishing an outcome makes one correct letter, which the worker downloads from their page;
- a worker process killed mid-letter: the message comes back (acks_late +
  reject_on_worker_lost) and the letter still appears once (needs REDIS_URL and PostgreSQL: a
  separate `celery worker` process must share the broker and the database);
- the broker down at publication: publication still commits, the letter stays pending, and the
  sweep delivers it later;
- the task run twice: one letter, one file, one email;
- HTML in feedback is printed as text, and a URL in feedback is never fetched.

Every wait is bounded; nothing here measures time."""

import io
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from feedback.models import Letter
from feedback.tests.factories import NOT_MET, PARTIAL, published_result
from naas.models import DocumentState
from naas.notify.models import NotifyMessage
from naas.services import documents_sweep

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Monday 15 June 2026, midday in England. The clock ticks on from there (the real worker and
# the broker need time to pass); nothing below depends on the real date.
TODAY = datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London"))

BASE_DIR = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 90


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=True):
        yield


def wait_for(condition, *, what: str, seconds: float = WAIT_SECONDS, every: float = 0.2):
    """Poll `condition` until it is true; fail (not hang) after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"gave up waiting for {what}")


def letter_state(letter_id):
    return Letter.objects.filter(pk=letter_id).values_list("state", flat=True).first()


def _emails_sent() -> int:
    """Letter-ready emails the worker has handed on (console delivery in tests: naas.notify)."""
    return NotifyMessage.objects.filter(kind="feedback_letter_ready", status="delivered").count()


def pdf_text(letter) -> str:
    letter.refresh_from_db()
    with letter.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def document_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_publishing_makes_one_letter_that_the_worker_downloads(
    real_celery_worker, client, settings
):
    # given / when: publication commits, the real worker makes the letter
    outcome, _ = published_result(
        {5: NOT_MET, 9: PARTIAL},
        feedback={
            5: "Chronologies should inform the safety plan.",
            9: "Link decisions to research.",
        },
    )
    letter = Letter.objects.get(outcome=outcome)
    wait_for(lambda: letter_state(letter.pk) == DocumentState.READY, what="the letter")
    # then: exactly one letter and one file, with the results and feedback in it
    assert Letter.objects.count() == 1
    assert len(document_files(settings)) == 1
    text = pdf_text(letter)
    assert outcome.reference in text
    assert "5. Abuse and neglect of children Not met" in text
    assert "9. The role of supervision and research Partially met" in text
    assert "Chronologies should inform the safety plan." in text
    wait_for(lambda: _emails_sent() == 1, what="the email")
    # and the worker downloads it from their results page
    client.force_login(outcome.attempt.worker.user)
    page = client.get(reverse("feedback:my_results")).content.decode()
    link = re.search(r'href="(/results/letters/\d+/download/)"', page).group(1)
    response = client.get(link)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert outcome.reference in "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(body)).pages
    )


def test_broker_down_at_publication_then_the_sweep_delivers(
    real_celery_worker, monkeypatch, settings, caplog
):
    # given: every send to the broker fails while the outcome is published
    from celery.app.task import Task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to the broker. Connection refused.")

    # The failed send is a warning; a real worker started earlier in the session sets the root
    # logger to ERROR (Celery's test worker log level), so ask for warnings here.
    caplog.set_level(logging.WARNING, logger="naas.services")
    with monkeypatch.context() as patched:
        patched.setattr(Task, "apply_async", broker_down)
        outcome, _ = published_result({3: NOT_MET})
    # then: the publication committed and the letter waits
    letter = Letter.objects.get(outcome=outcome)
    assert letter.state == DocumentState.PENDING
    assert outcome.attempt.__class__.objects.get(pk=outcome.attempt_id).state == (
        "outcome_published"
    )
    assert "Connection refused" in caplog.text
    # when: the broker is back and the sweep runs
    sent = documents_sweep(older_than=timedelta(0))
    # then
    assert sent >= 1
    wait_for(lambda: letter_state(letter.pk) == DocumentState.READY, what="the swept letter")
    assert Letter.objects.count() == 1 and len(document_files(settings)) == 1


def test_the_task_run_twice_makes_one_letter(real_celery_worker, settings):
    from feedback.tasks import build_letter

    # given: publication queues the task; a duplicate message is sent too
    outcome, _ = published_result({3: NOT_MET})
    letter = Letter.objects.get(outcome=outcome)
    duplicate = build_letter.delay(letter.pk)
    # when
    assert duplicate.get(timeout=WAIT_SECONDS) == letter.pk
    wait_for(lambda: letter_state(letter.pk) == DocumentState.READY, what="the letter")
    # then
    letter.refresh_from_db()
    assert letter.attempts == 1
    assert len(document_files(settings)) == 1
    wait_for(lambda: _emails_sent() >= 1, what="the email")
    assert _emails_sent() == 1


class _Recorder(BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_html_is_text_and_urls_are_never_fetched(real_celery_worker):
    # given: a server that records any request, named in the feedback as links and markup
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    feedback = (
        f'<h1>Loud</h1> <img src="{url}/img.png"> <link rel="stylesheet" href="{url}/x.css">'
        f" <script>alert(1)</script> See {url}/guide"
    )
    try:
        # when
        outcome, _ = published_result({2: NOT_MET}, feedback={2: feedback})
        letter = Letter.objects.get(outcome=outcome)
        wait_for(lambda: letter_state(letter.pk) == DocumentState.READY, what="the letter")
        # then
        text = pdf_text(letter)
        assert "<h1>Loud</h1>" in text and "<script>alert(1)</script>" in text
        assert f"{url}/guide" in text
        assert _Recorder.hits == []
    finally:
        server.shutdown()


# --- A separate worker process, killed mid-letter ----------------------------------------------


def _needs_a_separate_worker():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("a separate worker process needs a shared broker: set REDIS_URL (CI does)")
    if connection.vendor != "postgresql":
        pytest.skip("a separate worker process needs a shared database: set DATABASE_URL")


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children += [int(child) for child in text]
    return children


def test_a_worker_killed_mid_letter_still_makes_it_once(settings, tmp_path):
    _needs_a_separate_worker()
    from naas.celery import app

    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "naas.settings.local",
        "DATABASE_URL": (
            f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": os.environ["REDIS_URL"],
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "NAAS_EMAIL_DELIVERY": "console",
        "PYTHONWARNINGS": "ignore",
    }
    if database.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{database['PASSWORD']}@", 1)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()  # nothing left over from other runs on this Redis database
    log = (tmp_path / "worker.log").open("w")
    # The worker holds each letter's first render for 60 s (tests/letter_worker.py wraps the
    # render step in the worker process; the application has no hook for it).
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.letter_worker",
            "60",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=h6-reliability-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: _children(worker.pid), what="the worker's pool process", seconds=60)
        # given: an outcome is published and the worker starts its letter
        outcome, _ = published_result({5: NOT_MET}, feedback={5: "Killed mid-render"})
        letter = Letter.objects.get(outcome=outcome)
        wait_for(
            lambda: letter_state(letter.pk) == DocumentState.RUNNING,
            what="the worker to start the letter",
        )
        # when: the pool process dies mid-letter
        for child in _children(worker.pid):
            os.kill(child, signal.SIGKILL)
        # then: the message is given back, another pool process makes the letter, once
        wait_for(
            lambda: letter_state(letter.pk) == DocumentState.READY,
            what="the letter after the kill",
        )
        letter.refresh_from_db()
        assert letter.attempts == 2
        assert Letter.objects.count() == 1
        assert len(document_files(settings)) == 1
        assert "Killed mid-render" in pdf_text(letter)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=30)
        log.close()
        app.conf.task_always_eager = True
        if worker.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL):
            print((tmp_path / "worker.log").read_text())
    assert django_settings.MEDIA_ROOT == settings.MEDIA_ROOT
