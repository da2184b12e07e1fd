"""Correcting one candidate's knowledge-test answer: checked before it applies, audited with
before and after, the outcome recomputed as a new version (published again with a new letter,
or left to confirm), and bad input refused with nothing changed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessment import selectors, services
from assessment.models import Outcome, OutcomeResult, TestResponse, TestResult
from assessment.services import AssessmentError
from assessment.tests.factories import first_mark, make_item, publish
from assessment.tests.psychometrics.test_item_withdrawal import (
    answer_rows,
    area_items,
    booked_day,
    import_results,
    reload,
    wrong,
)
from feedback.models import Letter
from feedback.tests.factories import first_marker_of, write_feedback
from naas.models import AuditEvent, Role
from naas.tests.factories import staff_user

pytestmark = pytest.mark.django_db

MET, PARTIAL = OutcomeResult.MET, OutcomeResult.PARTIALLY_MET
REASON = "The test platform confirmed the answer was recorded wrongly"


@pytest.fixture(autouse=True)
def _no_sample(settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0


@pytest.fixture
def candidate(admin_user):
    """Every answer right and every area observed well (met); area 3 has 3 questions, so one
    more wrong answer there (2 of 3, 66.67%) keeps it met and two (1 of 3) do not."""
    sitting, (attempt,), form = booked_day(1)
    first, second, _ = area_items(form, 3)
    import_results(sitting, answer_rows(attempt, form), admin_user)
    first_mark(reload(attempt), admin=admin_user, marks=(3, 3, 3, 3))
    attempt = reload(attempt)
    assert selectors.current_outcome(attempt).result == MET
    return attempt, first, second


def correct(attempt, item, chosen, admin, reason=REASON):
    return services.test_response_correct(
        attempt=attempt, item=item, chosen=chosen, reason=reason, actor=admin
    )


def one_of_four(attempt):
    form = TestResult.objects.get(attempt=attempt).test_form
    return next(item for item in form.items.all() if item.option_count == 4)


def answer(attempt, item):
    return TestResponse.objects.get(result__attempt=attempt, item=item).chosen


def test_a_published_outcome_needing_feedback_gets_a_version_that_waits(admin_user, candidate):
    attempt, first, second = candidate
    old = publish(attempt, admin=admin_user)
    correct(attempt, first, wrong(first), admin_user)
    done = correct(attempt, second, wrong(second), admin_user)
    # then the score follows the answers, and a new version replaces the old one
    new = selectors.current_outcome(attempt)
    assert new.version == old.version + 1 and new.result == PARTIAL
    assert reload(old).superseded_at is not None and reload(old).is_published
    assert answer(attempt, second) == wrong(second)
    result = TestResult.objects.get(attempt=attempt)
    assert done.score_after == services.corrections.score_text(result)
    assert done.score_before != done.score_after
    # area 3 now needs feedback: it waits, confirmed, with the reason; no letter yet
    assert done.recomputed.kind == services.Recompute.AWAITING_PUBLICATION
    assert "Write feedback for area 3" in done.recomputed.problems[0]
    assert new.confirmed_at is not None and not new.is_published
    assert not Letter.objects.filter(outcome=new).exists()


def test_a_correction_to_met_is_published_at_once_with_a_new_letter(
    admin_user, candidate, django_capture_on_commit_callbacks
):
    attempt, first, second = candidate
    correct(attempt, first, wrong(first), admin_user)
    correct(attempt, second, wrong(second), admin_user)  # area 3 at 1 of 3: partially met
    outcome = selectors.current_outcome(attempt)
    write_feedback(attempt, first_marker_of(attempt), {3: "Revise child development"})
    services.outcome_confirm(outcome=outcome, actor=admin_user)
    services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin_user)
    # when the platform confirms the second answer was right after all
    with django_capture_on_commit_callbacks(execute=True):
        done = correct(attempt, second, second.correct_options, admin_user)
    # then a met version is published with its own letter; the old one is kept
    assert done.recomputed.kind == services.Recompute.REPUBLISHED
    new = selectors.current_outcome(attempt)
    assert new.result == MET and new.is_published and new.pk != outcome.pk
    assert Letter.objects.filter(outcome=new).exists()
    assert Letter.objects.filter(outcome=outcome).exists()
    assert reload(outcome).superseded_at is not None


def test_an_unpublished_outcome_gets_a_new_version_to_confirm(admin_user, candidate):
    attempt, first, second = candidate
    old = selectors.current_outcome(attempt)
    correct(attempt, first, wrong(first), admin_user)
    done = correct(attempt, second, wrong(second), admin_user)
    assert done.recomputed.kind == services.Recompute.TO_CONFIRM
    new = selectors.current_outcome(attempt)
    assert new.result == PARTIAL and new.confirmed_at is None and not new.is_published
    assert Outcome.objects.filter(pk=old.pk, superseded_at__isnull=False).exists()
    event = AuditEvent.objects.filter(action="outcome.recomputed_after_correction").get()
    assert event.detail["replaces"] == old.reference and event.detail["now"] == PARTIAL


def test_the_audit_event_holds_before_after_and_reason(admin_user, candidate):
    attempt, first, _ = candidate
    correct(attempt, first, wrong(first), admin_user)
    event = AuditEvent.objects.get(action="attempt.test_response_corrected")
    assert event.reason == REASON
    assert event.detail["before"]["chosen"] == first.correct_options
    assert event.detail["after"]["chosen"] == wrong(first)
    assert event.detail["before"]["score"] != event.detail["after"]["score"]


@pytest.mark.parametrize(
    "chosen, reason, message",
    [
        ("Z", REASON, "options must be letters A to H"),
        ("E", REASON, "has options A to D only"),  # asked of a "choose 1 of 4" question
        ("A", "  ", "Enter the reason for the correction"),
        (None, REASON, "is already that"),
    ],
)
def test_bad_corrections_change_nothing(admin_user, candidate, chosen, reason, message):
    attempt, _, _ = candidate
    first = one_of_four(attempt)
    chosen = first.correct_options if chosen is None else chosen
    before = (answer(attempt, first), TestResult.objects.get(attempt=attempt).raw_score)
    events = AuditEvent.objects.count()
    with pytest.raises(AssessmentError, match=message):
        correct(attempt, first, chosen, admin_user, reason=reason)
    assert (answer(attempt, first), TestResult.objects.get(attempt=attempt).raw_score) == before
    assert AuditEvent.objects.count() == events


def test_a_question_not_on_the_form_and_a_stranger_are_refused(admin_user, candidate):
    attempt, first, _ = candidate
    events = AuditEvent.objects.count()
    elsewhere = make_item(first.area)
    with pytest.raises(AssessmentError, match="on this candidate's test form"):
        correct(attempt, elsewhere, "A", admin_user)
    assessor = staff_user(Role.ASSESSOR)
    with pytest.raises(PermissionDenied):
        correct(attempt, first, wrong(first), assessor)
    assert AuditEvent.objects.count() == events


def test_form_check_then_correct_once(client, admin_user, candidate):
    attempt, _, _ = candidate
    first = one_of_four(attempt)
    client.force_login(admin_user)
    form_url = reverse("assessment:result_correct", args=[attempt.pk])
    check_url = reverse("assessment:result_correct_check", args=[attempt.pk])
    # out of range: an inline error, nothing kept
    bad = client.post(form_url, {"item": first.pk, "chosen": "E", "reason": REASON})
    assert (
        bad.status_code == 400 and "This question has options A to D only" in bad.content.decode()
    )
    unknown = client.post(form_url, {"item": 999999, "chosen": "A", "reason": REASON})
    assert unknown.status_code == 400
    assert "Select a question that is on this candidate" in unknown.content.decode()
    # a good answer is shown before it applies
    kept = client.post(form_url, {"item": first.pk, "chosen": wrong(first), "reason": REASON})
    assert kept.status_code == 302
    shown = client.get(check_url).content.decode()
    assert first.code in shown and REASON in shown
    assert answer(attempt, first) == first.correct_options
    sent = client.post(check_url)
    again = client.post(check_url)
    assert sent.status_code == 302 and again.status_code == 302
    assert AuditEvent.objects.filter(action="attempt.test_response_corrected").count() == 1
    assert answer(attempt, first) == wrong(first)
    done = client.get(reverse("assessment:result_correct_done", args=[attempt.pk]))
    assert "Answer corrected" in done.content.decode()
