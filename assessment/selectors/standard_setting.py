"""Reads for standard setting: Angoff exercises, their judges' progress and ratings, and the
real results of a form that judges see between rounds and that adjust the cut for
measurement error. Each read is a fixed number of queries however many judges, items or
results there are."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from naas.models import Role, StaffRole, User

from ..models import (
    AngoffExercise,
    AngoffJudge,
    AngoffRating,
    AngoffRound,
    TestForm,
    TestFormItem,
)
from ..psychometrics.items import item_analysis
from .psychometrics import item_score_matrix

MIN_RESULTS_FOR_FACILITY = 10
"""Fewer results than this and an item's facility says more about the few candidates than
about the item, so judges are not shown it (design choice)."""
MIN_RESULTS_FOR_SEM = 30
"""The cut is adjusted for measurement error only with at least this many results (design
choice: the SEM of a smaller cohort is too unstable to move a pass mark by)."""


@dataclass(frozen=True)
class FormResults:
    """What a form's real results say about its items and its measurement error."""

    n_results: int
    facility: dict[int, float] = field(default_factory=dict)
    """Item id -> facility (0–1); empty with too few results."""
    facility_reason: str = ""
    reliability: float | None = None
    reliability_method: str = ""
    sem: float | None = None
    """In raw marks; None with too few results or undefined reliability."""
    sem_reason: str = ""


def angoff_exercises() -> QuerySet[AngoffExercise]:
    return AngoffExercise.objects.select_related("test_form", "rule_set").annotate(
        judge_total=Count("judges")
    )


def angoff_exercise(exercise_id: int) -> AngoffExercise:
    """One exercise with what its pages show; raises AngoffExercise.DoesNotExist."""
    return AngoffExercise.objects.select_related(
        "test_form__framework", "rule_set", "opened_by"
    ).get(pk=exercise_id)


def form_items(form: TestForm) -> list[TestFormItem]:
    """The form's questions in order, with their item and KSS area."""
    return list(
        TestFormItem.objects.filter(form=form).select_related("item__area").order_by("position")
    )


def angoff_judges_progress(exercise: AngoffExercise) -> list[AngoffJudge]:
    """The judges, each with how many items they have rated in each round
    (`rated_round_one`, `rated_round_two`)."""
    return list(
        exercise.judges.select_related("user")
        .annotate(
            rated_round_one=Count("ratings", filter=Q(ratings__round=AngoffRound.ONE)),
            rated_round_two=Count("ratings", filter=Q(ratings__round=AngoffRound.TWO)),
        )
        .order_by("user__full_name", "pk")
    )


def angoff_complete_judge_count(exercise: AngoffExercise, round_number: int) -> int:
    """How many judges have rated every item on the form in the round."""
    item_count = TestFormItem.objects.filter(form_id=exercise.test_form_id).count()
    return (
        exercise.judges.annotate(rated=Count("ratings", filter=Q(ratings__round=round_number)))
        .filter(rated=item_count)
        .count()
    )


def angoff_ratings_matrix(exercise: AngoffExercise, round_number: int) -> list[list[float]]:
    """Judges × items ratings (0–1) for the round, in form order, of the judges who rated
    every item; a judge who did not finish is left out rather than guessed for."""
    item_ids = list(
        TestFormItem.objects.filter(form_id=exercise.test_form_id)
        .order_by("position")
        .values_list("item_id", flat=True)
    )
    by_judge: dict[int, dict[int, float]] = {}
    rows = AngoffRating.objects.filter(judge__exercise=exercise, round=round_number).values_list(
        "judge_id", "item_id", "probability"
    )
    for judge_id, item_id, probability in rows:
        by_judge.setdefault(judge_id, {})[item_id] = float(probability)
    return [
        [ratings[item_id] for item_id in item_ids]
        for _, ratings in sorted(by_judge.items())
        if all(item_id in ratings for item_id in item_ids)
    ]


def angoff_judge_of(exercise: AngoffExercise, user) -> AngoffJudge | None:
    if not user.is_authenticated:
        return None
    return exercise.judges.filter(user_id=user.pk).first()


def angoff_judge_ratings(judge: AngoffJudge) -> dict[int, dict[int, object]]:
    """The judge's ratings: round -> item id -> probability."""
    ratings: dict[int, dict[int, object]] = {AngoffRound.ONE: {}, AngoffRound.TWO: {}}
    for round_number, item_id, probability in judge.ratings.values_list(
        "round", "item_id", "probability"
    ):
        ratings[round_number][item_id] = probability
    return ratings


def angoff_judge_exercises(user) -> QuerySet[AngoffExercise]:
    """The exercises a judge was invited to, newest first."""
    return AngoffExercise.objects.filter(judges__user_id=user.pk).select_related("test_form")


def angoff_invitable_users(exercise: AngoffExercise) -> QuerySet[User]:
    """Assessors and moderators not yet invited to the exercise."""
    assessing = StaffRole.objects.filter(role__in=(Role.ASSESSOR, Role.MODERATOR)).values("user_id")
    return (
        User.objects.filter(pk__in=assessing)
        .exclude(pk__in=exercise.judges.values("user_id"))
        .order_by("full_name", "pk")
    )


def form_results(form: TestForm) -> FormResults:
    """The form's item facilities and SEM from every result recorded on it, read through
    `selectors.psychometrics.item_score_matrix` (a fixed number of queries)."""
    matrix = item_score_matrix(test_form=form)
    n = 0 if matrix is None else matrix.n_candidates
    if n < MIN_RESULTS_FOR_FACILITY:
        reason = f"too few results: {n} (at least {MIN_RESULTS_FOR_FACILITY} needed)"
        return FormResults(n, facility_reason=reason, sem_reason=reason)
    analysis = item_analysis(matrix.scores, matrix.max_scores)
    facility = {matrix.items[s.item].item_id: s.facility for s in analysis.items}
    if n < MIN_RESULTS_FOR_SEM:
        sem, sem_reason = None, f"too few results: {n} (at least {MIN_RESULTS_FOR_SEM} needed)"
    else:
        sem, sem_reason = analysis.sem, analysis.reliability.reason
    return FormResults(
        n,
        facility=facility,
        reliability=analysis.reliability.value,
        reliability_method=str(analysis.reliability.method),
        sem=sem,
        sem_reason=sem_reason,
    )
