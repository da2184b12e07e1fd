"""Letters under fault injection: a disk that fills up part-way through writes, a broker that
is down when an outcome is published, and staff retrying a letter that is already ready.

Files are counted in MEDIA_ROOT after each fault: no partial or orphan file, one file per ready
letter. Nothing here measures time (bench/bench_broker_down.py prints how long the publishing
request waits with the broker down)."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse

from assessment.models import Attempt
from feedback.models import Letter
from feedback.tests.factories import NOT_MET, PARTIAL, published_result
from naas.celery import app
from naas.models import AuditEvent, DocumentState, Role
from naas.notify.models import NotifyMessage
from naas.services import documents_sweep
from naas.tests.factories import staff_user
from naas.tests.faults import (
    closed_port,
    disk_full_fixture,
    media_files,
    producer_pointed_at,
    temporary_files,
    wait_for,
)

LETTERS = 6
disk_full = disk_full_fixture()


def publish_letters(count: int, capture) -> list[Letter]:
    letters = []
    for n in range(count):
        with capture(execute=True):
            outcome, _ = published_result(
                {5: NOT_MET, 9: PARTIAL}, feedback={5: f"Feedback {n}", 9: "Link to research."}
            )
        letters.append(Letter.objects.get(outcome=outcome))
    return letters


def letter_files(settings):
    return [p for p in media_files(settings.MEDIA_ROOT) if p.suffix == ".pdf"]


def assert_one_file_per_ready_letter(settings):
    ready = Letter.objects.filter(state=DocumentState.READY)
    assert temporary_files(settings.MEDIA_ROOT) == []
    assert sorted(p.name for p in media_files(settings.MEDIA_ROOT)) == sorted(
        letter.file.name.rsplit("/", 1)[-1] for letter in ready
    )
    for letter in ready:
        assert letter.file.name == f"documents/{letter.document_filename()}"
        with letter.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"


@pytest.mark.django_db
def test_a_disk_filling_up_during_several_letters_leaves_no_orphan_files(
    disk_full, settings, django_capture_on_commit_callbacks
):
    # given a disk that fills up 2 KB into the first two writes of each letter (Celery eager:
    # each letter is retried at once; on a real worker, with its backoff)
    disk_full.plan(failures=2, room_bytes=2048, per_name=True)
    # when six outcomes are published
    letters = publish_letters(LETTERS, django_capture_on_commit_callbacks)
    # then each write really left a partial file at the moment it failed
    assert disk_full.partial_sizes == [2048] * (2 * LETTERS)
    # and every letter was made on its third try, under its own name, with nothing else left
    for letter in letters:
        letter.refresh_from_db()
        assert letter.state == DocumentState.READY and letter.attempts == 3
    assert len(letter_files(settings)) == LETTERS
    assert_one_file_per_ready_letter(settings)


@pytest.mark.django_db
def test_letters_failed_on_a_full_disk_are_made_once_staff_retry_after_it_is_cleared(
    disk_full, settings, client, django_capture_on_commit_callbacks
):
    # given a disk that stays full while six outcomes are published
    disk_full.plan(failures=10_000, room_bytes=4096)
    letters = publish_letters(LETTERS, django_capture_on_commit_callbacks)
    # then every letter failed with the reason, and no file at all is left
    for letter in letters:
        letter.refresh_from_db()
        assert letter.state == DocumentState.FAILED
        assert letter.last_error.startswith("OSError: [Errno 28] No space left on device")
    assert media_files(settings.MEDIA_ROOT) == []
    admin = staff_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(reverse("feedback:letters")).content.decode()
    assert page.count("No space left on device") == LETTERS
    # when the disk is cleared and the administrator retries each one
    disk_full.plan(failures=0)
    for letter in letters:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("feedback:letter_retry", args=[letter.pk]), follow=True)
        assert f"Letter {letter.pk} has been queued again" in response.content.decode()
    # then each is made once: one file each, nothing else
    for letter in letters:
        letter.refresh_from_db()
        assert letter.state == DocumentState.READY
    assert_one_file_per_ready_letter(settings)
    assert len(letter_files(settings)) == LETTERS


@pytest.mark.django_db
def test_retrying_a_letter_that_is_ready_says_so_and_changes_nothing(
    settings, client, django_capture_on_commit_callbacks
):
    # given a letter that is ready, and its email sent
    [letter] = publish_letters(1, django_capture_on_commit_callbacks)
    letter.refresh_from_db()
    assert letter.state == DocumentState.READY
    before = (letter.attempts, letter.file.name, letter.completed_at, letter.emailed_at)
    emails = NotifyMessage.objects.count()
    client.force_login(staff_user(Role.ADMINISTRATOR))
    # when the administrator posts "Try again" twice (an old page, a double click)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(reverse("feedback:letter_retry", args=[letter.pk]), follow=True)
        page = response.content.decode()
        # then it says it is already ready, never "queued again", and queues nothing
        assert f"Letter {letter.pk} is already ready: nothing to do" in page
        assert "queued again" not in page
        assert callbacks == []
    letter.refresh_from_db()
    assert (letter.attempts, letter.file.name, letter.completed_at, letter.emailed_at) == before
    assert NotifyMessage.objects.count() == emails
    assert not AuditEvent.objects.for_object(letter).filter(action="document.retried").exists()
    assert len(letter_files(settings)) == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_publication_commits_and_the_letter_stays_queued(settings, caplog):
    # given the producer sends to a port nothing listens on (no worker, not eager); warnings
    # are captured even after a real worker set the root logger to errors only
    caplog.set_level(logging.WARNING, logger="naas.services")
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    with producer_pointed_at(app, dead):
        # when an outcome is published (a real commit, then the on-commit send fails)
        outcome, _ = published_result({3: NOT_MET}, feedback={3: "Analysis was thin."})
    # then the publication committed and the letter is queued, waiting for the sweep
    assert Attempt.objects.get(pk=outcome.attempt_id).state == "outcome_published"
    letter = Letter.objects.get(outcome=outcome)
    assert letter.state == DocumentState.PENDING and letter.queued_at is not None
    assert letter.attempts == 0
    # and the log says so, with ids only: no name, email or registration number
    # (the dashboard figures' refresh, sent after the same commit, is not sent either)
    [record] = [r for r in caplog.records if "build_letter" in r.getMessage()]
    message = record.getMessage()
    assert f"feedback.tasks.build_letter {letter.pk} not sent" in message
    assert "document sweep" in message
    worker = outcome.attempt.worker
    for personal in (worker.user.full_name, worker.user.email, worker.registration_number):
        assert personal not in caplog.text
    assert media_files(settings.MEDIA_ROOT) == []
    # when the broker is back (eager here) and the sweep runs
    assert documents_sweep(older_than=timedelta(0)) == 1
    # then the letter is made, once
    letter.refresh_from_db()
    assert letter.state == DocumentState.READY and letter.attempts == 1
    assert len(letter_files(settings)) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_a_disk_filling_up_leaves_no_orphan_files(
    real_celery_worker, disk_full, settings
):
    # given a disk that fills up 2 KB into the first write of each letter
    disk_full.plan(failures=1, room_bytes=2048, per_name=True)
    # when three outcomes are published and the worker makes their letters
    letters = []
    for n in range(3):
        outcome, _ = published_result({5: NOT_MET}, feedback={5: f"Feedback {n}"})
        letters.append(Letter.objects.get(outcome=outcome))
    wait_for(
        lambda: Letter.objects.filter(state=DocumentState.READY).count() == 3,
        what="three letters",
    )
    # then the three failed writes left nothing; each letter has its one file
    assert disk_full.partial_sizes == [2048] * 3
    assert [letter.attempts for letter in Letter.objects.all()] == [2, 2, 2]
    assert_one_file_per_ready_letter(settings)
    assert len(letter_files(settings)) == 3
