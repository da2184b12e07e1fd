import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from naas.models import AuditEvent, DocumentState, Role
from naas.tests.factories import LocalAuthorityFactory, staff_user
from reporting import services, tasks
from reporting.models import LAReport, ReportKind

from .factories import world

pytestmark = pytest.mark.django_db
START, END = date(2026, 1, 1), date(2026, 12, 31)


@pytest.fixture
def data():
    return world()


@pytest.fixture
def lead(data):
    return staff_user(Role.LA_LEAD, data["la_a"])


def request(data, lead, start=START, end=END):
    return services.la_report_request(
        local_authority=data["la_a"], period_start=start, period_end=end, actor=lead
    )


def test_a_request_builds_the_pdf_and_the_csv(data, lead, django_capture_on_commit_callbacks):
    # when the LA lead asks for a report (Celery runs eagerly here)
    with django_capture_on_commit_callbacks(execute=True):
        report, created = request(data, lead)
    # then the row is ready, with a PDF and a CSV, and the request is audited
    report.refresh_from_db()
    assert created
    assert report.state == DocumentState.READY
    assert report.progress == 100
    assert report.file.read().startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(report.csv_file.read().decode("utf-8-sig"))))
    assert ["Pipeline", "Social workers", "Workers", "6"] in rows
    assert ["Pipeline", "Met the standard (accredited)", "Workers", "2"] in rows
    assert ["Outcomes", "Fast-track retakes", "Met", "1"] in rows
    staff = [row for row in rows if row and row[0] == "Staff"]
    arun = next(row for row in staff if row[1] == "Arun Agency")
    assert arun[3:] == ["Agency", "Yes", "Met (fast-track retake)"]
    assert len(staff) == 1 + 6  # header and Ashford's six workers, not Brookham's
    actions = [event.action for event in AuditEvent.objects.for_object(report)]
    assert actions == ["la_report.requested", "document.started", "document.ready"]


def test_asking_again_while_one_is_being_made_gives_the_same_one(data, lead):
    # given a report still waiting to be made
    first, created = request(data, lead)
    assert created
    # when the lead asks again for the same LA and period
    again, created_again = request(data, lead)
    # then it is the same report, not a second one
    assert again.pk == first.pk
    assert not created_again
    assert LAReport.objects.count() == 1


def test_a_new_request_is_made_once_the_last_one_is_ready(data, lead):
    first, _ = request(data, lead)
    LAReport.objects.filter(pk=first.pk).update(state=DocumentState.READY)
    second, created = request(data, lead)
    assert created and second.pk != first.pk


def test_the_database_refuses_two_unfinished_reports_for_one_period(data, lead):
    request(data, lead)
    with pytest.raises(IntegrityError), transaction.atomic():
        LAReport.objects.create(local_authority=data["la_a"], period_start=START, period_end=END)


def test_a_period_that_ends_before_it_starts_is_refused(data, lead):
    with pytest.raises(services.ReportError, match="end of the period"):
        request(data, lead, start=END, end=START)
    assert not LAReport.objects.exists()


def test_building_twice_leaves_one_report_with_one_pdf_and_one_csv(data, lead, settings):
    # given a report (its task not run yet)
    report, _ = request(data, lead)
    # when the build runs twice (a redelivered message after a worker died)
    services.la_report_build(report_id=report.pk)
    services.la_report_build(report_id=report.pk)
    # then there is one report, ready, and one file of each kind
    report.refresh_from_db()
    assert LAReport.objects.count() == 1
    assert report.state == DocumentState.READY
    assert report.attempts == 1
    stored = sorted(p.name for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert stored == sorted(
        [report.file.name.rsplit("/", 1)[-1], report.csv_file.name.rsplit("/", 1)[-1]]
    )


def test_a_build_interrupted_after_its_csv_is_finished_by_the_next_run(data, lead, settings):
    # given a run that wrote the CSV and died before the PDF was saved
    report, _ = request(data, lead)
    LAReport.objects.filter(pk=report.pk).update(state=DocumentState.RUNNING)
    services._save_csv(report, b"partial")
    # when the task runs again
    services.la_report_build(report_id=report.pk)
    # then the report is ready with one fresh CSV (the old one replaced)
    report.refresh_from_db()
    assert report.state == DocumentState.READY
    assert report.csv_file.read() != b"partial"
    csvs = [p for p in settings.MEDIA_ROOT.rglob("*.csv")]
    assert len(csvs) == 1


def test_a_failure_is_recorded_and_a_retry_queues_it_again(data, lead, monkeypatch):
    # given the build fails every time
    report, _ = request(data, lead)

    def broken(*args, **kwargs):
        raise RuntimeError("layout engine crashed")

    monkeypatch.setattr(services.selectors, "la_report_data", broken)
    with pytest.raises(RuntimeError):
        services.la_report_build(report_id=report.pk)
    # when Celery gives up after its retries (DocumentTask.on_failure)
    error = RuntimeError("layout engine crashed")
    tasks.build_la_report.on_failure(error, "task-id", (report.pk,), {}, None)
    # then the row shows why
    report.refresh_from_db()
    assert report.state == DocumentState.FAILED
    assert "layout engine crashed" in report.last_error
    # when the lead retries (and the problem is fixed)
    monkeypatch.undo()
    again = services.la_report_retry(report=report, actor=lead)
    assert again.queued
    assert again.document.pk == report.pk
    assert again.document.state == DocumentState.PENDING


def test_retrying_while_another_is_being_made_gives_that_one(data, lead):
    failed, _ = request(data, lead)
    LAReport.objects.filter(pk=failed.pk).update(state=DocumentState.FAILED)
    running, _ = request(data, lead)
    retry = services.la_report_retry(report=failed, actor=lead)
    assert retry.document.pk == running.pk and not retry.queued
    failed.refresh_from_db()
    assert failed.state == DocumentState.FAILED


def test_monthly_reports_one_per_la_per_month_however_often_it_runs(data):
    # given a third LA
    LocalAuthorityFactory()
    # when the beat task runs twice in December
    assert services.la_reports_request_monthly(today=date(2026, 12, 1)) == 3
    assert services.la_reports_request_monthly(today=date(2026, 12, 15)) == 0
    # then each LA has one monthly report for November
    reports = LAReport.objects.filter(kind=ReportKind.MONTHLY)
    assert reports.count() == 3
    assert {(r.period_start, r.period_end) for r in reports} == {
        (date(2026, 11, 1), date(2026, 11, 30))
    }
    # and next month brings one more each
    assert services.la_reports_request_monthly(today=date(2027, 1, 1)) == 3


def test_an_unfinished_request_for_the_month_becomes_the_monthly_report(data, lead):
    own, _ = request(data, lead, start=date(2026, 11, 1), end=date(2026, 11, 30))
    services.la_reports_request_monthly(today=date(2026, 12, 1))
    own.refresh_from_db()
    assert own.kind == ReportKind.MONTHLY
    assert LAReport.objects.filter(local_authority=data["la_a"]).count() == 1


def test_the_beat_task_asks_for_last_months_reports(data, monkeypatch, time_machine):
    seen = {}

    def fake(*, today):
        seen["today"] = today
        return 2

    monkeypatch.setattr(services, "la_reports_request_monthly", fake)
    # when beat runs it at 00:30 on 1 June in England (still 31 May in UTC)
    time_machine.move_to(datetime(2026, 6, 1, 0, 30, tzinfo=ZoneInfo("Europe/London")))
    # (.result, not .get(): an eager task run earlier in this process may leave Celery's
    # "inside a task" flag set, and get() then refuses to block)
    result = tasks.request_monthly_la_reports.apply()
    assert result.successful() and result.result == 2
    # then it asks for May's reports: its today is England's date
    assert seen["today"] == date(2026, 6, 1)


def test_previous_month():
    assert services.previous_month(date(2026, 3, 15)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert services.previous_month(date(2027, 1, 1)) == (date(2026, 12, 1), date(2026, 12, 31))


BEAT_ENTRY = "reporting-monthly-la-reports"


def test_the_beat_schedule_asks_for_the_reports_on_the_first_of_every_month():
    from celery import current_app
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE[BEAT_ENTRY]
    assert entry["task"] == "reporting.tasks.request_monthly_la_reports"
    assert entry["task"] in current_app.tasks
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].day_of_month == {1}
