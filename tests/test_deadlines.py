"""What a candidate is told is what the code enforces: the fast-track and review deadlines read
from the feedback letter (the PDF's own text), the results page and the outcome page, then tried
against the services that book a retake and take a review request, on the last day stated and
on the day after. The same for an endorsement's "valid until" and the booking that uses it.

Outcomes are published through the real services at 00:30 in England: in summer time (the UTC
date is still the day before, which is how the letter once said 30 September while the booking
rule allowed 1 October) and after the clocks go back.
"""

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from assessment import selectors, services
from assessment.models import Attempt, AttemptState
from assessment.services import AssessmentError
from assessment.tests.factories import (
    PARTIAL_MARKS,
    SittingFactory,
    administrator,
    book,
    first_mark,
    publish,
    sat_attempt,
)
from endorsement import services as endorsement_services
from endorsement.models import Endorsement, EndorsementState
from endorsement.services import EndorsementError
from endorsement.tests.factories import la_lead_for, ready_endorsement
from feedback import services as feedback_services
from feedback.models import Letter

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
STATED_DATE = r"(\d{1,2} [A-Z][a-z]+ \d{4})"
FAST_TRACK_TOLD = re.compile(r"without a new endorsement, until " + STATED_DATE)
REVIEW_TOLD = re.compile(r"review of [^.]*?until " + STATED_DATE)

CASES = [
    pytest.param(
        datetime(2026, 4, 1, 0, 30, tzinfo=LONDON),  # 2026-03-31 23:30 UTC
        date(2026, 10, 1),  # six calendar months after 1 April
        date(2026, 5, 1),  # 20 working days, skipping Good Friday and Easter Monday
        id="BST-00:30-1-April-2026",
    ),
    pytest.param(
        datetime(2026, 11, 1, 0, 30, tzinfo=LONDON),  # GMT: 2026-11-01 00:30 UTC
        date(2027, 5, 1),
        date(2026, 11, 27),
        id="GMT-00:30-1-November-2026",
    ),
]


@pytest.fixture(autouse=True)
def _no_second_marking_sample(settings):
    """Every attempt goes straight from first marking to its outcome (no random sample)."""
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0


def _published_partially_met(published_at: datetime) -> Attempt:
    """A first attempt marked 8 of 10 areas met, with feedback for the two not met, published
    through the services at `published_at`."""
    with time_machine.travel(published_at, tick=False):
        admin = administrator()
        attempt = sat_attempt(admin=admin)
        allocation = first_mark(attempt, admin=admin, per_area=PARTIAL_MARKS)
        feedback_services.area_feedback_save(
            attempt=attempt,
            actor=allocation.assessor,
            entries=[
                feedback_services.FeedbackEntry(
                    area_id=area.pk,
                    feedback="The plan did not show how the child's views were weighed.",
                    development_suggestions="Observe a senior colleague's direct work.",
                )
                for area in attempt.areas.filter(number__in=PARTIAL_MARKS)
            ],
        )
        publish(Attempt.objects.get(pk=attempt.pk), admin=admin)
    return Attempt.objects.get(pk=attempt.pk)


def _plain(text: str) -> str:
    """Text without tags, with any run of whitespace (a PDF line break) as one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _stated(pattern: re.Pattern, text: str) -> date:
    """The date a person is told, read back from the words they see."""
    match = pattern.search(_plain(text))
    assert match, f"no deadline matching {pattern.pattern!r} in: {_plain(text)[:2000]}"
    return datetime.strptime(match.group(1), "%d %B %Y").date()


def _letter_text(attempt: Attempt) -> str:
    letter = Letter.objects.get(outcome=selectors.current_outcome(attempt))
    reader = PdfReader(io.BytesIO(feedback_services.letter_render(letter)))
    return " ".join(page.extract_text() for page in reader.pages)


def _page_text(client, record, url_name: str, at: datetime) -> str:
    """The page at `url_name` as the worker of `record` (an attempt or endorsement) sees it."""
    with time_machine.travel(at, tick=False):
        client.force_login(record.worker.user)
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


def _last_minute_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=LONDON)


def _first_minute_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0, 0, 30), tzinfo=LONDON)


def _assert_fast_track_enforced_until(attempt: Attempt, last_day: date) -> None:
    """A retake booked on the day after `last_day` is refused; on `last_day` it is booked."""
    with (
        time_machine.travel(_first_minute_after(last_day), tick=False),
        pytest.raises(AssessmentError, match="fast-track window closed"),
    ):
        services.attempt_book_fast_track(
            parent=attempt, sitting=SittingFactory(), actor=attempt.worker.user
        )
    assert not attempt.retakes.exists()
    with time_machine.travel(_last_minute_of(last_day), tick=False):
        retake = services.attempt_book_fast_track(
            parent=Attempt.objects.get(pk=attempt.pk),
            sitting=SittingFactory(),
            actor=attempt.worker.user,
        )
    assert retake.parent_id == attempt.pk and retake.state == AttemptState.BOOKED


def _assert_review_enforced_until(attempt: Attempt, last_day: date) -> None:
    """A review asked for on the day after `last_day` is refused; on `last_day` it is taken."""
    grounds = "The second role play was cut short"
    with (
        time_machine.travel(_first_minute_after(last_day), tick=False),
        pytest.raises(AssessmentError, match="deadline for asking for a review"),
    ):
        services.review_request(attempt=attempt, grounds=grounds, actor=attempt.worker.user)
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.OUTCOME_PUBLISHED
    with time_machine.travel(_last_minute_of(last_day), tick=False):
        review = services.review_request(
            attempt=Attempt.objects.get(pk=attempt.pk), grounds=grounds, actor=attempt.worker.user
        )
    assert review.attempt_id == attempt.pk
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.UNDER_REVIEW


@pytest.mark.parametrize(("published_at", "fast_track_last_day", "review_last_day"), CASES)
def test_the_letter_states_the_deadlines_the_services_enforce(
    published_at, fast_track_last_day, review_last_day
):
    # given: two candidates published at the same moment (one books a retake, one asks for a
    # review: asking for a review would stop the retake)
    for_retake = _published_partially_met(published_at)
    for_review = _published_partially_met(published_at)
    # when: each reads their letter
    told_retake = _stated(FAST_TRACK_TOLD, _letter_text(for_retake))
    told_review = _stated(REVIEW_TOLD, _letter_text(for_review))
    # then
    assert (told_retake, told_review) == (fast_track_last_day, review_last_day)
    _assert_fast_track_enforced_until(for_retake, told_retake)
    _assert_review_enforced_until(for_review, told_review)


@pytest.mark.parametrize("url_name", ["feedback:my_results", "assessment:my_outcome"])
@pytest.mark.parametrize(("published_at", "fast_track_last_day", "review_last_day"), CASES)
def test_the_results_pages_state_the_deadlines_the_services_enforce(
    client, url_name, published_at, fast_track_last_day, review_last_day
):
    # given
    for_retake = _published_partially_met(published_at)
    for_review = _published_partially_met(published_at)
    # when: each opens the page straight after publication
    told_retake = _stated(FAST_TRACK_TOLD, _page_text(client, for_retake, url_name, published_at))
    told_review = _stated(REVIEW_TOLD, _page_text(client, for_review, url_name, published_at))
    # then
    assert (told_retake, told_review) == (fast_track_last_day, review_last_day)
    _assert_fast_track_enforced_until(for_retake, told_retake)
    _assert_review_enforced_until(for_review, told_review)


@pytest.mark.parametrize(("published_at", "fast_track_last_day", "review_last_day"), CASES)
def test_the_outcome_page_still_states_the_deadlines_on_their_last_day(
    client, published_at, fast_track_last_day, review_last_day
):
    # given: the candidate comes back late in the evening of each last day
    attempt = _published_partially_met(published_at)
    # then: both offers are still on the page, with the same dates
    on_last_review_day = _page_text(
        client, attempt, "assessment:my_outcome", _last_minute_of(review_last_day)
    )
    assert _stated(REVIEW_TOLD, on_last_review_day) == review_last_day
    on_last_retake_day = _page_text(
        client, attempt, "assessment:my_outcome", _last_minute_of(fast_track_last_day)
    )
    assert _stated(FAST_TRACK_TOLD, on_last_retake_day) == fast_track_last_day
    # and the next morning the review offer has gone
    after = _page_text(
        client, attempt, "assessment:my_outcome", _first_minute_after(review_last_day)
    )
    assert not REVIEW_TOLD.search(_plain(after))


# --- Endorsement validity ---------------------------------------------------------------------

VALID_UNTIL_TOLD = re.compile(r"(?:booked for you until|Book a sitting by) " + STATED_DATE)


def test_the_endorsement_pages_state_the_validity_the_booking_rule_enforces(client):
    # given: the LA lead confirms at 00:30 BST on 1 April 2026 (still 31 March in UTC)
    confirmed_at = datetime(2026, 4, 1, 0, 30, tzinfo=LONDON)
    with time_machine.travel(confirmed_at, tick=False):
        endorsement = ready_endorsement(EndorsementState.SIGNED_OFF)
        lead = la_lead_for(endorsement.worker.local_authority)
        endorsement_services.endorsement_confirm(endorsement=endorsement, actor=lead)
    worker = endorsement.worker
    # when: the worker reads both pages that tell them how long they have
    told = {
        _stated(VALID_UNTIL_TOLD, _page_text(client, endorsement, url_name, confirmed_at))
        for url_name in ("endorsement:my_endorsement", "assessment:my_assessment")
    }
    # then: one date, 12 calendar months after the day of confirmation in England
    assert told == {date(2027, 4, 1)}
    (last_day,) = told
    with (
        time_machine.travel(_first_minute_after(last_day), tick=False),
        pytest.raises(AssessmentError, match="lapsed"),
    ):
        book(Endorsement.objects.get(pk=endorsement.pk), SittingFactory())
    with time_machine.travel(_last_minute_of(last_day), tick=False):
        with pytest.raises(EndorsementError, match="still within its validity"):
            endorsement_services.endorsement_lapse(endorsement=endorsement)
        attempt = book(Endorsement.objects.get(pk=endorsement.pk), SittingFactory())
    assert attempt.worker_id == worker.pk and attempt.state == AttemptState.BOOKED
