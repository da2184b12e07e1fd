"""Reads about marking: who may mark, what marking is waiting for, and the marks that count."""

from dataclasses import dataclass
from fractions import Fraction

from naas.dates import govuk_datetime, govuk_time, local_date, today
from naas.models import Role
from naas.policies import roles_of

from .. import policies
from ..models import (
    Allocation,
    AreaMark,
    Attempt,
    AttemptState,
    MarkerRole,
    MarkingDraft,
    PracticeTask,
    ReviewState,
    TestAreaScore,
)
from ..outcome_rules import (
    observation_mean,
)
from ..rules import BORDERLINE_MARGIN, in_second_marking_sample, marks_disagree
from .calibration import calibration_problem
from .outcomes import rule_parameters_current


def allocation_problems(*, attempt: Attempt, assessor, role: str) -> list[str]:
    """Why `assessor` may not take `role` on the attempt (empty when they may)."""
    problems = []
    name = assessor.full_name or "This person"
    roles = roles_of(assessor)
    if role == MarkerRole.MODERATOR and Role.MODERATOR not in roles:
        problems.append(f"{name} is not a moderator")
    elif not roles & {Role.ASSESSOR, Role.MODERATOR}:
        problems.append(f"{name} is not an assessor")
    problems += [
        f"{name} {reason}, so cannot assess this candidate (a conflict of interest)"
        for reason in policies.assessor_conflicts(assessor, attempt)
    ]
    earlier = Allocation.objects.filter(attempt=attempt, assessor=assessor).first()
    if earlier is not None:
        problems.append(
            f"{name} already has a part in this attempt ({earlier.get_role_display().lower()}); "
            "choose someone else"
        )
    calibration = calibration_problem(attempt=attempt, assessor=assessor)
    if calibration:
        problems.append(calibration)
    return problems


def attempt_next_step(attempt: Attempt, allocations=None) -> str:
    """Which part of marking the attempt is waiting for: a MarkerRole, or "" if none."""
    allocations = list(allocations if allocations is not None else attempt.allocations.all())
    active = {a.role: a for a in allocations if a.active}
    if attempt.state == AttemptState.SAT:
        return MarkerRole.FIRST
    if attempt.state == AttemptState.SCORED and attempt.second_marking:
        second = active.get(MarkerRole.SECOND)
        if second is None or second.submitted_at is None:
            return MarkerRole.SECOND
        return MarkerRole.MODERATOR
    if attempt.state == AttemptState.UNDER_REVIEW:
        return MarkerRole.REVIEWER
    return ""


def marking_problem(attempt: Attempt, allocation: Allocation) -> str:
    """Why the allocation cannot submit marks at the attempt's stage ("" when it can)."""
    role = allocation.role
    if attempt.state == AttemptState.OUTCOME_PUBLISHED:
        return "The outcome has been published, so the marks cannot change"
    if role == MarkerRole.REVIEWER:
        review = attempt.reviews.filter(state=ReviewState.OVERTURNED).order_by("-pk").first()
        if attempt.state != AttemptState.UNDER_REVIEW or review is None:
            return "Scoring is re-opened only when a review overturns the outcome"
        if review.outcome.superseded_at is not None:
            return "The review's new marks have already been recorded"
        return ""
    if allocation.submitted_at is not None:
        return "You have already submitted your marks for this attempt"
    if role == MarkerRole.FIRST and attempt.state != AttemptState.SAT:
        return "This attempt is not waiting for first marks"
    if role == MarkerRole.SECOND and attempt_next_step(attempt) != MarkerRole.SECOND:
        return "This attempt is not waiting for second marks"
    if role == MarkerRole.MODERATOR and attempt_next_step(attempt) != MarkerRole.MODERATOR:
        return "This attempt is not waiting for moderation"
    return ""


def second_marking_reason(attempt: Attempt, first: dict[int, list[int]]) -> str:
    """Why an attempt is second-marked: "sample", "borderline" or "" (not needed).

    Sample: see in_second_marking_sample. Borderline (the documented rule): the first marks
    give some area an observation mean within 0.25 of the current rule set's threshold (with
    the default 2.5: any mean from 2.25 to 2.75), where one point either way on one task
    could change that area's result."""
    if in_second_marking_sample(attempt.pk):
        return "sample"
    rules = rule_parameters_current(attempt.framework)
    for marks in first.values():
        mean = observation_mean(marks)
        if mean is not None and abs(mean - rules.observation_threshold) <= BORDERLINE_MARGIN:
            return "borderline"
    return ""


def marks_by_area(allocation: Allocation | None) -> dict[int, list[int]]:
    if allocation is None:
        return {}
    return {m.area_id: m.task_marks() for m in allocation.marks.all()}


def final_marks(attempt: Attempt) -> dict[int, AreaMark]:
    """The marks an outcome is built from: a reviewer's after an overturned review, else a
    moderator's, else the first marker's (when the second marker agrees within one point,
    the first marks stand)."""
    allocations = {
        a.role: a
        for a in attempt.allocations.filter(active=True, submitted_at__isnull=False)
        .prefetch_related("marks")
        .order_by("allocated_at")
    }
    for role in (MarkerRole.REVIEWER, MarkerRole.MODERATOR, MarkerRole.FIRST):
        if role in allocations:
            return {m.area_id: m for m in allocations[role].marks.all()}
    return {}


def knowledge_by_area(attempt: Attempt) -> dict[int, Fraction]:
    """Knowledge-test percentage per area id. A retake without its own test result for an
    area uses the earlier attempt's score for that area."""
    scores: dict[int, Fraction] = {}
    chain = []
    current = attempt
    while current is not None:
        chain.append(current)
        current = current.parent
    for link in reversed(chain):
        for score in TestAreaScore.objects.filter(result__attempt=link):
            scores[score.area_id] = Fraction(str(score.percent))
    return scores


@dataclass(frozen=True)
class TaskComparison:
    """The two markers' marks for one task of one area, side by side."""

    area_id: int
    task: str
    label: str
    first: int
    second: int

    @property
    def difference(self) -> int:
        return abs(self.first - self.second)

    @property
    def disagrees(self) -> bool:
        return marks_disagree(self.first, self.second)

    @property
    def agreed_mark(self) -> int | None:
        """The mark that stands without a moderator's decision: the first marker's, as when
        no moderation is needed (final_marks); None where the markers disagree."""
        return None if self.disagrees else self.first


@dataclass(frozen=True)
class AreaComparison:
    area: object
    tasks: list[TaskComparison]

    @property
    def disagreements(self) -> list[TaskComparison]:
        return [task for task in self.tasks if task.disagrees]


def _submitted(attempt: Attempt, role: str) -> Allocation | None:
    return next(
        (a for a in attempt.allocations.all() if a.active and a.role == role and a.submitted_at),
        None,
    )


def marks_side_by_side(attempt: Attempt) -> list[AreaComparison]:
    """Per area and task: the first marker's mark, the second marker's and whether they
    disagree (rules.marks_disagree). Empty until both have submitted. Reads the attempt's
    prefetched allocations and marks (selectors.attempt_for_marking): no further queries."""
    first, second = _submitted(attempt, MarkerRole.FIRST), _submitted(attempt, MarkerRole.SECOND)
    if first is None or second is None:
        return []
    first_marks = {m.area_id: m for m in first.marks.all()}
    second_marks = {m.area_id: m for m in second.marks.all()}
    rows = []
    for area in attempt.areas.all():
        a, b = first_marks.get(area.pk), second_marks.get(area.pk)
        if a is None or b is None:
            continue
        tasks = [
            TaskComparison(area.pk, name, label, getattr(a, name), getattr(b, name))
            for name, label in zip(AreaMark.TASK_FIELDS, PracticeTask.labels, strict=True)
        ]
        rows.append(AreaComparison(area, tasks))
    return rows


@dataclass(frozen=True)
class DraftArea:
    """One area of a saved draft, read like an AreaMark by the marking form (a mark not yet
    chosen is None)."""

    role_play_1: int | None = None
    role_play_2: int | None = None
    reflective: int | None = None
    written: int | None = None
    evidence_note: str = ""
    global_judgement: int | None = None


def marking_draft(allocation: Allocation) -> MarkingDraft | None:
    """The allocation's own saved draft, if any. Only the scoring page of the allocation's
    assessor asks for it: a draft is never shown to anyone else."""
    return MarkingDraft.objects.filter(allocation=allocation).first()


def draft_areas(draft: MarkingDraft | None) -> dict[int, DraftArea]:
    if draft is None:
        return {}
    areas = {}
    for area_id, answer in draft.answers.items():
        marks = dict(zip(AreaMark.TASK_FIELDS, answer.get("marks", []), strict=False))
        areas[int(area_id)] = DraftArea(
            **marks,
            evidence_note=answer.get("evidence_note", ""),
            global_judgement=answer.get("global_judgement"),
        )
    return areas


def draft_saved_words(draft: MarkingDraft) -> str:
    """'Draft saved at 10:32am' the same day, else 'Draft saved on 1 December 2026 at
    10:32am' (England's time)."""
    if local_date(draft.saved_at) == today():
        return f"Draft saved at {govuk_time(draft.saved_at)}"
    return f"Draft saved on {govuk_datetime(draft.saved_at)}"
