"""Simulated practice scoring, second marking, moderation, outcome rule versions, publishing,
fast-track retakes and reviews, through the services."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from assessment import policies, rules, selectors, services, signals
from assessment.models import (
    Allocation,
    AreaMark,
    Attempt,
    AttemptState,
    MarkerRole,
    Outcome,
    OutcomeResult,
    ReviewState,
)
from assessment.outcome_rules import RuleParameters
from assessment.services import AssessmentError, MarkEntry
from naas.models import AuditEvent, Role
from naas.tests.factories import current_framework, staff_user

from .factories import (
    PARTIAL_MARKS,
    SittingFactory,
    allocate,
    first_mark,
    independent_assessor,
    mark_entries,
    publish,
    published_attempt,
    sat_attempt,
    set_sitting_date,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_sample(settings, monkeypatch):
    """No random sample unless a test asks for one; later apps' pre-publish checks (feedback
    written for every area not met) are tested in those apps."""
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    monkeypatch.setattr(signals, "pre_publish_checks", [])


def reload(attempt):
    return Attempt.objects.get(pk=attempt.pk)


# --- Allocation: conflicts of interest ----------------------------------------------------------


def test_an_assessor_linked_to_the_candidates_la_is_never_allocated(admin_user):
    # given
    attempt = sat_attempt(admin=admin_user)
    linked = staff_user(Role.ASSESSOR, attempt.worker.local_authority, full_name="Lee Linked")
    # when
    with pytest.raises(AssessmentError) as refused:
        allocate(attempt, MarkerRole.FIRST, admin=admin_user, assessor=linked)
    # then
    assert "linked to" in refused.value.messages[0]
    assert not Allocation.objects.filter(attempt=attempt).exists()


def test_the_same_person_never_takes_two_parts_in_one_attempt(admin_user, settings):
    # given
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin_user)
    first = first_mark(attempt, admin=admin_user)
    # when
    with pytest.raises(AssessmentError) as refused:
        allocate(reload(attempt), MarkerRole.SECOND, admin=admin_user, assessor=first.assessor)
    # then
    assert "already has a part" in refused.value.messages[0]
    assert Allocation.objects.filter(attempt=attempt).count() == 1


def test_a_moderator_must_hold_the_moderator_role_and_not_be_linked(admin_user, settings):
    # given
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin_user)
    first_mark(attempt, admin=admin_user, marks=(4, 4, 4, 4))
    second = allocate(reload(attempt), MarkerRole.SECOND, admin=admin_user)
    services.marks_submit(
        allocation=second, marks=mark_entries(attempt, (2, 2, 2, 2)), actor=second.assessor
    )
    plain_assessor = independent_assessor()
    linked_moderator = staff_user(Role.MODERATOR, attempt.worker.local_authority)
    # when / then
    with pytest.raises(AssessmentError, match="is not a moderator"):
        allocate(reload(attempt), MarkerRole.MODERATOR, admin=admin_user, assessor=plain_assessor)
    with pytest.raises(AssessmentError, match="linked to"):
        allocate(reload(attempt), MarkerRole.MODERATOR, admin=admin_user, assessor=linked_moderator)
    assert allocate(reload(attempt), MarkerRole.MODERATOR, admin=admin_user).active


def test_a_moderator_who_marked_the_attempt_cannot_moderate_it(admin_user, settings):
    # given: the first marker is also a moderator
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin_user)
    marker = independent_assessor(Role.MODERATOR)
    first_mark(attempt, admin=admin_user, marks=(4, 4, 4, 4), assessor=marker)
    second = allocate(reload(attempt), MarkerRole.SECOND, admin=admin_user)
    services.marks_submit(
        allocation=second, marks=mark_entries(attempt, (2, 2, 2, 2)), actor=second.assessor
    )
    # when / then
    with pytest.raises(AssessmentError, match="already has a part"):
        allocate(reload(attempt), MarkerRole.MODERATOR, admin=admin_user, assessor=marker)


def test_only_administrators_allocate(admin_user):
    attempt = sat_attempt(admin=admin_user)
    with pytest.raises(PermissionDenied):
        services.allocation_create(
            attempt=attempt,
            assessor=independent_assessor(),
            role=MarkerRole.FIRST,
            actor=independent_assessor(),
        )


# --- Marking: validation, access and audit ------------------------------------------------------


@pytest.mark.parametrize(
    "entry, message",
    [
        (MarkEntry(0, 3, 3, 3, "Evidence"), "Enter a mark from 1 to 4 for role play 1"),
        (MarkEntry(3, 5, 3, 3, "Evidence"), "Enter a mark from 1 to 4 for role play 2"),
        (MarkEntry(3, 3, None, 3, "Evidence"), "Enter a mark from 1 to 4 for reflective task"),
        (MarkEntry(3, 3, 3, 3, "   "), "Enter the evidence for area 1"),
    ],
)
def test_bad_marks_are_refused_and_nothing_is_saved(admin_user, entry, message):
    # given
    attempt = sat_attempt(admin=admin_user)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin_user)
    marks = mark_entries(attempt)
    first_area = attempt.areas.get(number=1)
    marks[first_area.pk] = entry
    # when
    with pytest.raises(AssessmentError) as refused:
        services.marks_submit(allocation=allocation, marks=marks, actor=allocation.assessor)
    # then
    assert any(m.startswith(message) for m in refused.value.messages)
    assert not AreaMark.objects.exists()
    assert reload(attempt).state == AttemptState.SAT


def test_marks_for_missing_areas_are_refused(admin_user):
    attempt = sat_attempt(admin=admin_user)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin_user)
    marks = mark_entries(attempt)
    marks.popitem()
    with pytest.raises(AssessmentError, match="every KSS area"):
        services.marks_submit(allocation=allocation, marks=marks, actor=allocation.assessor)


def test_scoring_an_attempt_not_allocated_to_you_is_refused(admin_user):
    # given
    attempt = sat_attempt(admin=admin_user)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin_user)
    someone_else = independent_assessor()
    # when / then
    with pytest.raises(PermissionDenied):
        services.marks_submit(
            allocation=allocation, marks=mark_entries(attempt), actor=someone_else
        )
    assert not AreaMark.objects.exists()


def test_first_marks_not_sampled_nor_borderline_go_straight_to_an_outcome(admin_user):
    # given
    attempt = sat_attempt(admin=admin_user)
    # when
    first = first_mark(attempt, admin=admin_user, marks=(3, 3, 3, 3))
    # then
    attempt = reload(attempt)
    assert attempt.state == AttemptState.MODERATED
    assert attempt.second_marking == ""
    outcome = selectors.current_outcome(attempt)
    assert outcome.result == OutcomeResult.MET
    assert outcome.confirmed_at is None and outcome.published_at is None
    marks = AuditEvent.objects.filter(action="mark.recorded")
    assert marks.count() == attempt.areas.count()
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "allocation.created",
        "allocation.marks_submitted",
        "attempt.scored",
        "attempt.moderated",
        "outcome.computed",
    }
    assert Allocation.objects.get(pk=first.pk).submitted_at is not None


def test_first_marks_cannot_be_submitted_twice(admin_user):
    attempt = sat_attempt(admin=admin_user)
    first = first_mark(attempt, admin=admin_user)
    with pytest.raises(AssessmentError):
        services.marks_submit(
            allocation=first, marks=mark_entries(attempt, (1, 1, 1, 1)), actor=first.assessor
        )
    assert set(AreaMark.objects.values_list("role_play_1", flat=True)) == {3}


# --- Second marking and moderation --------------------------------------------------------------


def test_the_sample_is_reproducible_and_follows_the_percentage(settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 10
    picks = [rules.in_second_marking_sample(n) for n in range(1, 2001)]
    assert picks == [rules.in_second_marking_sample(n) for n in range(1, 2001)]
    assert 140 <= sum(picks) <= 260  # about 10% of 2,000
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    assert not any(rules.in_second_marking_sample(n) for n in range(1, 500))
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    assert all(rules.in_second_marking_sample(n) for n in range(1, 500))


@pytest.mark.parametrize(
    "marks, borderline",
    [
        ((3, 3, 3, 3), False),  # mean 3: 0.5 above the threshold
        ((3, 3, 3, 2), True),  # mean 2.75: within 0.25
        ((3, 2, 3, 2), True),  # mean 2.5: on the threshold
        ((2, 2, 3, 2), True),  # mean 2.25: within 0.25
        ((2, 2, 2, 2), False),  # mean 2: 0.5 below
    ],
)
def test_borderline_attempts_are_always_second_marked(admin_user, marks, borderline):
    # given: one area's marks vary, the others are clearly met
    attempt = sat_attempt(admin=admin_user)
    # when
    first_mark(attempt, admin=admin_user, per_area={4: marks})
    # then
    attempt = reload(attempt)
    assert (attempt.second_marking == "borderline") is borderline
    assert attempt.state == (AttemptState.SCORED if borderline else AttemptState.MODERATED)


def test_second_marking_is_blind(admin_user, settings):
    # given
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin_user)
    first = first_mark(attempt, admin=admin_user)
    second = allocate(reload(attempt), MarkerRole.SECOND, admin=admin_user)
    moderator = independent_assessor(Role.MODERATOR)
    # then: neither marker may see every marker's marks; administrators may
    assert reload(attempt).second_marking == "sample"
    assert not policies.can_view_all_marks(second.assessor, attempt)
    assert not policies.can_view_all_marks(first.assessor, attempt)
    assert not policies.can_view_all_marks(moderator, attempt)  # not allocated
    assert policies.can_view_all_marks(admin_user, attempt)


@pytest.mark.parametrize(
    "second_marks, moderated",
    [
        ((3, 3, 3, 3), True),  # the same
        ((4, 2, 4, 2), True),  # one point apart on each task
        ((1, 3, 3, 3), False),  # two points apart on one task
    ],
)
def test_moderation_is_needed_when_markers_differ_by_more_than_one_point(
    admin_user, settings, second_marks, moderated
):
    # given
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin_user)
    first_mark(attempt, admin=admin_user, marks=(3, 3, 3, 3))
    second = allocate(reload(attempt), MarkerRole.SECOND, admin=admin_user)
    # when
    services.marks_submit(
        allocation=second,
        marks=mark_entries(attempt, per_area={2: second_marks}),
        actor=second.assessor,
    )
    # then
    attempt = reload(attempt)
    if moderated:
        assert attempt.state == AttemptState.MODERATED
        # the first marks stand when the second marker agrees within a point
        outcome = selectors.current_outcome(attempt)
        assert outcome.area_outcomes.get(area__number=2).observation_mean == 3
    else:
        assert attempt.state == AttemptState.SCORED
        assert selectors.attempt_next_step(attempt) == MarkerRole.MODERATOR
        assert selectors.current_outcome(attempt) is None


def test_the_moderator_sets_the_final_marks_with_a_reason(admin_user, settings):
    # given
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin_user)
    first_mark(attempt, admin=admin_user, marks=(4, 4, 4, 4))
    second = allocate(reload(attempt), MarkerRole.SECOND, admin=admin_user)
    services.marks_submit(
        allocation=second, marks=mark_entries(attempt, (1, 1, 1, 1)), actor=second.assessor
    )
    moderator = allocate(reload(attempt), MarkerRole.MODERATOR, admin=admin_user)
    assert policies.can_view_all_marks(moderator.assessor, attempt)
    # when: no reason first, then with one
    with pytest.raises(AssessmentError, match="reason"):
        services.marks_submit(
            allocation=moderator,
            marks=mark_entries(attempt, (2, 2, 2, 2)),
            actor=moderator.assessor,
        )
    services.marks_submit(
        allocation=moderator,
        marks=mark_entries(attempt, (2, 2, 2, 2)),
        actor=moderator.assessor,
        reason="The recording shows partial evidence",
    )
    # then
    attempt = reload(attempt)
    assert attempt.state == AttemptState.MODERATED
    outcome = selectors.current_outcome(attempt)
    assert outcome.result == OutcomeResult.NOT_MET
    assert {a.observation_mean for a in outcome.area_outcomes.all()} == {2}
    changes = AuditEvent.objects.filter(action="final_mark.changed")
    assert changes.count() == attempt.areas.count()
    assert changes.first().detail["from"]["role_play_1"] == 4
    assert changes.first().reason == "The recording shows partial evidence"


# --- Rule sets ----------------------------------------------------------------------------------


def test_default_rule_set_is_version_one_of_the_defaults():
    rule_set = services.rule_set_current(current_framework())
    assert rule_set.version == 1
    assert RuleParameters.from_json(rule_set.parameters) == RuleParameters()


def test_an_old_outcome_keeps_its_rule_version_when_a_new_version_is_made(admin_user):
    # given: an outcome under version 1 (threshold 2.5: marks of 3 meet every area)
    earlier, earlier_outcome = published_attempt(admin=admin_user, marks=(3, 3, 3, 3))
    framework = earlier.framework
    # when: version 2 raises the observation threshold to 3.5
    v2 = services.rule_set_create(
        framework=framework,
        parameters=RuleParameters.from_json({"observation_threshold": "3.5"}),
        notes="Stricter observation",
        actor=admin_user,
    )
    _later, later_outcome = published_attempt(admin=admin_user, marks=(3, 3, 3, 3))
    # then
    earlier_outcome.refresh_from_db()
    assert earlier_outcome.rule_set.version == 1
    assert earlier_outcome.result == OutcomeResult.MET
    assert later_outcome.rule_set == v2
    assert later_outcome.result == OutcomeResult.NOT_MET  # every area only partially met
    assert v2.version == 2
    assert AuditEvent.objects.filter(action="rule_set.created").count() == 1


def test_only_administrators_make_rule_versions_and_values_are_checked(admin_user):
    framework = current_framework()
    with pytest.raises(PermissionDenied):
        services.rule_set_create(
            framework=framework,
            parameters=RuleParameters(),
            notes="",
            actor=independent_assessor(Role.MODERATOR),
        )
    with pytest.raises(AssessmentError, match="between 1 and 4"):
        services.rule_set_create(
            framework=framework,
            parameters=RuleParameters.from_json({"observation_threshold": "5"}),
            notes="",
            actor=admin_user,
        )


# --- Outcomes and publishing -------------------------------------------------------------------


def test_outcome_explains_each_area_with_its_evidence_and_rule(admin_user):
    # given: area 10 weak in observation, area 9 weak in the knowledge test
    attempt = sat_attempt(admin=admin_user, per_area={9: 50})
    # when
    first_mark(attempt, admin=admin_user, per_area={10: (2, 2, 2, 2)})
    # then
    outcome = selectors.current_outcome(reload(attempt))
    rows = {row.area.number: row for row in outcome.area_outcomes.select_related("area")}
    assert rows[1].result == OutcomeResult.MET
    assert rows[9].result == OutcomeResult.PARTIALLY_MET
    assert "knowledge test 50% is below the 60% cut" in rows[9].explanation
    assert rows[10].result == OutcomeResult.PARTIALLY_MET
    assert "observation mean 2 is below 2.5" in rows[10].explanation.lower()
    assert outcome.result == OutcomeResult.PARTIALLY_MET  # 8 of 10 met
    assert outcome.rule_set.version == 1


def test_publishing_moves_the_attempt_and_sends_the_signal_once(admin_user):
    # given
    attempt = sat_attempt(admin=admin_user)
    first_mark(attempt, admin=admin_user)
    outcome = selectors.current_outcome(reload(attempt))
    received = []

    def receiver(sender, outcome, **kwargs):
        received.append((outcome.pk, reload(outcome.attempt).state))

    signals.outcome_published.connect(receiver)
    try:
        # when: not confirmed yet, then confirmed and published twice (a double click)
        with pytest.raises(AssessmentError):
            services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin_user)
        services.outcome_confirm(outcome=outcome, actor=admin_user)
        services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin_user)
        with pytest.raises(AssessmentError, match="already been published"):
            services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin_user)
    finally:
        signals.outcome_published.disconnect(receiver)
    # then
    assert received == [(outcome.pk, AttemptState.OUTCOME_PUBLISHED)]
    outcome.refresh_from_db()
    assert outcome.published_at is not None
    assert AuditEvent.objects.filter(action="outcome.published").count() == 1


def test_a_moderator_may_confirm_but_only_administrators_publish(admin_user):
    attempt = sat_attempt(admin=admin_user)
    first_mark(attempt, admin=admin_user)
    outcome = selectors.current_outcome(reload(attempt))
    moderator = independent_assessor(Role.MODERATOR)
    linked_moderator = staff_user(Role.MODERATOR, attempt.worker.local_authority)
    with pytest.raises(PermissionDenied):
        services.outcome_confirm(outcome=outcome, actor=linked_moderator)
    services.outcome_confirm(outcome=outcome, actor=moderator)
    with pytest.raises(PermissionDenied):
        services.outcomes_publish(outcome_ids=[outcome.pk], actor=moderator)


def test_pre_publish_checks_hold_back_only_the_outcome_they_refuse(admin_user):
    # given
    first, second = sat_attempt(admin=admin_user), sat_attempt(admin=admin_user)
    for attempt in (first, second):
        first_mark(attempt, admin=admin_user)
        services.outcome_confirm(
            outcome=selectors.current_outcome(reload(attempt)), actor=admin_user
        )
    ids = list(Outcome.objects.values_list("pk", flat=True))

    def no_feedback(outcome):
        return ["Feedback is missing"] if outcome.attempt_id == second.pk else []

    signals.register_pre_publish_check(no_feedback)
    try:
        # when
        published = services.outcomes_publish(outcome_ids=ids, actor=admin_user)
        with pytest.raises(AssessmentError) as refused:
            services.outcomes_publish(outcome_ids=ids, actor=admin_user)
    finally:
        signals.pre_publish_checks.remove(no_feedback)
    # then: the first is published, the second waits and its reason is given
    assert [o.attempt_id for o in published] == [first.pk]
    assert refused.value.messages == [f"NAAS-{second.pk:06d}-1: Feedback is missing"]
    assert reload(first).state == AttemptState.OUTCOME_PUBLISHED
    assert reload(second).state == AttemptState.MODERATED


def test_a_published_outcome_cannot_be_edited(admin_user):
    attempt, outcome = published_attempt(admin=admin_user)
    with pytest.raises(AssessmentError, match="published"):
        services.outcome_confirm(outcome=outcome, actor=admin_user)
    first = Allocation.objects.get(attempt=attempt, role=MarkerRole.FIRST)
    with pytest.raises(AssessmentError, match="published"):
        services.marks_submit(allocation=first, marks=mark_entries(attempt), actor=first.assessor)


@pytest.mark.django_db(transaction=True)
def test_two_administrators_publishing_at_once_publish_once(postgres_only):
    # given
    from .factories import administrator

    admin = administrator()
    attempt = sat_attempt(admin=admin)
    first_mark(attempt, admin=admin)
    outcome = selectors.current_outcome(reload(attempt))
    services.outcome_confirm(outcome=outcome, actor=admin)
    sent, results = [], []

    def receiver(sender, outcome, **kwargs):
        sent.append(outcome.pk)

    signals.outcome_published.connect(receiver)
    barrier = threading.Barrier(2)

    def click():
        try:
            barrier.wait()
            services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin)
            results.append("published")
        except AssessmentError:
            results.append("refused")
        finally:
            connection.close()

    try:
        # when
        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        signals.outcome_published.disconnect(receiver)
    # then
    assert sorted(results) == ["published", "refused"]
    assert sent == [outcome.pk]
    assert AuditEvent.objects.filter(action="outcome.published").count() == 1


# --- Fast-track retakes -------------------------------------------------------------------------


def _partially_met(admin):
    attempt, outcome = published_attempt(admin=admin, per_area=PARTIAL_MARKS)
    assert outcome.result == OutcomeResult.PARTIALLY_MET
    return reload(attempt), outcome


def test_a_partially_met_worker_books_one_retake_of_the_areas_not_met(admin_user):
    # given
    parent, _ = _partially_met(admin_user)
    # when
    retake = services.attempt_book_fast_track(
        parent=parent, sitting=SittingFactory(), actor=parent.worker.user
    )
    # then
    assert retake.parent == parent and retake.endorsement is None
    assert sorted(a.number for a in retake.areas.all()) == [9, 10]
    assert AuditEvent.objects.filter(action="attempt.fast_track_booked").count() == 1
    with pytest.raises(AssessmentError, match="already booked a fast-track"):
        services.attempt_book_fast_track(
            parent=reload(parent), sitting=SittingFactory(), actor=parent.worker.user
        )


def test_fast_track_refusals(admin_user):
    # given
    met, _ = published_attempt(admin=admin_user)
    not_met, _ = published_attempt(admin=admin_user, marks=(1, 1, 1, 1))
    parent, outcome = _partially_met(admin_user)
    sitting = SittingFactory()
    # then
    assert "nothing to retake" in selectors.fast_track_problems(reload(met))[0]
    assert "endorse you again" in selectors.fast_track_problems(reload(not_met))[0]
    published = timezone.localdate(outcome.published_at)
    closes = selectors.fast_track_closes(parent)
    assert closes == published + relativedelta(months=6)
    assert selectors.fast_track_problems(parent, today=closes) == []
    assert (
        "window closed"
        in selectors.fast_track_problems(parent, today=closes + timedelta(days=1))[0]
    )
    met_area = parent.areas.get(number=1)
    with pytest.raises(AssessmentError, match="already met"):
        services.attempt_book_fast_track(
            parent=parent, sitting=sitting, actor=parent.worker.user, areas=[met_area]
        )
    with pytest.raises(PermissionDenied):
        services.attempt_book_fast_track(parent=parent, sitting=sitting, actor=admin_user)
    assert not parent.retakes.exists()


def test_a_retake_merges_with_the_earlier_met_areas_and_only_one_is_allowed(admin_user):
    # given
    parent, parent_outcome = _partially_met(admin_user)
    retake = services.attempt_book_fast_track(
        parent=parent, sitting=SittingFactory(), actor=parent.worker.user
    )
    set_sitting_date(retake.sitting, 0)
    services.attempt_record_attendance(attempt=retake, attended=True, actor=admin_user)
    # when: the retake is marked (no new knowledge test: the earlier area scores stand)
    first_mark(reload(retake), admin=admin_user, marks=(3, 3, 3, 3))
    outcome = publish(reload(retake), admin=admin_user)
    # then
    assert outcome.result == OutcomeResult.MET
    rows = {r.area.number: r for r in outcome.area_outcomes.select_related("area")}
    assert len(rows) == 10
    assert all(rows[n].carried_forward for n in range(1, 9))
    assert not rows[9].carried_forward and rows[9].result == OutcomeResult.MET
    assert rows[9].knowledge_percent == 80
    parent_outcome.refresh_from_db()
    assert parent_outcome.result == OutcomeResult.PARTIALLY_MET  # the earlier one stays
    # and a retake of the retake is a second fast track
    assert "nothing to retake" in selectors.fast_track_problems(reload(retake))[0]


def test_a_second_fast_track_is_refused_even_after_a_partial_retake(admin_user):
    parent, _ = _partially_met(admin_user)
    retake = services.attempt_book_fast_track(
        parent=parent, sitting=SittingFactory(), actor=parent.worker.user
    )
    set_sitting_date(retake.sitting, 0)
    services.attempt_record_attendance(attempt=retake, attended=True, actor=admin_user)
    # area 9 now met, area 10 still not: 9 of 10 met, partially met again
    first_mark(reload(retake), admin=admin_user, per_area={10: (1, 1, 1, 1), 9: (3, 3, 3, 3)})
    outcome = publish(reload(retake), admin=admin_user)
    assert outcome.result == OutcomeResult.PARTIALLY_MET
    assert "only one is allowed" in selectors.fast_track_problems(reload(retake))[0]


# --- Reviews ------------------------------------------------------------------------------------


def test_review_window_is_counted_in_working_days(admin_user):
    # given: published on Wednesday 16 December 2026 (a week before Christmas)
    attempt, outcome = published_attempt(admin=admin_user)
    Outcome.objects.filter(pk=outcome.pk).update(
        published_at=datetime(2026, 12, 16, 12, 0, tzinfo=UTC)
    )
    outcome.refresh_from_db()
    # 20 working days: 17,18 | 21,22,23,24 | 29,30,31 | 4–8 Jan | 11–15 Jan | 18 Jan
    deadline = selectors.review_deadline(outcome)
    assert deadline == date(2027, 1, 18)
    # then
    assert selectors.review_problems(attempt, today=deadline) == []
    late = selectors.review_problems(attempt, today=deadline + timedelta(days=1))
    assert late[0].startswith("The deadline for asking for a review was 18 January 2027")
    with pytest.raises(AssessmentError, match="deadline"):
        services.review_request(
            attempt=attempt,
            grounds="The actor left early",
            actor=attempt.worker.user,
            today=deadline + timedelta(days=1),
        )
    assert reload(attempt).state == AttemptState.OUTCOME_PUBLISHED


def _request_review(attempt):
    return services.review_request(
        attempt=attempt, grounds="The second role play was cut short", actor=attempt.worker.user
    )


def test_the_reviewer_must_not_have_marked_the_attempt(admin_user):
    attempt, _ = published_attempt(admin=admin_user)
    _request_review(attempt)
    marker = Allocation.objects.get(attempt=attempt, role=MarkerRole.FIRST).assessor
    with pytest.raises(AssessmentError, match="already has a part"):
        allocate(reload(attempt), MarkerRole.REVIEWER, admin=admin_user, assessor=marker)


def test_a_review_upheld_leaves_the_outcome_standing(admin_user):
    # given
    attempt, outcome = published_attempt(admin=admin_user)
    review = _request_review(attempt)
    assert reload(attempt).state == AttemptState.UNDER_REVIEW
    with pytest.raises(AssessmentError, match="already being reviewed"):
        _request_review(reload(attempt))
    reviewer = allocate(reload(attempt), MarkerRole.REVIEWER, admin=admin_user)
    with pytest.raises(PermissionDenied):
        services.review_decide(
            review=review, uphold=True, reason="Fine", actor=independent_assessor()
        )
    # when
    services.review_decide(
        review=review, uphold=True, reason="The recording is complete", actor=reviewer.assessor
    )
    # then
    review.refresh_from_db()
    assert review.state == ReviewState.UPHELD
    assert reload(attempt).state == AttemptState.OUTCOME_PUBLISHED
    assert selectors.current_outcome(attempt) == outcome
    assert "already asked for a review" in selectors.review_problems(reload(attempt))[0]


def test_a_review_overturned_reopens_scoring_and_republishes_a_new_version(admin_user):
    # given: a not-met outcome
    attempt, old = published_attempt(admin=admin_user, marks=(2, 2, 2, 2))
    assert old.result == OutcomeResult.NOT_MET
    review = _request_review(attempt)
    reviewer = allocate(reload(attempt), MarkerRole.REVIEWER, admin=admin_user)
    with pytest.raises(AssessmentError, match="re-opened only"):
        services.marks_submit(
            allocation=reviewer, marks=mark_entries(attempt), actor=reviewer.assessor, reason="x"
        )
    # when
    services.review_decide(
        review=review, uphold=False, reason="The actor broke the script", actor=reviewer.assessor
    )
    services.marks_submit(
        allocation=reviewer,
        marks=mark_entries(attempt, (3, 3, 3, 3)),
        actor=reviewer.assessor,
        reason="Re-marked from the recording",
    )
    new = publish(reload(attempt), admin=admin_user)
    # then
    old.refresh_from_db()
    assert old.superseded_at is not None and old.published_at is not None
    assert new.version == 2 and new.result == OutcomeResult.MET
    assert reload(attempt).state == AttemptState.OUTCOME_PUBLISHED
    assert list(attempt.outcomes.order_by("version")) == [old, new]
