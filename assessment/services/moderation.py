"""Moderation: the moderator decides only the marks the two markers disagree on, with a
reason for each; the agreed marks stand."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from naas.services import audit_event_record

from .. import policies
from ..audit import AssessmentAction
from ..models import Allocation, Attempt, MarkerRole
from ..selectors.marking import AreaComparison, TaskComparison, marking_problem, marks_side_by_side
from ..selectors.pages import attempt_for_marking
from .common import AssessmentError, lock_attempt
from .marking import MarkEntry, mark_in_range, marks_submit

DECISION_REASON_MAX = 450  # four reasons still fit in one area's evidence note


class DecisionChoice:
    FIRST = "first"
    SECOND = "second"
    OTHER = "other"
    ALL = (FIRST, SECOND, OTHER)


@dataclass(frozen=True)
class ModerationDecision:
    """A moderator's decision on one task of one area the markers disagree on: the first
    marker's mark, the second's or another (`mark`), always with a reason."""

    choice: str
    reason: str
    mark: int | None = None

    def mark_for(self, task: TaskComparison) -> int | None:
        return {
            DecisionChoice.FIRST: task.first,
            DecisionChoice.SECOND: task.second,
            DecisionChoice.OTHER: self.mark,
        }[self.choice]

    def words_for(self, task: TaskComparison) -> str:
        source = {
            DecisionChoice.FIRST: "the first marker's",
            DecisionChoice.SECOND: "the second marker's",
            DecisionChoice.OTHER: "the moderator's own",
        }[self.choice]
        return f"{task.label}: {source} {self.mark_for(task)} ({self.reason.strip()})"


Decisions = dict[tuple[int, str], ModerationDecision]


def moderated_marks(comparisons: list[AreaComparison], decisions: Decisions) -> dict[int, list]:
    """The final marks, per area id: the agreed mark wherever the markers agree, and the
    moderator's decision wherever they do not. The one place the two are put together."""
    return {
        area.area.pk: [
            decisions[(area.area.pk, task.task)].mark_for(task)
            if task.disagrees
            else task.agreed_mark
            for task in area.tasks
        ]
        for area in comparisons
    }


def moderation_problems(comparisons: list[AreaComparison], decisions: Decisions) -> list[str]:
    """Every disagreement needs a decision with a reason; nothing else may be decided."""
    if not comparisons:
        return ["Both markers must submit their marks before moderation"]
    wanted = {(a.area.pk, t.task): (a.area, t) for a in comparisons for t in a.disagreements}
    if set(decisions) - set(wanted):
        return ["Only the marks the markers disagree on can be decided; reload the page"]
    problems = []
    for key, (area, task) in wanted.items():
        where = f"{task.label.lower()} in area {area.number}"
        decision = decisions.get(key)
        if decision is None or decision.choice not in DecisionChoice.ALL:
            problems.append(f"Choose the mark for {where}")
            continue
        if decision.choice == DecisionChoice.OTHER and not mark_in_range(decision.mark):
            problems.append(f"Choose a mark from 1 to 4 for {where}")
        reason = decision.reason.strip()
        if not reason:
            problems.append(f"Enter the reason for the mark for {where}")
        elif len(reason) > DECISION_REASON_MAX:
            problems.append(
                f"The reason for {where} must be {DECISION_REASON_MAX} characters or fewer"
            )
    return problems


def _decided(comparisons, decisions):
    """(area, task, decision) for every disagreement, in area and task order."""
    return [
        (area.area, task, decisions[(area.area.pk, task.task)])
        for area in comparisons
        for task in area.disagreements
    ]


def _moderated_entries(comparisons, decisions, final) -> dict[int, MarkEntry]:
    """The moderator's marks per area, their evidence being the decisions for that area."""
    entries = {}
    for area in comparisons:
        said = [decisions[(area.area.pk, t.task)].words_for(t) for t in area.disagreements]
        entries[area.area.pk] = MarkEntry(
            *final[area.area.pk],
            evidence_note="; ".join(said) or "The first and second markers agreed on every task",
        )
    return entries


@transaction.atomic
def moderation_decide(*, allocation: Allocation, decisions: Decisions, actor) -> Attempt:
    """The moderator decides only where the two markers disagree (rules.marks_disagree),
    keyed by (area id, task field); the agreed marks stand. The final marks are recorded as
    the moderator's marks through marks_submit, so outcomes are computed from them exactly as
    before, and the decisions are audited with the marks before and after."""
    lock_attempt(allocation.attempt)
    allocation = Allocation.objects.select_related("attempt__worker").get(pk=allocation.pk)
    if not policies.can_mark(actor, allocation):
        raise PermissionDenied("This attempt is not allocated to you")
    if allocation.role != MarkerRole.MODERATOR:
        raise AssessmentError("Only the moderator decides between the markers' marks")
    attempt = attempt_for_marking(allocation.attempt_id)
    problem = marking_problem(attempt, allocation)
    if problem:
        raise AssessmentError(problem)
    comparisons = marks_side_by_side(attempt)
    problems = moderation_problems(comparisons, decisions)
    if problems:
        raise AssessmentError(*problems)
    final = moderated_marks(comparisons, decisions)
    decided = _decided(comparisons, decisions)
    summary = "; ".join(f"Area {area.number}, {d.words_for(task)}" for area, task, d in decided)
    audit_event_record(
        actor=actor,
        subject=allocation,
        action=AssessmentAction.ALLOCATION_MODERATION_DECIDED,
        reason=summary,
        detail={
            "attempt": attempt.pk,
            "decisions": [
                {
                    "area": area.number,
                    "task": task.task,
                    "first": task.first,
                    "second": task.second,
                    "choice": decision.choice,
                    "mark": decision.mark_for(task),
                    "reason": decision.reason.strip(),
                }
                for area, task, decision in decided
            ],
            "from": {str(a.area.number): [t.first for t in a.tasks] for a in comparisons},
            "to": {str(a.area.number): final[a.area.pk] for a in comparisons},
        },
    )
    entries = _moderated_entries(comparisons, decisions, final)
    return marks_submit(allocation=allocation, marks=entries, actor=actor, reason=summary)
