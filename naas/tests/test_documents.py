"""Background documents (naas.models.GeneratedDocument, naas.tasks.DocumentTask): files written
all or nothing, the sweep, failures that are recorded and retries that only act when needed.

LA reports are the documents here (the lightest to make); letters are in
tests/test_document_faults.py. The tests marked `worker` run the same failures on a real Celery
worker (Redis and PostgreSQL with REDIS_URL and DATABASE_URL set, else the in-memory broker)."""

import errno
import os
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from naas import services as naas_services
from naas.models import AuditEvent, DocumentState, Role
from naas.services import document_error_text, documents_sweep
from naas.storage import TEMPORARY_PREFIX, TEMPORARY_SUFFIX
from naas.tasks import sweep_documents
from naas.tests.date_cases import period
from naas.tests.factories import LocalAuthorityFactory, staff_user
from naas.tests.faults import disk_full_fixture, media_files, temporary_files, wait_for
from reporting import services as reporting_services
from reporting import tasks as reporting_tasks
from reporting.models import LAReport

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
disk_full = disk_full_fixture()


@pytest.fixture
def la():
    return LocalAuthorityFactory()


@pytest.fixture
def lead(la):
    return staff_user(Role.LA_LEAD, la)


def report_for(la, month: int, **fields) -> LAReport:
    start = date(2026, month, 1)
    end = (start + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    return LAReport.objects.create(local_authority=la, period_start=start, period_end=end, **fields)


def report_state(report_id):
    return LAReport.objects.filter(pk=report_id).values_list("state", flat=True).first()


# --- Storage: all or nothing ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_write_that_fails_part_way_leaves_nothing_and_a_retry_overwrites(settings, disk_full):
    from django.core.files.storage import default_storage

    # given a disk that fills up after 1 KB, for the next two writes
    disk_full.plan(failures=2, room_bytes=1024)
    content = os.urandom(50_000)
    # when the document is saved and the disk is full
    for _ in range(2):
        with pytest.raises(OSError) as raised:
            default_storage.save("documents/letter-1.pdf", ContentFile(content))
        assert raised.value.errno == errno.ENOSPC
    # then a real partial file was written each time, and none is left
    assert disk_full.partial_sizes == [1024, 1024]
    assert media_files(settings.MEDIA_ROOT) == []
    # when there is room again, and the document is saved twice (a retry, a duplicate task)
    first = default_storage.save("documents/letter-1.pdf", ContentFile(content))
    second = default_storage.save("documents/letter-1.pdf", ContentFile(b"second run"))
    # then the same name both times: one whole file, the last one written
    assert first == second == "documents/letter-1.pdf"
    [only] = media_files(settings.MEDIA_ROOT)
    assert only.read_bytes() == b"second run"
    assert oct(only.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert default_storage.listdir("documents") == ([], ["letter-1.pdf"])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.django_db
def test_the_sweep_removes_temporary_files_abandoned_by_a_killed_process(settings):
    # given a document, a temporary file from a process killed mid-write two hours ago, and one
    # being written now
    folder = settings.MEDIA_ROOT / "documents"
    folder.mkdir(parents=True)
    (folder / "feedback-letter-1.pdf").write_bytes(b"%PDF")
    abandoned = folder / f"{TEMPORARY_PREFIX}abc{TEMPORARY_SUFFIX}"
    abandoned.write_bytes(b"%PD")
    two_hours_ago = time.time() - 2 * 60 * 60
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    in_progress = folder / f"{TEMPORARY_PREFIX}def{TEMPORARY_SUFFIX}"
    in_progress.write_bytes(b"%P")
    # when the sweep runs
    documents_sweep(older_than=timedelta(seconds=120))
    # then only the abandoned one is gone
    assert sorted(p.name for p in media_files(settings.MEDIA_ROOT)) == sorted(
        ["feedback-letter-1.pdf", in_progress.name]
    )


def test_the_error_staff_see_has_its_type_and_message_and_no_email_address():
    error = ValueError("no year 9999 for   jo.bloggs@example.org\nin the calendar")
    assert (
        document_error_text(error) == "ValueError: no year 9999 for [email removed] in the calendar"
    )
    assert document_error_text(KeyError()) == "KeyError"
    assert len(document_error_text(RuntimeError("x" * 1000))) == 300


# --- The sweep --------------------------------------------------------------------------------


def test_the_sweep_runs_every_interval_with_its_threshold_from_settings():
    sweep = django_settings.CELERY_BEAT_SCHEDULE["documents-sweep"]
    assert sweep["task"] == "naas.tasks.sweep_documents"
    assert sweep["schedule"] == timedelta(
        seconds=django_settings.NAAS_DOCUMENT_SWEEP_INTERVAL_SECONDS
    )
    # a lost message waits at most interval + threshold: a few minutes, not 15 (nor 2 hours)
    assert (
        django_settings.NAAS_DOCUMENT_SWEEP_INTERVAL_SECONDS
        + django_settings.NAAS_DOCUMENT_SWEEP_AFTER_SECONDS
        <= 5 * 60
    )


@pytest.mark.django_db
def test_the_sweep_resends_stale_queued_and_running_documents_and_leaves_fresh_ones(
    la, settings, monkeypatch
):
    settings.NAAS_DOCUMENT_SWEEP_AFTER_SECONDS = 120
    sent = []
    monkeypatch.setattr(naas_services, "_send_build_task", lambda name, pk: sent.append(pk) or True)
    with time_machine.travel(NOW - timedelta(minutes=10), tick=False) as clock:
        # given, requested ten minutes ago:
        reports = {name: report_for(la, month) for month, name in enumerate(STATES, start=1)}
        clock.move_to(NOW)

        def update(name, **fields):
            LAReport.objects.filter(pk=reports[name].pk).update(**fields)

        def ago(seconds):
            return NOW - timedelta(seconds=seconds)

        update("lost message", queued_at=ago(180))
        update("never queued", queued_at=None)
        update(
            "worker killed", state=DocumentState.RUNNING, queued_at=ago(300), started_at=ago(180)
        )
        update("just queued", queued_at=ago(30))
        update("running now", state=DocumentState.RUNNING, queued_at=ago(300), started_at=ago(30))
        update("retrying soon", state=DocumentState.RUNNING, queued_at=NOW + timedelta(seconds=8))
        update("ready", state=DocumentState.READY, queued_at=ago(600))
        update("failed", state=DocumentState.FAILED, queued_at=ago(600))
        # when the sweep runs (as beat runs it)
        assert sweep_documents() == 3
        # then only the stale unfinished ones are sent again
        stale = {"lost message", "never queued", "worker killed"}
        assert sorted(sent) == sorted(reports[name].pk for name in stale)
        for name in stale:
            reports[name].refresh_from_db()
            assert reports[name].queued_at == NOW
        # when it runs again straight away, nothing is sent twice
        sent.clear()
        assert sweep_documents() == 0
        # when another threshold has passed, what is still unfinished is sent again
        clock.move_to(NOW + timedelta(seconds=130))
        assert sweep_documents() == 6
        assert sorted(sent) == sorted(
            reports[name].pk for name in STATES if name not in ("ready", "failed")
        )


STATES = [
    "lost message",
    "never queued",
    "worker killed",
    "just queued",
    "running now",
    "retrying soon",
    "ready",
    "failed",
]


@pytest.mark.django_db
def test_a_stale_running_report_sent_again_is_made_once(la, settings):
    # given a report a worker started five minutes ago and died making (Celery eager here)
    with time_machine.travel(NOW - timedelta(minutes=6), tick=False) as clock:
        report = report_for(la, 3)
        clock.move_to(NOW - timedelta(minutes=5))
        LAReport.objects.filter(pk=report.pk).update(
            state=DocumentState.RUNNING,
            attempts=1,
            queued_at=timezone.now(),
            started_at=timezone.now(),
        )
        # when the sweep runs
        clock.move_to(NOW)
        assert sweep_documents() == 1
        # then the report is made, once
        report.refresh_from_db()
        assert report.state == DocumentState.READY and report.attempts == 2
        # and running the sweep or the task again makes nothing more
        assert sweep_documents() == 0
        reporting_tasks.build_la_report.delay(report.pk)
    report.refresh_from_db()
    assert report.attempts == 2
    assert sorted(p.suffix for p in media_files(settings.MEDIA_ROOT)) == [".csv", ".pdf"]


# --- Failures: recorded, retried only when they may pass --------------------------------------


def _break_the_report(monkeypatch, error_or_errors):
    """Make building a report raise: one error every time, or each of a list in turn (then
    work)."""
    real = reporting_services.selectors.la_report_data
    errors = list(error_or_errors) if isinstance(error_or_errors, list) else None

    def broken(*args, **kwargs):
        if errors is None:
            raise error_or_errors
        if errors:
            raise errors.pop(0)
        return real(*args, **kwargs)

    monkeypatch.setattr(reporting_services.selectors, "la_report_data", broken)


def _ask_for_a_report(la, lead) -> LAReport:
    report, _ = reporting_services.la_report_request(
        local_authority=la, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), actor=lead
    )
    return report


@pytest.mark.django_db(transaction=True)
def test_eager_a_non_retryable_error_fails_the_report_at_once_and_the_request_does_not_500(
    client, la, lead, monkeypatch, caplog
):
    # given bad data that makes the report crash (as the year 9999 did)
    _break_the_report(monkeypatch, ValueError("year 9999 is out of range"))
    client.force_login(lead)
    # when the lead asks for it (Celery eager, with eager propagation, as in the demo)
    response = client.post(
        reverse("reporting:la_reports", args=[la.pk]),
        period(date(2026, 1, 1), date(2026, 1, 31)),
    )
    # then the request answers normally and the report failed at once, with its reason
    assert response.status_code == 302
    report = LAReport.objects.get()
    assert report.state == DocumentState.FAILED
    assert report.attempts == 1
    assert report.last_error == "ValueError: year 9999 is out of range"
    assert lead.email not in caplog.text
    page = client.get(response["Location"]).content.decode()
    assert "The report could not be made" in page
    assert "ValueError: year 9999 is out of range" in page and "Try again" in page
    # when the data is put right and the lead tries again
    monkeypatch.undo()
    response = client.post(reverse("reporting:la_report_retry", args=[report.pk]), follow=True)
    # then the report is made
    report.refresh_from_db()
    assert report.state == DocumentState.READY and report.attempts == 2
    assert "Report requested again" in response.content.decode()


@pytest.mark.django_db
def test_eager_a_retryable_error_is_retried_then_fails_with_its_reason(
    la, lead, monkeypatch, django_capture_on_commit_callbacks
):
    # given a disk that stays full
    _break_the_report(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    # when the report is asked for
    with django_capture_on_commit_callbacks(execute=True):
        report = _ask_for_a_report(la, lead)
    # then it was tried 1 + max_retries times, then failed with the reason
    report.refresh_from_db()
    assert report.state == DocumentState.FAILED
    assert report.attempts == 1 + reporting_tasks.build_la_report.max_retries
    assert report.last_error == "OSError: [Errno 28] No space left on device"


@pytest.mark.django_db
def test_eager_a_retryable_error_that_passes_makes_the_report(
    la, lead, monkeypatch, django_capture_on_commit_callbacks
):
    # given the database drops out twice, then is back
    from django.db import OperationalError

    _break_the_report(
        monkeypatch, [OperationalError("server closed the connection"), OSError("disk busy")]
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        report = _ask_for_a_report(la, lead)
    # then the third try made it
    report.refresh_from_db()
    assert report.state == DocumentState.READY
    assert report.attempts == 3 and report.last_error == ""


# --- Retrying from the UI ---------------------------------------------------------------------


@pytest.mark.django_db
def test_retrying_a_ready_report_changes_nothing(
    client, la, lead, django_capture_on_commit_callbacks
):
    # given a report that is ready
    with django_capture_on_commit_callbacks(execute=True):
        report = _ask_for_a_report(la, lead)
    report.refresh_from_db()
    assert report.state == DocumentState.READY
    before = (report.attempts, report.file.name, report.completed_at)
    client.force_login(lead)
    # when the lead posts "Try again" (an old page, a replayed form)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("reporting:la_report_retry", args=[report.pk]), follow=True)
    # then it says so and nothing changes
    page = response.content.decode()
    assert "This report is already ready: nothing to do" in page
    assert "Report requested again" not in page
    report.refresh_from_db()
    assert (report.attempts, report.file.name, report.completed_at) == before
    assert callbacks == []
    assert not AuditEvent.objects.for_object(report).filter(action="document.retried").exists()


@pytest.mark.django_db
def test_a_failed_report_retried_twice_is_queued_once(la, lead):
    # given a failed report (the sends wait for a commit that this test never makes)
    with time_machine.travel(NOW, tick=False):
        report = report_for(la, 1, state=DocumentState.FAILED, attempts=5, last_error="OSError: x")
        # when the lead clicks twice
        first = reporting_services.la_report_retry(report=report, actor=lead)
        second = reporting_services.la_report_retry(report=report, actor=lead)
    # then the first queued it and the second changed nothing
    assert first.queued and first.document.state == DocumentState.PENDING
    assert not second.queued and not second.already_ready
    assert AuditEvent.objects.for_object(report).filter(action="document.retried").count() == 1


@pytest.mark.django_db
def test_a_report_stuck_past_the_threshold_can_be_retried_but_a_fresh_one_cannot(
    la, lead, settings, client
):
    settings.NAAS_DOCUMENT_SWEEP_AFTER_SECONDS = 120
    with time_machine.travel(NOW, tick=False) as clock:
        stuck = report_for(la, 1, state=DocumentState.RUNNING)
        fresh = report_for(la, 2)
        LAReport.objects.filter(pk=stuck.pk).update(queued_at=NOW, started_at=NOW)
        clock.move_to(NOW + timedelta(seconds=119))
        LAReport.objects.filter(pk=fresh.pk).update(queued_at=timezone.now())
        stuck.refresh_from_db()
        assert not stuck.is_stale
        clock.move_to(NOW + timedelta(seconds=121))
        stuck.refresh_from_db()
        fresh.refresh_from_db()
        assert stuck.is_stale and not fresh.is_stale
        # the lead's page offers Try again for the stuck one only
        client.force_login(lead)
        stuck_page = client.get(reverse("reporting:la_report", args=[stuck.pk])).content.decode()
        fresh_page = client.get(reverse("reporting:la_report", args=[fresh.pk])).content.decode()
        assert "taking longer than it should" in stuck_page and "Try again" in stuck_page
        assert "Try again" not in fresh_page
        retried = reporting_services.la_report_retry(report=stuck, actor=lead)
        left = reporting_services.la_report_retry(report=fresh, actor=lead)
    assert retried.queued and not left.queued
    assert retried.document.state == DocumentState.PENDING
    assert AuditEvent.objects.for_object(stuck).get(action="document.retried").from_state == (
        DocumentState.RUNNING
    )


# --- On a real worker -------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_a_non_retryable_error_fails_at_once(
    real_celery_worker, la, lead, monkeypatch
):
    # given bad data
    _break_the_report(monkeypatch, ValueError("year 9999 is out of range"))
    # when the report is asked for and the worker runs it
    report = _ask_for_a_report(la, lead)
    wait_for(lambda: report_state(report.pk) == DocumentState.FAILED, what="the failure")
    # then it failed on its first try, with its reason, and was not retried
    report.refresh_from_db()
    assert report.attempts == 1
    assert report.last_error == "ValueError: year 9999 is out of range"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_a_retryable_error_is_retried_with_backoff_then_fails(
    real_celery_worker, la, lead, monkeypatch
):
    # given a disk that stays full (and a short backoff, to keep the test quick)
    _break_the_report(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    monkeypatch.setattr(reporting_tasks.build_la_report, "retry_backoff", 0.05)
    # when
    report = _ask_for_a_report(la, lead)
    wait_for(lambda: report_state(report.pk) == DocumentState.FAILED, what="the failure")
    # then it was tried 1 + max_retries times, then failed with the reason
    report.refresh_from_db()
    assert report.attempts == 1 + reporting_tasks.build_la_report.max_retries
    assert report.last_error == "OSError: [Errno 28] No space left on device"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_a_retryable_error_that_passes_makes_the_report(
    real_celery_worker, la, lead, monkeypatch, settings
):
    # given the database drops out once, then is back
    from django.db import OperationalError

    _break_the_report(monkeypatch, [OperationalError("server closed the connection")])
    monkeypatch.setattr(reporting_tasks.build_la_report, "retry_backoff", 0.05)
    # when
    report = _ask_for_a_report(la, lead)
    wait_for(lambda: report_state(report.pk) == DocumentState.READY, what="the report")
    # then the second try made it, with one PDF and one CSV
    report.refresh_from_db()
    assert report.attempts == 2 and report.last_error == ""
    assert sorted(p.suffix for p in media_files(settings.MEDIA_ROOT)) == [".csv", ".pdf"]
    assert temporary_files(settings.MEDIA_ROOT) == []
