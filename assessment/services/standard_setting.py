"""Writes for standard setting: a modified-Angoff exercise for a knowledge-test form, from
opening it and inviting judges, through two rounds of ratings, to the cut it computes and its
adoption as a new version of the outcome rules."""

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from naas.services import audit_event_record
from naas.transitions import transition_apply

from .. import policies
from ..audit import AssessmentAction
from ..models import (
    AngoffCutChoice,
    AngoffExercise,
    AngoffJudge,
    AngoffRating,
    AngoffRound,
    AngoffState,
    TestForm,
    TestFormItem,
)
from ..outcome_rules import RuleParameters
from ..psychometrics.standard_setting import MIN_JUDGES, angoff_cut_score
from ..selectors.standard_setting import (
    angoff_complete_judge_count,
    angoff_ratings_matrix,
    form_results,
)
from .common import AssessmentError, refused
from .outcomes import rule_set_create, rule_set_current

NOT_OPEN_MESSAGES = {
    AngoffState.ROUND_TWO: "Round 1 has closed: its ratings can no longer change",
    AngoffState.CLOSED: "Both rounds have closed: ratings can no longer change",
    AngoffState.ADOPTED: "The exercise's cut has been adopted: ratings can no longer change",
}


def _require_runner(actor) -> None:
    if not policies.can_run_standard_setting(actor):
        raise PermissionDenied("Only assessment administrators can run standard setting")


def _locked(exercise: AngoffExercise) -> AngoffExercise:
    return (
        AngoffExercise.objects.select_for_update(of=("self",))
        .select_related("test_form__framework")
        .get(pk=exercise.pk)
    )


def _places(value: float | None, places: str = "0.01") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@transaction.atomic
def angoff_exercise_open(*, test_form: TestForm, actor) -> AngoffExercise:
    """Start an exercise for a form: round one opens at once for the judges invited."""
    _require_runner(actor)
    if not TestFormItem.objects.filter(form=test_form).exists():
        raise AssessmentError("The test form has no questions to rate")
    exercise = AngoffExercise.objects.create(test_form=test_form, opened_by=actor)
    audit_event_record(
        actor=actor,
        subject=exercise,
        action=AssessmentAction.ANGOFF_EXERCISE_OPENED,
        to_state=exercise.state,
        detail={"test_form": test_form.pk},
    )
    return exercise


@transaction.atomic
def angoff_judge_invite(*, exercise: AngoffExercise, user, actor) -> AngoffJudge:
    """Invite an assessor or moderator to judge, while ratings are still open."""
    _require_runner(actor)
    exercise = _locked(exercise)
    if not exercise.is_rating_open:
        raise AssessmentError("Both rounds have closed: no more judges can be invited")
    if not policies.can_be_angoff_judge(user):
        raise AssessmentError("Judges must be assessors or moderators")
    if exercise.judges.filter(user=user).exists():
        raise AssessmentError(f"{user.full_name} is already a judge in this exercise")
    judge = AngoffJudge.objects.create(exercise=exercise, user=user, invited_by=actor)
    audit_event_record(
        actor=actor,
        subject=judge,
        action=AssessmentAction.ANGOFF_JUDGE_INVITED,
        detail={"exercise": exercise.pk, "user": user.pk},
    )
    return judge


def rating_problems(ratings: dict[int, Decimal], item_ids: set[int]) -> list[str]:
    """Why ratings cannot be saved (empty when they can): each is a probability 0–1 of one
    of the form's items."""
    problems = []
    if set(ratings) - item_ids:
        problems.append("Some ratings are for questions that are not on this test form")
    if any(not Decimal(0) <= value <= Decimal(1) for value in ratings.values()):
        problems.append("Every rating must be between 0% and 100%")
    if any(value != value.quantize(Decimal("0.01")) for value in ratings.values()):
        problems.append("Enter every rating as a whole percentage")
    return problems


@transaction.atomic
def angoff_ratings_save(
    *, exercise: AngoffExercise, round_number: int, ratings: dict[int, Decimal], actor
) -> AngoffJudge:
    """Save (or change) some or all of a judge's ratings for the round open now. A judge may
    save part of the form and come back until the round closes."""
    exercise = _locked(exercise)
    judge = exercise.judges.filter(user_id=actor.pk).first()
    if judge is None or not policies.can_be_angoff_judge(actor):
        raise PermissionDenied("Only the exercise's judges can rate its questions")
    if exercise.current_round != round_number:
        if exercise.state == AngoffState.ROUND_ONE:
            raise AssessmentError("Round 2 has not started: round 1 is still open")
        raise AssessmentError(NOT_OPEN_MESSAGES[exercise.state])
    item_ids = set(
        TestFormItem.objects.filter(form_id=exercise.test_form_id).values_list("item_id", flat=True)
    )
    problems = rating_problems(ratings, item_ids)
    if problems:
        raise AssessmentError(*problems)
    now = timezone.now()
    AngoffRating.objects.bulk_create(
        [
            AngoffRating(
                judge=judge, item_id=item_id, round=round_number, probability=value, updated_at=now
            )
            for item_id, value in ratings.items()
        ],
        update_conflicts=True,
        unique_fields=["judge", "item", "round"],
        update_fields=["probability", "updated_at"],
    )
    audit_event_record(
        actor=actor,
        subject=judge,
        action=AssessmentAction.ANGOFF_RATINGS_SAVED,
        detail={"exercise": exercise.pk, "round": round_number, "items": len(ratings)},
    )
    return judge


def _enough_judges(exercise: AngoffExercise, round_number: int) -> None:
    complete = angoff_complete_judge_count(exercise, round_number)
    if complete < MIN_JUDGES:
        raise AssessmentError(
            f"Round {round_number} cannot close: {complete} of the judges have rated every "
            f"question, and at least {MIN_JUDGES} must"
        )


@transaction.atomic
def angoff_round_one_close(*, exercise: AngoffExercise, actor) -> AngoffExercise:
    """Close round one (at least MIN_JUDGES judges having rated every item): judges now see
    each item's facility and rate again in round two."""
    _require_runner(actor)
    exercise = _locked(exercise)
    if exercise.state != AngoffState.ROUND_ONE:
        raise AssessmentError("Round 1 has already closed")
    _enough_judges(exercise, AngoffRound.ONE)
    return transition_apply(
        exercise,
        "close_round_one",
        actor=actor,
        action=AssessmentAction.ANGOFF_ROUND_ONE_CLOSED,
        refuse=refused(),
    )


@transaction.atomic
def angoff_round_two_close(*, exercise: AngoffExercise, actor) -> AngoffExercise:
    """Close round two and compute the cut from the ratings of every judge who rated every
    item in it (assessment.psychometrics.standard_setting.angoff_cut_score), adjusted by one
    SEM when the form has enough results to estimate it."""
    _require_runner(actor)
    exercise = _locked(exercise)
    if exercise.state == AngoffState.ROUND_ONE:
        raise AssessmentError("Round 2 has not started: close round 1 first")
    if exercise.state != AngoffState.ROUND_TWO:
        raise AssessmentError("Round 2 has already closed")
    _enough_judges(exercise, AngoffRound.TWO)
    return transition_apply(
        exercise,
        "close_round_two",
        actor=actor,
        action=AssessmentAction.ANGOFF_ROUND_TWO_CLOSED,
        values=computed_cut(exercise),
        detail=lambda saved: {"cut_percent": str(saved.cut_percent)},
        refuse=refused(),
    )


def computed_cut(exercise: AngoffExercise) -> dict:
    """The fields closing round two stores: the panel's cut from the round-two ratings."""
    results = form_results(exercise.test_form)
    cut = angoff_cut_score(angoff_ratings_matrix(exercise, AngoffRound.TWO), sem=results.sem)
    percent_of_max = 100 / cut.max_total
    return {
        "judge_count": cut.n_judges,
        "max_total": _places(cut.max_total),
        "cut_raw": _places(cut.cut_score),
        "cut_percent": _places(cut.cut_proportion * 100),
        "judge_sd": _places(cut.judge_sd, "0.001"),
        "judge_se": _places(cut.judge_se, "0.001"),
        "sem": _places(cut.sem, "0.001"),
        "adjusted_cut_percent": None
        if cut.adjusted_cut is None
        else _places(cut.adjusted_cut * percent_of_max),
        "not_adjusted_reason": "" if cut.adjusted_cut is not None else results.sem_reason,
        "results_used": results.n_results,
    }


def chosen_cut(exercise: AngoffExercise, choice: str) -> Decimal:
    """The cut percentage the administrator chose to adopt."""
    if choice == AngoffCutChoice.ADJUSTED:
        if exercise.adjusted_cut_percent is None:
            raise AssessmentError(
                "The cut could not be adjusted for measurement error: adopt the panel's cut"
            )
        return exercise.adjusted_cut_percent
    if choice != AngoffCutChoice.RAW:
        raise AssessmentError("Choose which cut to adopt")
    return exercise.cut_percent


@transaction.atomic
def angoff_exercise_adopt(*, exercise: AngoffExercise, choice: str, actor):
    """Make a new version of the outcome rules for the form's framework with the exercise's
    cut (raw or SEM-adjusted, `choice`) as the knowledge-test cut, every other rule as in the
    version in force, and notes naming the exercise as the evidence. Once only."""
    _require_runner(actor)
    exercise = _locked(exercise)
    if exercise.state == AngoffState.ADOPTED:
        raise AssessmentError("This exercise's cut has already been adopted")
    if exercise.state != AngoffState.CLOSED:
        raise AssessmentError("The cut can be adopted only once both rounds have closed")
    cut = chosen_cut(exercise, choice)
    framework = exercise.test_form.framework
    rules = RuleParameters.from_json(rule_set_current(framework).parameters)
    rule_set = rule_set_create(
        framework=framework,
        parameters=replace(rules, knowledge_cut_percent=Fraction(str(cut))),
        notes=adoption_notes(exercise, choice, cut),
        actor=actor,
    )
    transition_apply(
        exercise,
        "adopt",
        actor=actor,
        action=AssessmentAction.ANGOFF_EXERCISE_ADOPTED,
        values={"rule_set": rule_set, "adopted_choice": choice},
        detail={"rule_set": rule_set.pk, "cut_percent": str(cut), "choice": choice},
        refuse=refused(),
    )
    return rule_set


def adoption_notes(exercise: AngoffExercise, choice: str, cut: Decimal) -> str:
    which = "adjusted up by one SEM" if choice == AngoffCutChoice.ADJUSTED else "the panel's cut"
    return (
        f"Knowledge-test cut of {cut}% ({which}) set by modified-Angoff exercise "
        f"{exercise.pk} on test form {exercise.test_form.code}: {exercise.judge_count} judges, "
        f"two rounds. Evidence: Angoff exercise {exercise.pk}."
    )
