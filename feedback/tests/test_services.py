import io

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from assessment.models import AttemptState, MarkerRole, OutcomeResult
from assessment.services import (
    AssessmentError,
    attempt_cancel,
    attempt_record_attendance,
    marks_submit,
)
from assessment.signals import publication_problems
from assessment.tests.factories import (
    SittingFactory,
    administrator,
    allocate,
    book,
    endorsed,
    fast_track_attempt,
    independent_assessor,
    mark_entries,
    marked_outcome,
    publish_outcome,
    review_overturned,
    set_sitting_date,
)
from endorsement.selectors import worker_has_current_accreditation
from feedback import services
from feedback.models import (
    Accreditation,
    AreaFeedback,
    Certificate,
    Letter,
    SupportAction,
    SupportActionStatus,
)
from naas.models import AuditEvent, DocumentState, Level, Role
from naas.notify.models import NotifyMessage
from naas.services import documents_sweep
from naas.tests.factories import SocialWorkerFactory, staff_user

from .factories import (
    MET,
    NOT_MET,
    PARTIAL,
    draft_result,
    marking_attempt,
    published_result,
    write_feedback,
)

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def entries(attempt, texts):
    return [
        services.FeedbackEntry(
            area_id=area.pk, feedback=texts.get(area.number, ""), development_suggestions=""
        )
        for area in attempt.framework.areas.all()
    ]


def first_marks_submitted(attempt, marker):
    """The first marker submits marks (3 in every task) through the assessment service."""
    allocation = attempt.allocations.get(role=MarkerRole.FIRST)
    marks_submit(allocation=allocation, marks=mark_entries(attempt), actor=marker)


# --- Feedback ---------------------------------------------------------------------------------


def test_first_marker_saves_feedback_with_an_audit_event_per_change():
    # given
    attempt, assessor = marking_attempt()
    # when
    changed = services.area_feedback_save(
        attempt=attempt, actor=assessor, entries=entries(attempt, {5: "Weigh the history"})
    )
    again = services.area_feedback_save(
        attempt=attempt, actor=assessor, entries=entries(attempt, {5: "Weigh the history"})
    )
    # then
    assert (changed, again) == (1, 0)
    item = AreaFeedback.objects.get(attempt=attempt)
    assert (item.area.number, item.feedback, item.written_by) == (5, "Weigh the history", assessor)
    events = AuditEvent.objects.for_object(item)
    assert [e.action for e in events] == ["area_feedback.created"]
    assert "Weigh" not in str(events[0].detail)


@pytest.mark.parametrize("who", ["second", "stranger", "worker"])
def test_only_the_first_marker_may_write_feedback(who, settings):
    # given: an attempt being marked (for "second": first-marked, in the second-marking sample)
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt, first = marking_attempt()
    if who == "second":
        first_marks_submitted(attempt, first)
        actor = allocate(attempt, MarkerRole.SECOND, admin=administrator()).assessor
        attempt.refresh_from_db()
        assert attempt.state == AttemptState.SCORED
    else:
        actor = {"stranger": staff_user(Role.ASSESSOR), "worker": attempt.worker.user}[who]
    # when / then
    with pytest.raises(services.FeedbackError):
        services.area_feedback_save(
            attempt=attempt, actor=actor, entries=entries(attempt, {1: "x"})
        )
    assert not AreaFeedback.objects.exists()


def attempt_in(state):
    """An attempt brought to `state` through the assessment services, and the assessor who
    would write its feedback: its first marker once published; before it is sat (or when it
    never will be) nobody can be its first marker."""
    if state == AttemptState.OUTCOME_PUBLISHED:
        outcome, marker = published_result({3: NOT_MET})
        return outcome.attempt, marker
    admin = administrator()
    endorsement = endorsed()
    attempt = book(endorsement, SittingFactory())
    if state == AttemptState.CANCELLED:
        attempt = attempt_cancel(attempt=attempt, actor=endorsement.worker.user)
    elif state == AttemptState.NO_SHOW:
        set_sitting_date(attempt.sitting, 0)
        attempt = attempt_record_attendance(attempt=attempt, attended=False, actor=admin)
    assessor = independent_assessor()
    with pytest.raises(AssessmentError, match="does not need a first marker"):
        allocate(attempt, MarkerRole.FIRST, admin=admin, assessor=assessor)
    return attempt, assessor


@pytest.mark.parametrize(
    "state",
    [
        AttemptState.BOOKED,
        AttemptState.CANCELLED,
        AttemptState.NO_SHOW,
        AttemptState.OUTCOME_PUBLISHED,
    ],
)
def test_feedback_is_closed_outside_marking_and_review(state):
    # given
    attempt, assessor = attempt_in(state)
    assert attempt.state == state
    # when / then
    with pytest.raises(services.FeedbackError):
        services.area_feedback_save(
            attempt=attempt, actor=assessor, entries=entries(attempt, {1: "x"})
        )


def test_an_area_outside_the_attempt_is_refused():
    # given: a fast-track retake of area 5 only, waiting for its marker
    parent, _ = published_result({5: NOT_MET})
    attempt = fast_track_attempt(parent.attempt)
    assert [area.number for area in attempt.areas.all()] == [5]
    assessor = allocate(attempt, MarkerRole.FIRST, admin=administrator()).assessor
    # when / then
    with pytest.raises(services.FeedbackError):
        services.area_feedback_save(
            attempt=attempt, actor=assessor, entries=entries(attempt, {1: "x"})
        )


def test_publication_is_refused_while_an_area_not_met_lacks_feedback():
    # given
    outcome, assessor = draft_result({5: NOT_MET, 9: PARTIAL})
    attempt = outcome.attempt
    write_feedback(attempt, assessor, {5: "Risk analysis"})
    # when
    problems = publication_problems(outcome)
    # then
    assert len(problems) == 1 and "area 9" in problems[0]
    write_feedback(attempt, assessor, {5: "Risk analysis", 9: "   "})
    assert len(publication_problems(outcome)) == 1
    write_feedback(attempt, assessor, {5: "Risk analysis", 9: "Research"})
    assert publication_problems(outcome) == []


# --- Publication ------------------------------------------------------------------------------


def test_publishing_makes_one_letter_with_results_and_feedback(django_capture_on_commit_callbacks):
    # given / when
    with django_capture_on_commit_callbacks(execute=True):
        outcome, _ = published_result(
            {5: NOT_MET, 9: PARTIAL},
            feedback={5: "Chronologies should inform the safety plan.", 9: "Link to research."},
            suggestions={5: "Shadow a senior practitioner."},
        )
    # then
    letter = Letter.objects.get()
    assert letter.outcome == outcome and letter.state == DocumentState.READY
    text = pdf_text(letter)
    assert outcome.reference in text
    assert outcome.attempt.worker.registration_number in text
    assert outcome.attempt.worker.user.full_name in text
    assert "Partially met" in text
    assert "5. Abuse and neglect of children Not met" in text
    assert "1. Relationships and effective direct work Met" in text
    assert "Chronologies should inform the safety plan." in text
    assert "Shadow a senior practitioner." in text
    assert "retake only the areas not met" in text
    assert "ask for a review of this result until" in text
    assert not Accreditation.objects.exists()
    # the worker is told, by name only
    [message] = NotifyMessage.objects.all()
    assert (message.kind, message.recipient) == (
        "feedback_letter_ready",
        outcome.attempt.worker.user,
    )
    assert outcome.attempt.worker.registration_number not in str(message.personalisation)
    assert message.personalisation["name"] == outcome.attempt.worker.user.full_name


def test_a_met_outcome_records_an_accreditation_and_a_certificate(
    django_capture_on_commit_callbacks,
):
    # given / when
    with django_capture_on_commit_callbacks(execute=True):
        outcome, _ = published_result()
    # then
    accreditation = Accreditation.objects.get()
    worker = outcome.attempt.worker
    assert (accreditation.worker, accreditation.level, accreditation.outcome) == (
        worker,
        Level.PRACTITIONER,
        outcome,
    )
    assert accreditation.reference.startswith("ACC-")
    certificate = Certificate.objects.get()
    text = pdf_text(certificate)
    assert accreditation.reference in text and worker.user.full_name in text
    assert worker_has_current_accreditation(worker, Level.PRACTITIONER)
    assert not worker_has_current_accreditation(worker, Level.SUPERVISOR)
    assert "new practice endorsement" not in pdf_text(Letter.objects.get())


def test_a_review_that_overturns_a_met_outcome_withdraws_the_accreditation(
    django_capture_on_commit_callbacks,
):
    # given: a met outcome; a review overturns it and the reviewer's marks fall short in
    # area 5 (its knowledge test was passed, so the rules make it partially met)
    with django_capture_on_commit_callbacks(execute=True):
        first, assessor = published_result()
    attempt = first.attempt
    second = review_overturned(attempt, results={5: PARTIAL}, overall=PARTIAL)
    write_feedback(attempt, assessor, {5: "After review"})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        second = publish_outcome(second)
    # then
    assert Letter.objects.count() == 2
    assert Accreditation.objects.get().withdrawn_at is not None
    assert not worker_has_current_accreditation(attempt.worker, Level.PRACTITIONER)
    assert "retake only the areas not met" in pdf_text(Letter.objects.get(outcome=second))


def test_publication_rolled_back_leaves_no_letter(django_capture_on_commit_callbacks):
    # given: a met outcome ready to publish
    outcome, _ = draft_result()
    # when: the transaction that publishes it fails after the signal was sent
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish_outcome(outcome)
        assert Letter.objects.filter(outcome=outcome).exists()
        raise RuntimeError("publication failed")
    # then
    assert not Letter.objects.exists() and not Accreditation.objects.exists()
    assert callbacks == []
    outcome.refresh_from_db()
    assert outcome.published_at is None
    assert outcome.attempt.state == AttemptState.MODERATED


def test_the_signal_sent_twice_still_makes_one_letter(django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        outcome, _ = published_result({3: NOT_MET})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_publication_record(outcome=outcome)
    # then
    assert Letter.objects.count() == 1


def test_building_twice_makes_one_file_and_one_email(django_capture_on_commit_callbacks, settings):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        published_result({3: NOT_MET})
    letter = Letter.objects.get()
    name = letter.file.name
    # when
    services.letter_build(letter_id=letter.pk)
    from feedback.tasks import build_letter

    build_letter.delay(letter.pk)
    # then
    letter.refresh_from_db()
    assert letter.file.name == name and letter.attempts == 1
    files = list((settings.MEDIA_ROOT / "documents").iterdir())
    assert len(files) == 1
    assert NotifyMessage.objects.filter(kind="feedback_letter_ready").count() == 1


def test_html_in_names_and_feedback_is_printed_as_text(django_capture_on_commit_callbacks):
    # given
    worker = SocialWorkerFactory(user__full_name="<b>Bold</b> O'Brien & Søn Ελένη Олег")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        published_result(
            {2: NOT_MET},
            worker=worker,
            feedback={2: '<h1>Shout</h1><img src="x"> <script>alert(1)</script> Ünïcødé ✓'},
        )
    # then
    text = pdf_text(Letter.objects.get())
    assert "<b>Bold</b> O'Brien & Søn Ελένη Олег" in text
    assert '<h1>Shout</h1><img src="x"> <script>alert(1)</script>' in text


def test_a_url_in_feedback_is_never_fetched(django_capture_on_commit_callbacks, monkeypatch):
    # given: any attempt to open a socket fails the test
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the letter tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    feedback = (
        'See http://127.0.0.1:6379/ and <img src="http://127.0.0.1:6379/x.png"> and '
        '<link rel="stylesheet" href="file:///etc/passwd">'
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        published_result({2: NOT_MET}, feedback={2: feedback})
    # then
    letter = Letter.objects.get()
    assert letter.state == DocumentState.READY
    assert "http://127.0.0.1:6379/" in pdf_text(letter)
    assert "root:" not in pdf_text(letter)


def test_very_long_feedback_fits_in_the_letter(django_capture_on_commit_callbacks):
    # given
    long_text = ("A long paragraph of feedback. " * 160)[:4999]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        published_result(
            {k: NOT_MET for k in range(1, 11)}, feedback={k: long_text for k in range(1, 11)}
        )
    # then
    letter = Letter.objects.get()
    assert letter.state == DocumentState.READY
    assert len(PdfReader(letter.file.open("rb")).pages) > 3


def test_a_failed_letter_can_be_retried_by_an_administrator(django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        published_result({3: NOT_MET})
    letter = Letter.objects.get()
    Letter.objects.filter(pk=letter.pk).update(
        state=DocumentState.FAILED, file="", last_error="OSError: disk full"
    )
    admin = staff_user(Role.ADMINISTRATOR)
    # when
    with pytest.raises(services.FeedbackError):
        services.letter_retry(letter=letter, actor=staff_user(Role.DFE))
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_retry(letter=letter, actor=admin)
    # then
    letter.refresh_from_db()
    assert letter.state == DocumentState.READY and letter.last_error == ""
    assert AuditEvent.objects.for_object(letter).filter(action="document.retried").exists()


def test_the_sweep_sends_a_letter_whose_message_was_lost(django_capture_on_commit_callbacks):
    # given: the publication commits but the message never reaches a worker
    from datetime import timedelta

    published_result({3: NOT_MET})  # no on_commit callbacks run here
    letter = Letter.objects.get()
    assert letter.state == DocumentState.PENDING
    # when: the sweep runs eleven minutes later, for documents waiting ten minutes or more
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        sent = documents_sweep(older_than=timedelta(minutes=10))
    # then
    letter.refresh_from_db()
    assert sent >= 1 and letter.state == DocumentState.READY


# --- Support plans ----------------------------------------------------------------------------


def test_supervisor_records_support_for_an_area_not_met_and_updates_it():
    # given
    outcome, _ = published_result({5: NOT_MET, 9: PARTIAL})
    worker = outcome.attempt.worker
    area5 = outcome.attempt.framework.areas.get(number=5)
    # when
    from datetime import date

    item = services.support_action_add(
        worker=worker,
        actor=worker.supervisor,
        area=area5,
        action="Shadowing",
        owner="Team manager",
        due_on=date(2027, 1, 31),
    )
    services.support_action_set_status(
        item=item, actor=worker.supervisor, status=SupportActionStatus.DONE
    )
    # then
    item.refresh_from_db()
    assert item.plan.outcome == outcome and item.plan.worker == worker
    assert item.status == SupportActionStatus.DONE
    actions = [e.action for e in AuditEvent.objects.for_object(item)]
    assert actions == ["support_action.created", "support_action.status_changed"]


def test_support_is_refused_for_a_met_area_a_met_outcome_or_a_stranger():
    from datetime import date

    outcome, _ = published_result({5: NOT_MET})
    worker = outcome.attempt.worker
    area1 = outcome.attempt.framework.areas.get(number=1)
    area5 = outcome.attempt.framework.areas.get(number=5)
    args = {"action": "x", "owner": "y", "due_on": date(2027, 1, 1)}
    with pytest.raises(services.FeedbackError):
        services.support_action_add(worker=worker, actor=worker.supervisor, area=area1, **args)
    with pytest.raises(services.FeedbackError):
        services.support_action_add(
            worker=worker, actor=staff_user(Role.SUPERVISOR), area=area5, **args
        )
    with pytest.raises(services.FeedbackError):
        services.support_action_add(worker=worker, actor=worker.user, area=area5, **args)
    met, _ = published_result()
    with pytest.raises(services.FeedbackError):
        services.support_action_add(
            worker=met.attempt.worker, actor=met.attempt.worker.supervisor, area=area1, **args
        )
    assert not SupportAction.objects.exists()


def test_result_enum_values_match_what_the_letter_expects():
    assert {MET, PARTIAL, NOT_MET} == set(OutcomeResult.values)


def test_a_fast_track_retake_shows_merged_results_and_keeps_earlier_feedback(
    django_capture_on_commit_callbacks,
):
    # given: a partially met attempt, then a retake of area 5 only, now met
    from feedback import selectors

    with django_capture_on_commit_callbacks(execute=True):
        first, assessor = published_result(
            {5: NOT_MET}, feedback={5: "First time", 1: "Strong start"}
        )
    parent = first.attempt
    retake = fast_track_attempt(parent)
    merged = marked_outcome(retake, results={5: MET}, overall=MET, assessor=assessor)
    write_feedback(retake, assessor, {5: "Now secure"})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        merged = publish_outcome(merged)
    # then
    rows = {row.area.number: row for row in selectors.area_rows(merged)}
    assert rows[5].feedback == "Now secure" and not rows[5].carried_forward
    assert rows[1].feedback == "Strong start" and rows[1].carried_forward
    results = selectors.worker_results(parent.worker)
    assert results.current == merged and len(results.history) == 2
    assert results.fast_track_until is None  # a fast track is allowed once
    assert Accreditation.objects.get().outcome == merged


def test_results_page_queries_do_not_grow_with_history(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def count_for(worker):
        client.force_login(worker.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("feedback:my_results")).status_code == 200
        return len(queries)

    # given: one worker with one result, another with a result replaced by a review
    small, _ = published_result({5: NOT_MET})
    big, _ = published_result({5: NOT_MET, 6: NOT_MET})
    second = review_overturned(big.attempt, results={5: NOT_MET, 6: NOT_MET})
    publish_outcome(second)
    assert big.attempt.outcomes.count() == 2
    # then
    assert count_for(small.attempt.worker) == count_for(big.attempt.worker)


def test_a_met_results_page_costs_the_same_queries_however_long_the_history(client):
    """A met result shows no support plan, so none is read; a review adds history, not queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def count_for(worker):
        client.force_login(worker.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("feedback:my_results")).status_code == 200
        return len(queries)

    small, _ = published_result()
    big, _ = published_result({5: PARTIAL})
    second = review_overturned(big.attempt, results={}, overall=OutcomeResult.MET)
    publish_outcome(second)
    assert big.attempt.outcomes.count() == 2
    assert count_for(small.attempt.worker) == count_for(big.attempt.worker)
