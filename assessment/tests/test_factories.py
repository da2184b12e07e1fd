"""The outcome factories other apps' tests rely on: every outcome they give comes from the outcome
rules through the services, and an outcome the rules would not give is refused."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assessment import signals
from assessment.models import AttemptState, Outcome, OutcomeResult
from assessment.outcome_rules import RuleParameters, area_result, overall_result
from assessment.services import AssessmentError
from naas.models import AuditEvent

from .factories import (
    UnreachableOutcome,
    draft_outcome,
    evidence_for,
    fast_track_outcome,
    publish_outcome,
    published_outcome,
    review_overturned,
)

pytestmark = pytest.mark.django_db

MET, PARTIAL, NOT_MET = (
    OutcomeResult.MET,
    OutcomeResult.PARTIALLY_MET,
    OutcomeResult.NOT_MET,
)


@pytest.fixture(autouse=True)
def _today():
    """Every test here runs on Monday 15 June 2026 (sittings, deadlines and bank holidays)."""
    with time_machine.travel(
        datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London")), tick=False
    ):
        yield


@pytest.fixture(autouse=True)
def _no_later_checks(monkeypatch):
    """Later apps' pre-publish checks (feedback for areas not met) are their tests' business."""
    monkeypatch.setattr(signals, "pre_publish_checks", [])


def results_of(outcome):
    return {row.area.number: row.result for row in outcome.area_outcomes.select_related("area")}


def test_the_evidence_chosen_is_judged_by_the_rules_as_asked():
    # given: the evidence for met, partially met and not met areas
    class Area:
        def __init__(self, number):
            self.number = number

    marks, knowledge = evidence_for(
        [Area(1), Area(2), Area(3)], {2: PARTIAL, 3: NOT_MET}, rules=RuleParameters()
    )
    # when: the pure rules judge it
    from assessment.outcome_rules import AreaEvidence, observation_mean

    judged = {
        n: area_result(
            AreaEvidence(n, observation_mean(marks[n]), knowledge[n]), RuleParameters()
        ).result
        for n in (1, 2, 3)
    }
    # then
    assert judged == {1: MET, 2: PARTIAL, 3: NOT_MET}


def test_a_published_outcome_goes_through_marking_confirmation_and_publication():
    # when
    outcome = published_outcome(results={5: NOT_MET, 9: PARTIAL})
    # then: the rules' result (8 of 10 met is at least two thirds), published by the service
    assert outcome.result == PARTIAL
    assert outcome.result == overall_result(list(results_of(outcome).values()), RuleParameters())
    assert results_of(outcome) == {n: MET for n in range(1, 11)} | {5: NOT_MET, 9: PARTIAL}
    assert outcome.confirmed_at is not None and outcome.published_at is not None
    assert outcome.attempt.state == AttemptState.OUTCOME_PUBLISHED
    actions = set(AuditEvent.objects.for_object(outcome).values_list("action", flat=True))
    assert {"outcome.computed", "outcome.confirmed", "outcome.published"} <= actions


def test_the_factory_refuses_an_overall_result_the_rules_do_not_give():
    # when: one area not met, but "not met" overall asked for (9 of 10 met is partially met)
    with pytest.raises(UnreachableOutcome, match="overall: asked for not_met"):
        published_outcome(results={5: NOT_MET}, overall=NOT_MET)
    # then: nothing was confirmed or published
    assert not Outcome.objects.filter(confirmed_at__isnull=False).exists()
    assert not Outcome.objects.filter(published_at__isnull=False).exists()


def test_the_factory_refuses_an_area_result_the_marks_given_cannot_produce():
    # given: area 5 asked to be not met, but with a knowledge-test score above the cut
    with pytest.raises(UnreachableOutcome, match="area 5: asked for not_met"):
        draft_outcome(results={5: NOT_MET}, knowledge={5: 90})
    # and: asked to be met, with marks below the observation threshold
    with pytest.raises(UnreachableOutcome, match="area 3: asked for met"):
        draft_outcome(results={3: MET}, marks={3: (1, 1, 2, 2)})
    # and: an area the framework does not have
    with pytest.raises(UnreachableOutcome, match="area 11"):
        draft_outcome(results={11: MET})
    assert not Outcome.objects.filter(published_at__isnull=False).exists()


def test_a_review_cannot_make_an_area_not_met_whose_knowledge_test_was_passed():
    # given: a met outcome (every knowledge test passed)
    outcome = published_outcome()
    # when / then: the reviewer's marks can lower area 5 only to partially met
    with pytest.raises(UnreachableOutcome, match="area 5: asked for not_met, the rules give"):
        review_overturned(outcome.attempt, results={5: NOT_MET})


def test_a_review_overturned_gives_the_new_version_the_rules_compute():
    # given
    old = published_outcome()
    # when
    new = publish_outcome(review_overturned(old.attempt, results={5: PARTIAL}))
    # then
    old.refresh_from_db()
    assert old.superseded_at is not None
    assert (new.version, new.result, results_of(new)[5]) == (2, PARTIAL, PARTIAL)


def test_a_fast_track_retake_merges_with_the_earlier_met_areas():
    # given
    parent = published_outcome(results={5: NOT_MET})
    # when
    merged = publish_outcome(fast_track_outcome(parent.attempt, results={5: MET}))
    # then
    assert merged.result == MET and merged.attempt.parent_id == parent.attempt_id
    carried = {row.area.number for row in merged.area_outcomes.select_related("area")}
    assert carried == set(range(1, 11))
    assert not merged.area_outcomes.get(area__number=5).carried_forward


def test_publication_keeps_the_pre_publish_checks(monkeypatch):
    # given: a later app refuses every publication
    monkeypatch.setattr(signals, "pre_publish_checks", [lambda outcome: ["Not ready"]])
    outcome = draft_outcome()
    # when / then
    with pytest.raises(AssessmentError, match="Not ready"):
        publish_outcome(outcome)
    outcome.refresh_from_db()
    assert outcome.published_at is None
