"""Deadlines a candidate is told about, each computed here once.

The fast-track window and the review window are counted from the day the outcome was published
*in England* (Europe/London): an outcome published at 00:30 BST on 1 April was published on
1 April, although the UTC date is still 31 March. The letter, the results pages, the emails and
the services that accept or refuse a booking or a review all call these functions, so what a
person reads is what the code enforces. The last day is included: the window is open on it.
"""

import hashlib
from datetime import date, datetime
from fractions import Fraction

from django.conf import settings

from naas.dates import add_months, add_working_days, local_date

from .models import Outcome, OutcomeResult

DEFAULT_FAST_TRACK_MONTHS = 6
DEFAULT_REVIEW_WINDOW_WORKING_DAYS = 20


def fast_track_months() -> int:
    """How long a partially met candidate may book their one retake (setting, default 6)."""
    return int(getattr(settings, "NAAS_FAST_TRACK_MONTHS", DEFAULT_FAST_TRACK_MONTHS))


def review_window_working_days() -> int:
    """How long a candidate may ask for a review, in working days (setting, default 20)."""
    return int(
        getattr(settings, "NAAS_REVIEW_WINDOW_WORKING_DAYS", DEFAULT_REVIEW_WINDOW_WORKING_DAYS)
    )


def fast_track_last_day(published_at: datetime) -> date:
    """The last day a fast-track retake can be booked: `fast_track_months()` calendar months
    after the day of publication in England."""
    return add_months(local_date(published_at), fast_track_months())


def review_last_day(published_at: datetime) -> date:
    """The last day to ask for a review: `review_window_working_days()` working days after the
    day of publication in England (weekends and England bank holidays do not count)."""
    return add_working_days(local_date(published_at), review_window_working_days())


def still_open(last_day: date, *, on: date) -> bool:
    """Whether a window whose last day is `last_day` is open on the day `on`."""
    return on <= last_day


def offers_fast_track(outcome: Outcome) -> bool:
    """A published, partially met outcome of a first attempt (a retake has no second fast
    track; met has nothing to retake; not met needs a new endorsement)."""
    return (
        outcome.published_at is not None
        and outcome.result == OutcomeResult.PARTIALLY_MET
        and outcome.attempt.parent_id is None
    )


def fast_track_deadline(outcome: Outcome | None) -> date | None:
    """The last day to book a fast-track retake after `outcome`, or None if it offers none."""
    if outcome is None or not offers_fast_track(outcome):
        return None
    return fast_track_last_day(outcome.published_at)


def review_deadline(outcome: Outcome | None) -> date | None:
    """The last day to ask for a review of `outcome`, or None before it is published."""
    if outcome is None or outcome.published_at is None:
        return None
    return review_last_day(outcome.published_at)


# --- Second marking -------------------------------------------------------------------------

# An observation mean this close to the threshold is borderline: one point either way on one
# task could change the area's result, so the attempt is second-marked.
BORDERLINE_MARGIN = Fraction(1, 4)


def in_second_marking_sample(attempt_id: int) -> bool:
    """The reproducible sample: a hash of the attempt id, compared with the percentage in
    NAAS_SECOND_MARKING_SAMPLE_PERCENT (default 10)."""
    percent = getattr(settings, "NAAS_SECOND_MARKING_SAMPLE_PERCENT", 10)
    bucket = int(hashlib.sha256(f"naas-attempt-{attempt_id}".encode()).hexdigest(), 16) % 100
    return bucket < percent


MODERATION_TOLERANCE = 1


def marks_disagree(first: int, second: int) -> bool:
    """Two markers' marks for one task of one area disagree when they are more than
    MODERATION_TOLERANCE points apart; within it they agree and the first mark stands."""
    return abs(first - second) > MODERATION_TOLERANCE


def marks_need_moderation(first: dict[int, list[int]], second: dict[int, list[int]]) -> bool:
    """The two markers disagree (marks_disagree) on any task of any area."""
    for area_id, first_marks in first.items():
        second_marks = second.get(area_id)
        if second_marks is None:
            return True
        if any(marks_disagree(a, b) for a, b in zip(first_marks, second_marks, strict=True)):
            return True
    return False
