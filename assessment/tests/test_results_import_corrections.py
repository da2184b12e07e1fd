"""A corrected results file replaces a sitting's imported results: only when the administrator
says it is a correction and why, after a check page lists whose scores change; each change is
audited with before and after, and the candidate's outcome is worked out again as a new
version."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment import services
from assessment.models import ImportJob, ImportJobState, Outcome, TestResult
from naas.models import AuditEvent, Level

from .factories import (
    SittingFactory,
    answer_rows,
    book,
    endorsed,
    make_test_form,
    marked_outcome,
    publish_outcome,
    results_csv,
    set_sitting_date,
)

pytestmark = pytest.mark.django_db

REASON = "The platform mis-keyed the first candidate's answers"


@pytest.fixture
def imported(admin_user, django_capture_on_commit_callbacks):
    """Two candidates' results imported from the platform's first file; the first candidate's
    outcome published."""
    sitting = SittingFactory()
    first = book(endorsed(), sitting)
    second = book(endorsed(), sitting)
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    set_sitting_date(sitting, 0)
    original = results_csv(answer_rows(first, form) + answer_rows(second, form))
    with django_capture_on_commit_callbacks(execute=True):
        services.results_file_upload(
            sitting=sitting, raw=original, file_name="results.csv", actor=admin_user
        )
    outcome = publish_outcome(marked_outcome(first, admin=admin_user), admin=admin_user)
    corrected = results_csv(answer_rows(first, form, correct=False) + answer_rows(second, form))
    return sitting, first, second, outcome, corrected


def correction(sitting, raw, actor, capture, *, is_correction=True) -> ImportJob:
    with capture(execute=True):
        job = services.results_file_upload(
            sitting=sitting,
            raw=raw,
            file_name="corrected.csv",
            actor=actor,
            is_correction=is_correction,
            reason=REASON if is_correction else "",
        )
    job.refresh_from_db()
    return job


def results_now():
    return sorted(TestResult.objects.values_list("attempt_id", "raw_score", "answers_digest"))


def test_a_differing_file_that_is_not_a_correction_is_refused(
    imported, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, _, _, corrected = imported
    before = results_now()
    job = correction(
        sitting, corrected, admin_user, django_capture_on_commit_callbacks, is_correction=False
    )
    assert job.state == ImportJobState.FAILED
    number = first.worker.registration_number
    assert job.row_errors == [
        [2, f"{number}'s test results were already imported and differ from this file"]
    ]
    assert results_now() == before


def test_the_check_shows_whose_scores_change_and_changes_nothing(
    imported, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, _, _, corrected = imported
    before = results_now()
    job = correction(sitting, corrected, admin_user, django_capture_on_commit_callbacks)
    assert job.state == ImportJobState.CHECKED
    assert job.changes == [
        {
            "attempt": first.pk,
            "registration_number": first.worker.registration_number,
            "before": "30.00/30",
            "after": "0.00/30",
        }
    ]
    assert results_now() == before


def test_applying_replaces_the_results_audits_and_makes_a_new_outcome_version(
    imported, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, second, outcome, corrected = imported
    second_result = TestResult.objects.get(attempt=second)
    job = correction(sitting, corrected, admin_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.results_correction_apply(job=job, actor=admin_user)
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE
    assert (job.candidates_corrected, job.candidates_unchanged) == (1, 1)
    assert TestResult.objects.get(attempt=first).raw_score == 0
    # the unchanged candidate's result is the same row as before
    assert TestResult.objects.get(attempt=second) == second_result
    event = AuditEvent.objects.get(action="attempt.test_results_corrected")
    assert event.object_id == str(first.pk) and event.reason == REASON
    assert (event.detail["before"], event.detail["after"]) == ("30.00/30", "0.00/30")
    assert event.actor == admin_user
    # the outcome is worked out again as a new version; the old one is kept
    versions = Outcome.objects.filter(attempt=first)
    assert versions.count() == 2 and versions.filter(pk=outcome.pk).exists()
    assert AuditEvent.objects.filter(action="outcome.recomputed_after_results_correction").exists()
    # a second click on "Apply" changes nothing
    count = AuditEvent.objects.count()
    assert not services.results_correction_apply(job=job, actor=admin_user)
    assert AuditEvent.objects.count() == count


def test_a_correction_needs_a_reason(client, imported, admin_user):
    sitting, *_, corrected = imported
    client.force_login(admin_user)
    response = client.post(
        reverse("assessment:results_upload", args=[sitting.pk]),
        {"csv_file": SimpleUploadedFile("corrected.csv", corrected), "is_correction": "on"},
    )
    assert response.status_code == 400
    assert "Enter why the results are being corrected" in response.content.decode()
    assert not ImportJob.objects.filter(is_correction=True).exists()


def test_the_check_page_lists_the_changes_and_applies_them(
    client, imported, admin_user, django_capture_on_commit_callbacks
):
    sitting, first, _, _, corrected = imported
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessment:results_upload", args=[sitting.pk]),
            {
                "csv_file": SimpleUploadedFile("corrected.csv", corrected),
                "is_correction": "on",
                "reason": REASON,
            },
        )
    job = ImportJob.objects.get(is_correction=True)
    page = client.get(response.url).content.decode()
    assert "Check the corrected results" in page
    assert "1 candidate&#x27;s answers differ" in page
    assert first.worker.registration_number in page and "0.00/30" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessment:results_correction_apply", args=[sitting.pk, job.pk]))
    page = client.get(response.url).content.decode()
    assert "Results file imported" in page and "1 candidate corrected" in page
