"""The results file imported in the background: the upload stores the file and makes a job, the
task (eager here, run when the upload's transaction commits) checks and imports it, the job's
page shows how it went, and a job whose task died can be tried again."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import services, tasks
from assessment.models import AttemptState, ImportJob, ImportJobState, TestResponse, TestResult
from assessment.services.results_import_jobs import progress_key
from naas.models import AuditEvent, Level

from .factories import (
    SittingFactory,
    answer_rows,
    book,
    endorsed,
    make_test_form,
    results_csv,
    set_sitting_date,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(admin_user):
    sitting = SittingFactory()
    first = book(endorsed(), sitting)
    second = book(endorsed(), sitting)
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    set_sitting_date(sitting, 0)
    return sitting, first, second, form


def upload(sitting, raw: bytes, actor, **extra) -> ImportJob:
    return services.results_file_upload(
        sitting=sitting, raw=raw, file_name="results.csv", actor=actor, **extra
    )


def uploaded_and_run(sitting, raw, actor, capture, **extra) -> ImportJob:
    with capture(execute=True):
        job = upload(sitting, raw, actor, **extra)
    job.refresh_from_db()
    return job


def stored():
    return (
        TestResult.objects.count(),
        TestResponse.objects.count(),
        AuditEvent.objects.exclude(action__startswith="results_file.").count(),
    )


def test_the_upload_stores_the_file_and_the_task_imports_it(
    day, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, second, form = day
    raw = results_csv(answer_rows(first, form) + answer_rows(second, form))
    with django_capture_on_commit_callbacks() as callbacks:
        job = upload(sitting, raw, admin_user)
    # the request only stored the file: nothing is imported until the task runs
    assert job.state == ImportJobState.QUEUED and len(callbacks) == 1
    with job.file.open("rb") as saved:
        assert saved.read() == raw
    assert TestResult.objects.count() == 0
    callbacks[0]()
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE
    assert (job.row_count, job.candidates_recorded, job.candidates_unchanged) == (60, 2, 0)
    assert job.results_import.candidates_recorded == 2
    first.refresh_from_db()
    assert first.state == AttemptState.SAT
    assert first.test_result.raw_score == first.test_result.max_score == 30
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    for action in ("results_file.uploaded", "results_file.started", "results_file.done"):
        assert actions.count(action) == 1
    assert actions.count("attempt.test_results_recorded") == 2


def test_running_a_finished_job_again_changes_nothing(
    day, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, _, form = day
    job = uploaded_and_run(
        sitting,
        results_csv(answer_rows(first, form)),
        admin_user,
        django_capture_on_commit_callbacks,
    )
    before = (stored(), AuditEvent.objects.count())
    # a redelivered message runs the task again
    tasks.import_results_file.delay(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and job.attempts == 1
    assert (stored(), AuditEvent.objects.count()) == before


def test_the_same_file_again_changes_no_results(
    day, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, second, form = day
    raw = results_csv(answer_rows(first, form) + answer_rows(second, form))
    uploaded_and_run(sitting, raw, admin_user, django_capture_on_commit_callbacks)
    before = stored()
    again = uploaded_and_run(sitting, raw, admin_user, django_capture_on_commit_callbacks)
    assert again.state == ImportJobState.DONE
    assert (again.candidates_recorded, again.candidates_unchanged) == (0, 2)
    assert again.results_import is None
    assert stored() == before


def test_a_second_click_gets_the_waiting_job(day, admin_user, django_capture_on_commit_callbacks):
    sitting, first, _, form = day
    raw = results_csv(answer_rows(first, form))
    with django_capture_on_commit_callbacks():
        job = upload(sitting, raw, admin_user)
        assert upload(sitting, raw, admin_user).pk == job.pk
    assert ImportJob.objects.count() == 1


def test_a_file_with_bad_rows_fails_with_every_row_error_and_saves_nothing(
    day, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, second, form = day
    rows = answer_rows(first, form) + answer_rows(second, form)
    rows[3] = ("SW999999", *rows[3][1:])
    job = uploaded_and_run(
        sitting, results_csv(rows), admin_user, django_capture_on_commit_callbacks
    )
    assert job.state == ImportJobState.FAILED and not job.can_be_retried
    # the same errors as the import itself gives (pinned in test_results_import.py)
    assert [5, "SW999999 is not a registration number the service knows"] in job.row_errors
    assert any("has answers for 29 of the 30 items" in message for _, message in job.row_errors)
    assert job.row_error_lines == 2
    assert stored()[:2] == (0, 0)


def test_an_unreadable_file_fails_with_the_reason(
    day, admin_user, django_capture_on_commit_callbacks
):
    sitting, *_ = day
    job = uploaded_and_run(
        sitting,
        b"registration_number,item\nSW1,Q1\n",
        admin_user,
        django_capture_on_commit_callbacks,
    )
    assert job.state == ImportJobState.FAILED
    assert job.row_errors == [
        [0, "The selected file is missing the columns test_form, options_chosen"]
    ]


def test_a_task_that_dies_can_be_tried_again(
    day, admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    """The database going away is retried by the task, then marks the job failed with the
    reason; staff's retry queues it again and it imports."""
    sitting, first, _, form = day
    raw = results_csv(answer_rows(first, form))

    def database_gone(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("assessment.services.results_import_jobs.read_results_csv", database_gone)
    # (in eager mode the send logs the failure; the request carries on)
    uploaded_and_run(sitting, raw, admin_user, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == ImportJobState.FAILED and job.can_be_retried
    assert job.last_error == "OperationalError: server closed the connection unexpectedly"
    assert TestResult.objects.count() == 0
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.results_file_import_retry(job=job, actor=admin_user)
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and job.attempts == 2
    assert TestResult.objects.count() == 1
    # a second click on "Try again" changes nothing
    assert not services.results_file_import_retry(job=job, actor=admin_user)


def test_a_job_redelivered_after_its_worker_died_starts_afresh(
    day, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, _, form = day
    with django_capture_on_commit_callbacks():
        job = upload(sitting, results_csv(answer_rows(first, form)), admin_user)
    # the worker had started it (state running) and was killed: its transaction rolled back
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.RUNNING, attempts=1)
    services.results_file_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and job.attempts == 2
    assert TestResult.objects.count() == 1


def test_the_job_page_shows_each_stage(client, day, admin_user, django_capture_on_commit_callbacks):
    sitting, first, second, form = day
    client.force_login(admin_user)
    url = reverse("assessment:results_upload", args=[sitting.pk])
    raw = results_csv(answer_rows(first, form))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"csv_file": SimpleUploadedFile("results.csv", raw)})
    job = ImportJob.objects.get()
    job_url = reverse("assessment:results_import_job", args=[sitting.pk, job.pk])
    assert response.status_code == 302 and response.url == job_url
    page = client.get(job_url).content.decode()
    assert "Queued" in page and "Check progress now" in page
    assert 'http-equiv="refresh"' not in page  # no refresh without the reader's say (WCAG 2.2.1)
    # while the task runs, the page shows what it last reported
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.RUNNING)
    cache.set(progress_key(job.pk), ("importing", 1, 2))
    assert "Importing</strong> 1 of 2 candidates" in client.get(job_url).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.QUEUED)
    callbacks[0]()
    done = client.get(job_url)
    assert done.status_code == 200
    text = done.content.decode()
    assert "Results file imported" in text and "1 candidate recorded" in text
    assert "http-equiv" not in text
    # a bad file: the job page lists every problem in a GOV.UK error summary
    rows = answer_rows(second, form)
    rows[0] = ("SW999999", *rows[0][1:])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"csv_file": SimpleUploadedFile("results.csv", results_csv(rows))})
    bad = ImportJob.objects.filter(state=ImportJobState.FAILED).get()
    failed = client.get(reverse("assessment:results_import_job", args=[sitting.pk, bad.pk]))
    assert failed.status_code == 400
    text = failed.content.decode()
    assert "govuk-error-summary" in text and "The results file has 2 rows with problems" in text
    assert "SW999999 is not a registration number the service knows" in text


@pytest.mark.parametrize(
    "name, raw, message",
    [
        ("results.xlsx", b"a,b\n", "The selected file must be a CSV"),
        ("results.csv", b"", "The selected file is empty"),
    ],
)
def test_the_upload_refuses_a_file_of_the_wrong_type(client, day, admin_user, name, raw, message):
    sitting, *_ = day
    client.force_login(admin_user)
    url = reverse("assessment:results_upload", args=[sitting.pk])
    response = client.post(url, {"csv_file": SimpleUploadedFile(name, raw)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_job_is_shown_only_under_its_own_sitting(
    client, day, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, _, form = day
    with django_capture_on_commit_callbacks():
        job = upload(sitting, results_csv(answer_rows(first, form)), admin_user)
    client.force_login(admin_user)
    other = SittingFactory()
    assert (
        client.get(reverse("assessment:results_import_job", args=[other.pk, job.pk])).status_code
        == 404
    )
    response = client.post(reverse("assessment:results_import_retry", args=[other.pk, job.pk]))
    assert response.status_code == 404


def test_the_job_run_issues_the_same_queries_at_two_file_sizes(
    admin_user, django_capture_on_commit_callbacks
):
    """Checking and importing a file takes the same number of queries (COPY aside) for 3
    candidates as for 12, after a first import that fills the process's caches."""
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    counts = []
    for size in (1, 3, 12):
        sitting = SittingFactory(capacity=20)
        attempts = [book(endorsed(), sitting) for _ in range(size)]
        set_sitting_date(sitting, 0)
        raw = results_csv([row for a in attempts for row in answer_rows(a, form)])
        with django_capture_on_commit_callbacks():
            job = upload(sitting, raw, admin_user)
        with CaptureQueriesContext(connection) as queries:
            services.results_file_import_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.candidates_recorded == size
        counts.append(len(queries))
    assert counts[1] == counts[2], counts
