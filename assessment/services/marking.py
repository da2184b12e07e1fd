"""Writes for observed simulated practice: allocating markers, first and second marks and
moderation."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from naas.services import audit_event_record
from naas.transitions import transition_apply

from .. import policies
from ..audit import AssessmentAction
from ..models import (
    MARK_MAX,
    MARK_MIN,
    REASON_MAX,
    Allocation,
    AreaMark,
    Attempt,
    GlobalJudgement,
    MarkerRole,
    MarkingDraft,
    PracticeTask,
)
from ..rules import marks_need_moderation
from ..selectors.marking import (
    allocation_problems,
    attempt_next_step,
    final_marks,
    marking_problem,
    marks_by_area,
    second_marking_reason,
)
from .common import AssessmentError, lock_attempt, refused, require_administrator
from .outcomes import outcome_compute


@dataclass(frozen=True)
class MarkEntry:
    """One marker's marks for one KSS area: each task 1–4, the evidence for them, and the
    marker's overall judgement of the area (GlobalJudgement; the marking form asks for it,
    None where it was not given)."""

    role_play_1: int | None
    role_play_2: int | None
    reflective: int | None
    written: int | None
    evidence_note: str = ""
    global_judgement: int | None = None

    def task_marks(self) -> list[int | None]:
        return [getattr(self, name) for name in AreaMark.TASK_FIELDS]


@transaction.atomic
def allocation_create(*, attempt: Attempt, assessor, role: str, actor) -> Allocation:
    """An administrator gives an assessor a part in marking an attempt: never someone linked
    to the candidate's LA, and never the same person twice on one attempt."""
    require_administrator(actor)
    locked = lock_attempt(attempt)
    if role not in MarkerRole.values:
        raise AssessmentError("Choose the part the assessor will play")
    if attempt_next_step(locked) != role:
        raise AssessmentError(
            f"This attempt does not need a {MarkerRole(role).label.lower()} at this stage"
        )
    if Allocation.objects.filter(attempt=locked, role=role, active=True).exists():
        raise AssessmentError(
            f"This attempt already has a {MarkerRole(role).label.lower()}; reload the page"
        )
    problems = allocation_problems(attempt=locked, assessor=assessor, role=role)
    if problems:
        raise AssessmentError(*problems)
    allocation = Allocation.objects.create(
        attempt=locked, assessor=assessor, role=role, allocated_by=actor
    )
    audit_event_record(
        actor=actor,
        subject=allocation,
        action=AssessmentAction.ALLOCATION_CREATED,
        detail={"attempt": locked.pk, "role": role, "assessor": assessor.pk},
    )
    return allocation


def _store_marks(allocation: Allocation, marks: dict[int, MarkEntry], actor) -> None:
    """Write one AreaMark per area, auditing every mark and every change of a mark."""
    existing = {m.area_id: m for m in allocation.marks.all()}
    for area_id, entry in marks.items():
        values = dict(zip(AreaMark.TASK_FIELDS, entry.task_marks(), strict=True))
        mark = existing.get(area_id)
        if mark is None:
            mark = AreaMark.objects.create(
                allocation=allocation,
                area_id=area_id,
                evidence_note=entry.evidence_note.strip(),
                global_judgement=entry.global_judgement,
                **values,
            )
            audit_event_record(
                actor=actor,
                subject=mark,
                action=AssessmentAction.MARK_RECORDED,
                detail={
                    "attempt": allocation.attempt_id,
                    "role": allocation.role,
                    **values,
                    "global_judgement": entry.global_judgement,
                },
            )
            continue
        before = dict(zip(AreaMark.TASK_FIELDS, mark.task_marks(), strict=True))
        unchanged = (
            before == values
            and mark.evidence_note == entry.evidence_note.strip()
            and mark.global_judgement == entry.global_judgement
        )
        if unchanged:
            continue
        judgement_before = mark.global_judgement
        for name, value in values.items():
            setattr(mark, name, value)
        mark.evidence_note = entry.evidence_note.strip()
        mark.global_judgement = entry.global_judgement
        mark.save()
        audit_event_record(
            actor=actor,
            subject=mark,
            action=AssessmentAction.MARK_CHANGED,
            detail={
                "attempt": allocation.attempt_id,
                "from": before,
                "to": values,
                "global_judgement": {"from": judgement_before, "to": entry.global_judgement},
            },
        )


def _audit_final_mark_changes(attempt, earlier, marks, allocation, actor) -> None:
    """A moderator's or reviewer's marks replace the earlier final marks: record every
    change of mark, area by area."""
    for area_id, entry in marks.items():
        before = earlier.get(area_id)
        if before is None:
            continue
        old = dict(zip(AreaMark.TASK_FIELDS, before.task_marks(), strict=True))
        new = dict(zip(AreaMark.TASK_FIELDS, entry.task_marks(), strict=True))
        if old != new:
            audit_event_record(
                actor=actor,
                subject=attempt,
                action=AssessmentAction.FINAL_MARK_CHANGED,
                reason=allocation.reason or "",
                detail={"area": area_id, "role": allocation.role, "from": old, "to": new},
            )


@transaction.atomic
def marks_submit(
    *, allocation: Allocation, marks: dict[int, MarkEntry], actor, reason: str = ""
) -> Attempt:
    """An allocated marker submits marks for every area the attempt covers. First marks move
    the attempt to scored (and, when it is not second-marked, on to moderated with a draft
    outcome); second marks either agree (moderated) or call for a moderator; a moderator's or
    reviewer's marks become the final marks."""
    attempt = lock_attempt(allocation.attempt)
    allocation = Allocation.objects.select_related("attempt__worker").get(pk=allocation.pk)
    if not policies.can_mark(actor, allocation):
        raise PermissionDenied("This attempt is not allocated to you")
    problem = marking_problem(attempt, allocation)
    if problem:
        raise AssessmentError(problem)
    problems = mark_entry_problems(attempt, marks)
    reason = reason.strip()
    if allocation.role in (MarkerRole.MODERATOR, MarkerRole.REVIEWER) and not reason:
        problems.append("Enter the reason for the final marks")
    if problems:
        raise AssessmentError(*problems)
    allocation.reason = reason
    earlier_final = (
        final_marks(attempt)
        if allocation.role in (MarkerRole.MODERATOR, MarkerRole.REVIEWER)
        else {}
    )
    _store_marks(allocation, marks, actor)
    # the submitted marks replace the draft: it would only mislead if it stayed
    MarkingDraft.objects.filter(allocation=allocation).delete()
    _audit_final_mark_changes(attempt, earlier_final, marks, allocation, actor)
    allocation.submitted_at = timezone.now()
    allocation.reason = reason
    allocation.save(update_fields=["submitted_at", "reason"])
    audit_event_record(
        actor=actor,
        subject=allocation,
        action=AssessmentAction.ALLOCATION_MARKS_SUBMITTED,
        reason=reason,
        detail={"attempt": attempt.pk, "role": allocation.role},
    )
    submitted = marks_by_area(allocation)
    if allocation.role == MarkerRole.FIRST:
        transition_apply(
            attempt,
            "score",
            actor=actor,
            action=AssessmentAction.ATTEMPT_SCORED,
            values={"second_marking": second_marking_reason(attempt, submitted)},
            refuse=refused(),
        )
        if attempt.second_marking:
            audit_event_record(
                actor=actor,
                subject=attempt,
                action=AssessmentAction.ATTEMPT_SECOND_MARKING_NEEDED,
                detail={"why": attempt.second_marking},
            )
        else:
            _finalise_marks(attempt, actor)
    elif allocation.role == MarkerRole.SECOND:
        first = Allocation.objects.get(attempt=attempt, role=MarkerRole.FIRST, active=True)
        if marks_need_moderation(marks_by_area(first), submitted):
            audit_event_record(
                actor=actor, subject=attempt, action=AssessmentAction.ATTEMPT_MODERATION_NEEDED
            )
        else:
            _finalise_marks(attempt, actor)
    elif allocation.role == MarkerRole.MODERATOR:
        _finalise_marks(attempt, actor, reason=reason)
    else:
        outcome_compute(attempt=attempt, actor=actor)
    return attempt


def _finalise_marks(attempt: Attempt, actor, reason: str = "") -> None:
    transition_apply(
        attempt,
        "moderate",
        actor=actor,
        action=AssessmentAction.ATTEMPT_MODERATED,
        reason=reason,
        refuse=refused(),
    )
    outcome_compute(attempt=attempt, actor=actor)


def mark_entry_problems(attempt: Attempt, marks: dict[int, MarkEntry]) -> list[str]:
    problems = []
    areas = {a.pk: a for a in attempt.areas.all()}
    if set(marks) != set(areas):
        problems.append("Enter marks for every KSS area this attempt covers, and no others")
    for area_id, entry in sorted(marks.items()):
        area = areas.get(area_id)
        label = f"area {area.number}" if area else "an area"
        for task, value in zip(PracticeTask.labels, entry.task_marks(), strict=True):
            if not isinstance(value, int) or not MARK_MIN <= value <= MARK_MAX:
                problems.append(f"Enter a mark from 1 to 4 for {task.lower()} in {label}")
        if not entry.evidence_note.strip():
            problems.append(f"Enter the evidence for {label}")
        if entry.global_judgement is not None and entry.global_judgement not in (
            GlobalJudgement.values
        ):
            problems.append(f"Choose the overall judgement for {label}")
    return problems


EVIDENCE_MAX = AreaMark._meta.get_field("evidence_note").max_length


def mark_in_range(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and MARK_MIN <= value <= MARK_MAX


def draft_entry_problems(attempt: Attempt, marks: dict[int, MarkEntry]) -> list[str]:
    """A draft may leave anything out, but what it holds must be a mark it could submit: a
    mark from 1 to 4, a known judgement, evidence within its limit, areas of this attempt."""
    areas = {a.pk: a for a in attempt.areas.all()}
    if not set(marks) <= set(areas):
        return ["Enter marks only for the KSS areas this attempt covers"]
    problems = []
    for area_id, entry in sorted(marks.items()):
        label = f"area {areas[area_id].number}"
        for task, value in zip(PracticeTask.labels, entry.task_marks(), strict=True):
            if value is not None and not mark_in_range(value):
                problems.append(f"Choose a mark from 1 to 4 for {task.lower()} in {label}")
        if entry.global_judgement is not None and entry.global_judgement not in (
            GlobalJudgement.values
        ):
            problems.append(f"Choose the overall judgement for {label}")
        if len(entry.evidence_note) > EVIDENCE_MAX:
            problems.append(f"The evidence for {label} must be {EVIDENCE_MAX} characters or fewer")
    return problems


@transaction.atomic
def marks_draft_save(
    *, allocation: Allocation, marks: dict[int, MarkEntry], actor, reason: str = ""
) -> MarkingDraft:
    """Keep an allocated marker's unfinished marks to come back to: nothing is required, but
    every mark kept is in range. The draft is theirs alone and counts for nothing until they
    submit. One light audit event per save (when, by whom, how many marks) shows when the
    marking was done without copying unfinished marks into the trail; the marks themselves
    are audited when submitted."""
    attempt = lock_attempt(allocation.attempt)
    allocation = Allocation.objects.select_related("attempt__worker").get(pk=allocation.pk)
    if not policies.can_mark(actor, allocation):
        raise PermissionDenied("This attempt is not allocated to you")
    problem = marking_problem(attempt, allocation)
    if problem:
        raise AssessmentError(problem)
    problems = draft_entry_problems(attempt, marks)
    if len(reason) > REASON_MAX:
        problems.append(f"The reason for the final marks must be {REASON_MAX} characters or fewer")
    if problems:
        raise AssessmentError(*problems)
    answers = {
        str(area_id): {
            "marks": entry.task_marks(),
            "evidence_note": entry.evidence_note,
            "global_judgement": entry.global_judgement,
        }
        for area_id, entry in marks.items()
    }
    draft, _ = MarkingDraft.objects.update_or_create(
        allocation=allocation,
        defaults={"answers": answers, "reason": reason, "saved_at": timezone.now()},
    )
    audit_event_record(
        actor=actor,
        subject=allocation,
        action=AssessmentAction.ALLOCATION_MARKS_DRAFT_SAVED,
        detail={
            "attempt": attempt.pk,
            "role": allocation.role,
            "marks_entered": sum(
                value is not None for entry in marks.values() for value in entry.task_marks()
            ),
        },
    )
    return draft
