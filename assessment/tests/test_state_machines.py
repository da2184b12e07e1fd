"""Every state against every transition of assessment's state machines: the attempt, a review
request and a reasonable-adjustment request (see naas/tests/state_machines.py)."""

import pytest

from assessment.models import (
    AdjustmentDecision,
    AdjustmentRequest,
    Attempt,
    AttemptState,
    ReviewRequest,
    ReviewState,
)
from naas.tests.state_machines import check_pair, declared_transitions, every_pair

A = AttemptState
ATTEMPT = {
    "rebook": {A.BOOKED: A.BOOKED},
    "cancel": {A.BOOKED: A.CANCELLED},
    "sit": {A.BOOKED: A.SAT},
    "record_no_show": {A.BOOKED: A.NO_SHOW},
    "score": {A.SAT: A.SCORED},
    "moderate": {A.SCORED: A.MODERATED},
    "publish_outcome": {A.MODERATED: A.OUTCOME_PUBLISHED, A.UNDER_REVIEW: A.OUTCOME_PUBLISHED},
    "request_review": {A.OUTCOME_PUBLISHED: A.UNDER_REVIEW},
    "uphold_review": {A.UNDER_REVIEW: A.OUTCOME_PUBLISHED},
}
R = ReviewState
REVIEW = {
    "uphold": {R.REQUESTED: R.UPHELD},
    "overturn": {R.REQUESTED: R.OVERTURNED},
}
D = AdjustmentDecision
ADJUSTMENT = {
    "approve": {D.PENDING: D.APPROVED},
    "decline": {D.PENDING: D.DECLINED},
}


@pytest.mark.parametrize(("state", "method"), every_pair(AttemptState.values, ATTEMPT))
def test_every_attempt_state_against_every_transition(state, method):
    check_pair(Attempt(state=state), field="state", method=method, table=ATTEMPT)


@pytest.mark.parametrize(("state", "method"), every_pair(ReviewState.values, REVIEW))
def test_every_review_state_against_every_transition(state, method):
    check_pair(ReviewRequest(state=state), field="state", method=method, table=REVIEW)


@pytest.mark.parametrize(("state", "method"), every_pair(AdjustmentDecision.values, ADJUSTMENT))
def test_every_adjustment_decision_against_every_transition(state, method):
    check_pair(AdjustmentRequest(decision=state), field="decision", method=method, table=ADJUSTMENT)


@pytest.mark.parametrize(
    ("record", "field", "table"),
    [
        (Attempt(state=A.BOOKED), "state", ATTEMPT),
        (ReviewRequest(state=R.REQUESTED), "state", REVIEW),
        (AdjustmentRequest(decision=D.PENDING), "decision", ADJUSTMENT),
    ],
    ids=["attempt", "review", "adjustment"],
)
def test_each_table_names_every_declared_transition(record, field, table):
    assert declared_transitions(record, field) == set(table)
