"""The modified-Angoff exercise: its state machine, ratings, the 5-judge minimum, round
ordering, the cut it computes and its adoption as a new outcome rule-set version, all driven
through the real services."""

from decimal import Decimal

import numpy as np
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django_fsm import can_proceed

from assessment import selectors, services
from assessment.audit import AssessmentAction
from assessment.models import (
    AngoffExercise,
    AngoffRating,
    AngoffState,
    ItemFormat,
    OutcomeResult,
    OutcomeRuleSet,
)
from assessment.psychometrics.standard_setting import angoff_cut_score
from assessment.results_csv import read_results_csv
from assessment.selectors.standard_setting import MIN_RESULTS_FOR_SEM, angoff_ratings_matrix
from assessment.services import AssessmentError
from naas.models import AuditEvent, Level, Role
from naas.tests.factories import SocialWorkerFactory, staff_user

from ..factories import (
    SittingFactory,
    answer_rows,
    book,
    draft_outcome,
    endorsed,
    independent_assessor,
    make_test_form,
    published_outcome,
    results_csv,
    set_sitting_date,
)

pytestmark = pytest.mark.django_db

TRANSITIONS = ("close_round_one", "close_round_two", "adopt")
ALLOWED = {
    (AngoffState.ROUND_ONE, "close_round_one"),
    (AngoffState.ROUND_TWO, "close_round_two"),
    (AngoffState.CLOSED, "adopt"),
}


# --- Builders -----------------------------------------------------------------------------


def open_exercise(admin, judges=5):
    form = make_test_form(Level.PRACTITIONER, actor=admin)
    exercise = services.angoff_exercise_open(test_form=form, actor=admin)
    users = [independent_assessor() for _ in range(judges)]
    for user in users:
        services.angoff_judge_invite(exercise=exercise, user=user, actor=admin)
    return exercise, users


def item_ids(exercise):
    return [link.item_id for link in selectors.form_items(exercise.test_form)]


def rate(exercise, user, round_number, values):
    """`values`: one probability for every item, or a list in form order."""
    ids = item_ids(exercise)
    if not isinstance(values, list):
        values = [values] * len(ids)
    ratings = {i: Decimal(str(v)) for i, v in zip(ids, values, strict=True)}
    return services.angoff_ratings_save(
        exercise=exercise, round_number=round_number, ratings=ratings, actor=user
    )


def through_round_one(admin, judges=5, value="0.6"):
    exercise, users = open_exercise(admin, judges)
    for user in users:
        rate(exercise, user, 1, value)
    services.angoff_round_one_close(exercise=exercise, actor=admin)
    return AngoffExercise.objects.get(pk=exercise.pk), users


def closed_exercise(admin, per_judge=("0.5", "0.6", "0.7", "0.8", "0.9")):
    exercise, users = through_round_one(admin, judges=len(per_judge))
    for user, value in zip(users, per_judge, strict=True):
        rate(exercise, user, 2, value)
    services.angoff_round_two_close(exercise=exercise, actor=admin)
    return AngoffExercise.objects.get(pk=exercise.pk)


def sit_form(form, count, *, admin):
    """`count` candidates sit the form on one sitting and their answers are imported; the
    i-th candidate gets the first i % 30 questions wrong, so totals vary."""
    sitting = SittingFactory(capacity=count)
    attempts = [book(endorsed(SocialWorkerFactory()), sitting) for _ in range(count)]
    set_sitting_date(sitting, 0)
    links = list(form.form_items.select_related("item").order_by("position"))
    rows = []
    for i, attempt in enumerate(attempts):
        wrong = {
            link.item.code: "A" if link.item.format == ItemFormat.ONE_OF_FOUR else "A;C;G"
            for link in links[: i % len(links)]
        }
        rows += answer_rows(attempt, form, override=wrong)
    outcome = services.test_results_import(
        sitting=sitting, records=read_results_csv(results_csv(rows)), actor=admin
    )
    assert outcome.is_valid, outcome.errors


def actions(subject):
    return list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- State machine ------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(AngoffState))
@pytest.mark.parametrize("name", TRANSITIONS)
def test_each_transition_is_allowed_only_from_its_own_state(state, name):
    exercise = AngoffExercise(state=state)
    assert can_proceed(getattr(exercise, name)) == ((state, name) in ALLOWED)


def test_an_exercise_moves_through_both_rounds_to_adoption(admin_user):
    exercise = closed_exercise(admin_user)
    assert exercise.state == AngoffState.CLOSED
    services.angoff_exercise_adopt(exercise=exercise, choice="raw", actor=admin_user)
    exercise.refresh_from_db()
    assert exercise.state == AngoffState.ADOPTED
    assert actions(exercise) == [
        AssessmentAction.ANGOFF_EXERCISE_OPENED,
        AssessmentAction.ANGOFF_ROUND_ONE_CLOSED,
        AssessmentAction.ANGOFF_ROUND_TWO_CLOSED,
        AssessmentAction.ANGOFF_EXERCISE_ADOPTED,
    ]


def test_round_two_cannot_close_before_round_one(admin_user):
    exercise, users = open_exercise(admin_user)
    for user in users:
        rate(exercise, user, 1, "0.6")
    with pytest.raises(AssessmentError, match="close round 1 first"):
        services.angoff_round_two_close(exercise=exercise, actor=admin_user)
    assert AngoffExercise.objects.get(pk=exercise.pk).state == AngoffState.ROUND_ONE


def test_round_one_cannot_close_twice(admin_user):
    exercise, _ = through_round_one(admin_user)
    with pytest.raises(AssessmentError, match="already closed"):
        services.angoff_round_one_close(exercise=exercise, actor=admin_user)


def test_an_open_exercise_cannot_be_adopted(admin_user):
    exercise, _ = through_round_one(admin_user)
    with pytest.raises(AssessmentError, match="only once both rounds have closed"):
        services.angoff_exercise_adopt(exercise=exercise, choice="raw", actor=admin_user)
    assert not AngoffExercise.objects.get(pk=exercise.pk).rule_set_id


# --- Judges and ratings -------------------------------------------------------------------


def test_only_assessors_and_moderators_can_be_judges(admin_user):
    exercise, _ = open_exercise(admin_user, judges=0)
    services.angoff_judge_invite(
        exercise=exercise, user=staff_user(Role.MODERATOR), actor=admin_user
    )
    with pytest.raises(AssessmentError, match="assessors or moderators"):
        services.angoff_judge_invite(
            exercise=exercise, user=staff_user(Role.SUPERVISOR), actor=admin_user
        )
    assert exercise.judges.count() == 1


def test_a_judge_is_invited_once(admin_user):
    exercise, users = open_exercise(admin_user, judges=1)
    with pytest.raises(AssessmentError, match="already a judge"):
        services.angoff_judge_invite(exercise=exercise, user=users[0], actor=admin_user)


def test_only_administrators_run_an_exercise(admin_user):
    exercise, users = open_exercise(admin_user)
    with pytest.raises(PermissionDenied):
        services.angoff_exercise_open(test_form=exercise.test_form, actor=users[0])
    with pytest.raises(PermissionDenied):
        services.angoff_round_one_close(exercise=exercise, actor=users[0])


def test_ratings_are_stored_as_probabilities_and_can_be_changed_until_the_round_closes(
    admin_user,
):
    exercise, users = open_exercise(admin_user, judges=1)
    first = item_ids(exercise)[0]
    services.angoff_ratings_save(
        exercise=exercise, round_number=1, ratings={first: Decimal("0.4")}, actor=users[0]
    )
    services.angoff_ratings_save(
        exercise=exercise, round_number=1, ratings={first: Decimal("0.65")}, actor=users[0]
    )
    rating = AngoffRating.objects.get()
    assert (rating.item_id, rating.round, rating.probability) == (first, 1, Decimal("0.65"))
    assert actions(rating.judge).count(AssessmentAction.ANGOFF_RATINGS_SAVED) == 2


@pytest.mark.parametrize("value", ["-0.01", "1.01", "0.655"])
def test_a_rating_out_of_range_saves_nothing(admin_user, value):
    exercise, users = open_exercise(admin_user, judges=1)
    first, second = item_ids(exercise)[:2]
    with pytest.raises(AssessmentError):
        services.angoff_ratings_save(
            exercise=exercise,
            round_number=1,
            ratings={first: Decimal("0.5"), second: Decimal(value)},
            actor=users[0],
        )
    assert not AngoffRating.objects.exists()


def test_a_rating_for_an_item_not_on_the_form_saves_nothing(admin_user):
    exercise, users = open_exercise(admin_user, judges=1)
    other = item_ids(open_exercise(admin_user, judges=0)[0])[0]
    with pytest.raises(AssessmentError, match="not on this test form"):
        services.angoff_ratings_save(
            exercise=exercise, round_number=1, ratings={other: Decimal("0.5")}, actor=users[0]
        )
    assert not AngoffRating.objects.exists()


def test_an_uninvited_assessor_cannot_rate(admin_user):
    exercise, _ = open_exercise(admin_user, judges=1)
    with pytest.raises(PermissionDenied):
        rate(exercise, independent_assessor(), 1, "0.5")


def test_round_two_ratings_are_refused_while_round_one_is_open(admin_user):
    exercise, users = open_exercise(admin_user, judges=1)
    with pytest.raises(AssessmentError, match="Round 2 has not started"):
        rate(exercise, users[0], 2, "0.5")
    assert not AngoffRating.objects.exists()


def test_round_one_ratings_are_refused_once_it_has_closed(admin_user):
    exercise, users = through_round_one(admin_user)
    with pytest.raises(AssessmentError, match="Round 1 has closed"):
        rate(exercise, users[0], 1, "0.9")
    assert not AngoffRating.objects.filter(probability=Decimal("0.9")).exists()


def test_round_one_closes_only_with_five_judges_who_rated_every_item(admin_user):
    exercise, users = open_exercise(admin_user, judges=6)
    for user in users[:4]:
        rate(exercise, user, 1, "0.6")
    # the fifth rates all but one question: not complete
    rate(exercise, users[4], 1, "0.6")
    AngoffRating.objects.filter(judge__user=users[4], item_id=item_ids(exercise)[-1]).delete()
    with pytest.raises(AssessmentError, match="4 of the judges have rated every question"):
        services.angoff_round_one_close(exercise=exercise, actor=admin_user)
    assert AngoffExercise.objects.get(pk=exercise.pk).state == AngoffState.ROUND_ONE
    rate(exercise, users[5], 1, "0.6")
    services.angoff_round_one_close(exercise=exercise, actor=admin_user)
    assert AngoffExercise.objects.get(pk=exercise.pk).state == AngoffState.ROUND_TWO


def test_round_two_also_needs_five_complete_judges(admin_user):
    exercise, users = through_round_one(admin_user)
    for user in users[:4]:
        rate(exercise, user, 2, "0.6")
    with pytest.raises(AssessmentError, match="at least 5 must"):
        services.angoff_round_two_close(exercise=exercise, actor=admin_user)
    assert AngoffExercise.objects.get(pk=exercise.pk).cut_percent is None


# --- The cut ------------------------------------------------------------------------------


def test_the_cut_is_worked_out_by_hand_for_five_judges(admin_user):
    # each judge rates every one of the 30 one-mark questions alike: totals 15, 18, 21, 24, 27
    exercise = closed_exercise(admin_user)
    assert exercise.judge_count == 5
    assert exercise.max_total == Decimal("30.00")
    assert exercise.cut_raw == Decimal("21.00")
    assert exercise.cut_percent == Decimal("70.00")
    assert exercise.judge_sd == Decimal("4.743")  # sqrt(90 / 4)
    assert exercise.judge_se == Decimal("2.121")  # 4.743 / sqrt(5)


def test_the_cut_equals_angoff_cut_score_on_the_round_two_ratings(admin_user):
    exercise, users = through_round_one(admin_user, judges=6)
    rng = np.random.default_rng(14)
    matrix = np.round(rng.uniform(0.2, 0.95, size=(6, 30)), 2)
    for user, row in zip(users, matrix, strict=True):
        rate(exercise, user, 2, [f"{v:.2f}" for v in row])
    services.angoff_round_two_close(exercise=exercise, actor=admin_user)
    exercise.refresh_from_db()
    expected = angoff_cut_score(matrix)
    assert angoff_ratings_matrix(exercise, 2) == matrix.tolist()
    assert exercise.cut_percent == Decimal(f"{expected.cut_proportion * 100:.2f}")
    assert float(exercise.judge_sd) == pytest.approx(expected.judge_sd, abs=5e-4)


def test_round_one_ratings_do_not_count_towards_the_cut(admin_user):
    exercise, users = through_round_one(admin_user, value="0.9")
    for user in users:
        rate(exercise, user, 2, "0.5")
    services.angoff_round_two_close(exercise=exercise, actor=admin_user)
    assert AngoffExercise.objects.get(pk=exercise.pk).cut_percent == Decimal("50.00")


def test_without_enough_results_the_cut_says_it_cannot_be_adjusted(admin_user):
    exercise = closed_exercise(admin_user)
    assert exercise.adjusted_cut_percent is None
    assert exercise.sem is None
    assert "too few results: 0" in exercise.not_adjusted_reason


def test_with_enough_results_the_cut_is_adjusted_by_one_sem(admin_user):
    exercise, users = through_round_one(admin_user)
    sit_form(exercise.test_form, MIN_RESULTS_FOR_SEM, admin=admin_user)
    for user, value in zip(users, ("0.5", "0.6", "0.7", "0.8", "0.9"), strict=True):
        rate(exercise, user, 2, value)
    services.angoff_round_two_close(exercise=exercise, actor=admin_user)
    exercise.refresh_from_db()
    sem = selectors.form_results(exercise.test_form).sem
    expected = angoff_cut_score([[float(v)] * 30 for v in (0.5, 0.6, 0.7, 0.8, 0.9)], sem=sem)
    assert exercise.results_used == MIN_RESULTS_FOR_SEM
    assert exercise.sem == Decimal(f"{sem:.3f}")
    assert exercise.adjusted_cut_percent == Decimal(f"{expected.adjusted_cut / 30 * 100:.2f}")
    assert exercise.not_adjusted_reason == ""


# --- Adoption -----------------------------------------------------------------------------


def test_adopting_makes_exactly_one_new_rule_set_version_naming_the_exercise(admin_user):
    exercise = closed_exercise(admin_user)
    framework = exercise.test_form.framework
    services.rule_set_current(framework)  # version 1, which a flush by another test removes
    before = OutcomeRuleSet.objects.filter(framework=framework).count()
    rule_set = services.angoff_exercise_adopt(exercise=exercise, choice="raw", actor=admin_user)
    assert OutcomeRuleSet.objects.filter(framework=framework).count() == before + 1
    assert rule_set.parameters["knowledge_cut_percent"] == "70"
    assert rule_set.parameters["observation_threshold"] == "5/2"  # unchanged
    assert f"Angoff exercise {exercise.pk}" in rule_set.notes
    exercise.refresh_from_db()
    assert (exercise.rule_set, exercise.adopted_choice) == (rule_set, "raw")


def test_adopting_twice_is_refused_and_makes_no_second_version(admin_user):
    exercise = closed_exercise(admin_user)
    services.angoff_exercise_adopt(exercise=exercise, choice="raw", actor=admin_user)
    count = OutcomeRuleSet.objects.count()
    with pytest.raises(AssessmentError, match="already been adopted"):
        services.angoff_exercise_adopt(exercise=exercise, choice="raw", actor=admin_user)
    assert OutcomeRuleSet.objects.count() == count


def test_the_adjusted_cut_cannot_be_adopted_when_there_is_none(admin_user):
    exercise = closed_exercise(admin_user)
    count = OutcomeRuleSet.objects.count()
    with pytest.raises(AssessmentError, match="could not be adjusted"):
        services.angoff_exercise_adopt(exercise=exercise, choice="adjusted", actor=admin_user)
    assert OutcomeRuleSet.objects.count() == count
    assert AngoffExercise.objects.get(pk=exercise.pk).state == AngoffState.CLOSED


def test_outcomes_keep_the_cut_they_were_made_under(admin_user):
    # knowledge at 65% in every area: met under the 60% default, not under the adopted 70%
    everywhere = {number: 65 for number in range(1, 11)}
    before = published_outcome(admin=admin_user, knowledge=everywhere)
    exercise = closed_exercise(admin_user)
    rule_set = services.angoff_exercise_adopt(exercise=exercise, choice="raw", actor=admin_user)
    after = draft_outcome(
        admin=admin_user,
        knowledge=everywhere,
        results={number: OutcomeResult.PARTIALLY_MET for number in everywhere},
    )
    before.refresh_from_db()
    assert before.rule_set.version == rule_set.version - 1
    assert before.result == OutcomeResult.MET
    assert after.rule_set == rule_set
    assert set(after.area_outcomes.values_list("result", flat=True)) == {
        OutcomeResult.PARTIALLY_MET
    }
