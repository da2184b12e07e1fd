"""Templates ask, they never compare states: no `{% if %}` tests a state string, and every
question they ask instead (model properties backed by the state machines, policies, document
tags) answers true and false where it should."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.utils import timezone

from assessment import policies as assessment_policies
from assessment import services
from assessment.models import AdjustmentKind, Attempt, MarkerRole
from assessment.services import AdjustmentAsk
from assessment.tests.factories import (
    SittingFactory,
    administrator,
    allocate,
    book,
    endorsed,
    published_attempt,
    set_sitting_date,
)
from endorsement import policies as endorsement_policies
from endorsement.models import EndorsementState
from endorsement.tests.factories import la_lead_for, ready_endorsement
from naas.models import DocumentState, LocalAuthority
from naas.templatetags.document_tags import document_tag, needs_retry
from naas.tests.clock import frozen_today_fixture
from naas.tests.factories import SocialWorkerFactory
from reporting.models import LAReport

frozen_today = frozen_today_fixture()

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
IF_TAG = re.compile(r"{%-?\s*(?:if|elif)\b(.*?)-?%}", re.DOTALL)
# `x.state == "…"`, `"…" != state`, `x.state in …` (and the adjustment's `decision` field).
STATE_COMPARISON = re.compile(
    r"""(?:\bstate|\.decision)\s*(?:==|!=)\s*['"]"""
    r"""|['"]\s*(?:==|!=)\s*[\w.]*(?:\bstate|\.decision)\b"""
    r"""|(?:\bstate|\.decision)\s+(?:not\s+)?in\b"""
)


def state_comparisons(text: str) -> list[str]:
    return [tag.strip() for tag in IF_TAG.findall(text) if STATE_COMPARISON.search(tag)]


# --- The scan ------------------------------------------------------------------------------


def test_no_template_compares_a_state():
    offenders = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := state_comparisons(path.read_text()))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "tag",
    [
        '{% if attempt.state == "under_review" %}',
        "{% elif current.state == 'draft' and x %}",
        "{% if row.endorsement.state != 'draft' %}",
        "{% if 'ready' == document.state %}",
        "{% if report.state in unfinished %}",
        '{% if adjustment.decision == "approved" %}',
    ],
)
def test_the_scan_catches_each_kind_of_comparison(tag):
    assert len(state_comparisons(tag)) == 1


@pytest.mark.parametrize(
    "tag",
    [
        "{% if attempt.is_under_review %}",
        "{% if answers.decision == chosen %}",
        '{% if kind == "letter" %}',
        "{% if document|needs_retry %}",
    ],
)
def test_the_scan_lets_questions_through(tag):
    assert state_comparisons(tag) == []


# --- Attempts: rebooking and cancelling ----------------------------------------------------


def reload(attempt) -> Attempt:
    return Attempt.objects.select_related("sitting").get(pk=attempt.pk)


@pytest.fixture
def booking(db):
    return book(endorsed(), SittingFactory())


def test_a_booking_before_its_day_can_be_rebooked_and_cancelled(booking):
    assert booking.can_be_rebooked
    assert booking.can_be_cancelled


def test_on_the_day_a_booking_cannot_be_rebooked_but_an_administrator_may_cancel(booking):
    # given
    set_sitting_date(booking.sitting, 0)
    attempt = reload(booking)
    admin = administrator()
    # then
    assert not attempt.can_be_rebooked
    assert attempt.can_be_cancelled
    assert attempt.can_be_cancelled_by(admin)
    assert not attempt.can_be_cancelled_by(attempt.worker.user)
    assert assessment_policies.can_cancel_booking(admin, attempt)
    assert not assessment_policies.can_cancel_booking(attempt.worker.user, attempt)


def test_after_the_day_nobody_can_cancel(booking):
    set_sitting_date(booking.sitting, -1)
    attempt = reload(booking)
    assert not attempt.can_be_cancelled
    assert not attempt.can_be_cancelled_by(administrator())


def test_before_the_day_the_candidate_may_cancel_but_a_stranger_may_not(booking):
    assert booking.can_be_cancelled_by(booking.worker.user)
    assert not booking.can_be_cancelled_by(SocialWorkerFactory().user)


def test_a_cancelled_booking_cannot_change_again(booking):
    cancelled = services.attempt_cancel(attempt=booking, actor=booking.worker.user)
    assert not cancelled.can_be_rebooked
    assert not cancelled.can_be_cancelled
    assert not cancelled.shows_outcome


# --- Attempts: outcomes and reviews -----------------------------------------------------


@pytest.fixture
def published(db, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    admin = administrator()
    attempt, _outcome = published_attempt(admin=admin)
    return attempt, admin


def request_review(attempt):
    return services.review_request(
        attempt=attempt, grounds="The role play was cut short", actor=attempt.worker.user
    )


def test_a_booking_shows_no_outcome(booking):
    assert not booking.shows_outcome
    assert not booking.is_outcome_published
    assert not booking.is_under_review


def test_a_published_outcome_shows_and_is_not_under_review(published):
    attempt, _admin = published
    assert attempt.shows_outcome
    assert attempt.is_outcome_published
    assert not attempt.is_under_review


def test_under_review_the_outcome_still_shows(published):
    attempt, _admin = published
    request_review(attempt)
    attempt = reload(attempt)
    assert attempt.shows_outcome
    assert attempt.is_under_review
    assert not attempt.is_outcome_published


def test_only_the_reviewer_may_decide_a_waiting_review(published):
    # given
    attempt, admin = published
    review = request_review(attempt)
    reviewer = allocate(reload(attempt), MarkerRole.REVIEWER, admin=admin).assessor
    # then
    assert review.awaits_decision
    assert not review.is_overturned
    assert review.can_be_decided_by(reviewer)
    assert assessment_policies.can_decide_review(reviewer, review)
    assert not review.can_be_decided_by(attempt.worker.user)
    assert not review.can_be_decided_by(admin)


def test_an_overturned_review_is_decided(published):
    # given
    attempt, admin = published
    review = request_review(attempt)
    reviewer = allocate(reload(attempt), MarkerRole.REVIEWER, admin=admin).assessor
    # when
    review = services.review_decide(
        review=review, uphold=False, reason="The recording shows it", actor=reviewer
    )
    # then
    assert review.is_overturned
    assert not review.awaits_decision
    assert not review.can_be_decided_by(reviewer)


# --- Reasonable adjustments --------------------------------------------------------------


@pytest.fixture
def adjustment(db):
    attempt = book(endorsed(), SittingFactory(), adjustments=[AdjustmentAsk(AdjustmentKind.READER)])
    return attempt.adjustments.get()


def test_a_pending_adjustment_before_the_day_awaits_a_decision(adjustment):
    assert adjustment.awaits_decision
    assert not adjustment.is_approved


def test_an_adjustment_on_the_day_no_longer_awaits_a_decision(adjustment):
    set_sitting_date(adjustment.attempt.sitting, 0)
    adjustment.attempt.refresh_from_db()
    adjustment.attempt.sitting.refresh_from_db()
    assert not adjustment.awaits_decision


def test_an_adjustment_of_a_cancelled_booking_no_longer_awaits_a_decision(adjustment):
    services.attempt_cancel(attempt=adjustment.attempt, actor=adjustment.attempt.worker.user)
    adjustment.refresh_from_db()
    assert not adjustment.awaits_decision


def test_an_approved_adjustment_says_so(adjustment):
    decided = services.adjustment_decide(
        adjustment=adjustment, approve=True, reason="Evidence seen", actor=administrator()
    )
    assert decided.is_approved
    assert not decided.awaits_decision


# --- Endorsements -----------------------------------------------------------------------

S = EndorsementState


@pytest.mark.parametrize(
    ("state", "colour"),
    [
        (S.DRAFT, "govuk-tag--grey"),
        (S.SIGNED_OFF, "govuk-tag--blue"),
        (S.ENDORSED, "govuk-tag--green"),
        (S.DECLINED, "govuk-tag--red"),
        (S.WITHDRAWN, "govuk-tag--orange"),
        (S.LAPSED, "govuk-tag--yellow"),
    ],
)
def test_the_endorsement_tag_has_its_states_colour(db, state, colour):
    endorsement = ready_endorsement(state)
    html = render_to_string("endorsement/_state_tag.html", {"endorsement": endorsement})
    assert endorsement.tag_colour == colour
    assert f'class="govuk-tag {colour}"' in html
    assert endorsement.get_state_display() in html


@pytest.mark.parametrize(
    ("state", "with_supervisor", "awaits_confirmation", "awaits_booking"),
    [
        (S.DRAFT, True, False, False),
        (S.SIGNED_OFF, False, True, False),
        (S.ENDORSED, False, False, True),
        (S.DECLINED, False, False, False),
    ],
)
def test_where_an_endorsement_stands(
    db, state, with_supervisor, awaits_confirmation, awaits_booking
):
    endorsement = ready_endorsement(state)
    assert endorsement.is_with_supervisor is with_supervisor
    assert endorsement.awaits_confirmation is awaits_confirmation
    assert endorsement.awaits_booking is awaits_booking


def test_a_used_endorsement_no_longer_awaits_booking(db):
    endorsement = ready_endorsement(S.ENDORSED, used_at=timezone.now())
    assert not endorsement.awaits_booking


def test_a_draft_is_declined_by_the_supervisor_not_the_la_lead(db):
    endorsement = ready_endorsement(S.DRAFT)
    la_lead = la_lead_for(endorsement.worker.local_authority)
    assert endorsement.can_be_declined_by(endorsement.worker.supervisor)
    assert endorsement_policies.can_decline(endorsement.worker.supervisor, endorsement)
    assert not endorsement.can_be_declined_by(la_lead)


def test_a_sign_off_is_declined_by_the_la_lead_not_the_supervisor(db):
    endorsement = ready_endorsement(S.SIGNED_OFF)
    la_lead = la_lead_for(endorsement.worker.local_authority)
    assert endorsement.can_be_declined_by(la_lead)
    assert not endorsement.can_be_declined_by(endorsement.worker.supervisor)


def test_an_endorsed_worker_cannot_be_declined(db):
    endorsement = ready_endorsement(S.ENDORSED)
    la_lead = la_lead_for(endorsement.worker.local_authority)
    assert not endorsement.can_be_declined_by(la_lead)


# --- Generated documents ----------------------------------------------------------------


def la_report(state: str) -> LAReport:
    today = timezone.localdate()
    return LAReport.objects.create(
        local_authority=LocalAuthority.objects.first() or SocialWorkerFactory().local_authority,
        period_start=today - timedelta(days=30),
        period_end=today,
        state=state,
    )


@pytest.mark.parametrize(
    ("state", "colour", "label"),
    [
        (DocumentState.READY, "govuk-tag--green", "Ready"),
        (DocumentState.FAILED, "govuk-tag--red", "Failed"),
        (DocumentState.RUNNING, "govuk-tag--blue", "Being made"),
        (DocumentState.PENDING, "govuk-tag--grey", "Waiting to start"),
    ],
)
def test_a_documents_tag_shows_its_state(db, state, colour, label):
    report = la_report(state)
    expected = f'<strong class="govuk-tag {colour}">{label}</strong>'
    assert document_tag(report) == expected
    assert render_to_string("reporting/_state_tag.html", {"report": report}).strip() == expected
    assert render_to_string("feedback/_document_tag.html", {"document": report}).strip() == (
        expected
    )


def test_a_failed_document_needs_a_retry_and_a_ready_one_does_not(db):
    assert needs_retry(la_report(DocumentState.FAILED))
    assert not needs_retry(la_report(DocumentState.READY))


def test_a_document_stuck_unfinished_needs_a_retry(db, time_machine):
    report = la_report(DocumentState.PENDING)
    assert not needs_retry(report)
    later = timedelta(seconds=django_settings.NAAS_DOCUMENT_SWEEP_AFTER_SECONDS + 60)
    time_machine.move_to(timezone.now() + later, tick=False)
    assert needs_retry(report)
