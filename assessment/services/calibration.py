"""Writes for assessor calibration: building a set of agreed-mark cases, activating it,
assessors' blind markings of its cases, and an administrator's override."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from naas.services import audit_event_record

from .. import policies
from ..audit import AssessmentAction
from ..models import (
    Attempt,
    CalibrationCase,
    CalibrationMarking,
    CalibrationOverride,
    CalibrationSet,
)
from ..selectors.calibration import (
    CASE_STATES,
    agreement_of,
    assessor_standing,
    meets_bar,
)
from ..selectors.marking import final_marks
from .common import AssessmentError
from .marking import MarkEntry, mark_entry_problems

NAME_MAX = 120


def _require_manager(actor) -> None:
    if not policies.can_manage_calibration(actor):
        raise PermissionDenied("Only assessment administrators can manage calibration")


def _lock_set(calibration_set: CalibrationSet) -> CalibrationSet:
    return (
        CalibrationSet.objects.select_for_update(of=("self",))
        .select_related("framework")
        .get(pk=calibration_set.pk)
    )


@transaction.atomic
def calibration_set_create(*, framework, name: str, actor) -> CalibrationSet:
    _require_manager(actor)
    name = name.strip()
    if not name:
        raise AssessmentError("Enter a name for the calibration set")
    if len(name) > NAME_MAX:
        raise AssessmentError(f"The name must be {NAME_MAX} characters or fewer")
    calibration_set = CalibrationSet.objects.create(
        framework=framework, name=name, created_by=actor
    )
    audit_event_record(
        actor=actor,
        subject=calibration_set,
        action=AssessmentAction.CALIBRATION_SET_CREATED,
        detail={"framework": framework.pk, "name": name},
    )
    return calibration_set


def _agreed_marks_from(attempt: Attempt, marks: dict[int, MarkEntry] | None) -> dict:
    """Agreed marks as stored: entered ones (checked as live marks are) or, by default, a copy
    of the attempt's final marks."""
    if marks is None:
        final = final_marks(attempt)
        if not final:
            raise AssessmentError("This attempt has no final marks to copy")
        return {str(area_id): mark.task_marks() for area_id, mark in final.items()}
    problems = mark_entry_problems(attempt, marks)
    if problems:
        raise AssessmentError(*problems)
    return {str(area_id): list(entry.task_marks()) for area_id, entry in marks.items()}


@transaction.atomic
def calibration_case_add(
    *, calibration_set: CalibrationSet, attempt: Attempt, actor, agreed_marks=None
) -> CalibrationCase:
    """Add a marked attempt to a set that is not yet active, with its agreed marks."""
    _require_manager(actor)
    locked = _lock_set(calibration_set)
    if locked.active:
        # Adding a case would silently un-pass assessors who have passed the set.
        raise AssessmentError("Cases cannot be added to an active set; create a new set")
    attempt = Attempt.objects.get(pk=attempt.pk)
    if attempt.framework_id != locked.framework_id:
        raise AssessmentError("Choose an attempt assessed against the set's framework")
    if attempt.state not in CASE_STATES:
        raise AssessmentError("Choose an attempt whose marks have been moderated or published")
    if locked.cases.filter(attempt=attempt).exists():
        raise AssessmentError("That attempt is already a case in this set")
    case = CalibrationCase.objects.create(
        calibration_set=locked,
        attempt=attempt,
        agreed_marks=_agreed_marks_from(attempt, agreed_marks),
        added_by=actor,
    )
    audit_event_record(
        actor=actor,
        subject=case,
        action=AssessmentAction.CALIBRATION_CASE_ADDED,
        detail={
            "set": locked.pk,
            "attempt": attempt.pk,
            "copied": agreed_marks is None,
            "agreed_marks": case.agreed_marks,
        },
    )
    return case


@transaction.atomic
def calibration_case_agreed_marks_change(
    *, case: CalibrationCase, marks: dict[int, MarkEntry], actor
) -> CalibrationCase:
    """Enter the agreed marks of a case by hand (instead of the copied final marks), while
    its set has never been in use: once assessors have marked against them they stay fixed."""
    _require_manager(actor)
    locked = _lock_set(case.calibration_set)
    if locked.active or locked.activated_at:
        raise AssessmentError("The agreed marks of a set that has been in use cannot change")
    case = CalibrationCase.objects.select_related("attempt").get(pk=case.pk)
    before = case.agreed_marks
    after = _agreed_marks_from(case.attempt, marks)
    if after == before:
        return case
    case.agreed_marks = after
    case.save(update_fields=["agreed_marks"])
    audit_event_record(
        actor=actor,
        subject=case,
        action=AssessmentAction.CALIBRATION_CASE_AGREED_MARKS_CHANGED,
        detail={
            "set": locked.pk,
            "from": before,
            "to": after,
            # why these are the agreed marks: kept with the change, as the evidence of marks is
            "rationale": {str(a): e.evidence_note.strip() for a, e in marks.items()},
        },
    )
    return case


@transaction.atomic
def calibration_set_activate(*, calibration_set: CalibrationSet, actor) -> CalibrationSet:
    """From now on assessors must pass this set (or be given an override) to be allocated
    live marking for its framework. The framework's earlier active set is retired."""
    _require_manager(actor)
    locked = _lock_set(calibration_set)
    if locked.active:
        raise AssessmentError("This set is already active")
    if not locked.cases.exists():
        raise AssessmentError("Add at least one case with agreed marks before activating the set")
    earlier = (
        CalibrationSet.objects.select_for_update()
        .filter(framework_id=locked.framework_id, active=True)
        .first()
    )
    if earlier is not None:
        earlier.active = False
        earlier.save(update_fields=["active"])
        audit_event_record(
            actor=actor,
            subject=earlier,
            action=AssessmentAction.CALIBRATION_SET_RETIRED,
            from_state="active",
            to_state="retired",
            detail={"replaced_by": locked.pk},
        )
    locked.active = True
    locked.activated_at = timezone.now()
    locked.save(update_fields=["active", "activated_at"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action=AssessmentAction.CALIBRATION_SET_ACTIVATED,
        from_state="draft",
        to_state="active",
        detail={"cases": locked.cases.count()},
    )
    return locked


def _marking_refusal(case: CalibrationCase, actor) -> str:
    if not case.calibration_set.active:
        return "This calibration set is no longer in use"
    if case.attempt.allocations.filter(assessor=actor).exists():
        return "You took part in marking this attempt, so it cannot be your calibration case"
    if case.markings.filter(assessor=actor).exists():
        return "You have already submitted your marks for this case"
    return ""


@transaction.atomic
def calibration_marking_submit(
    *, case: CalibrationCase, marks: dict[int, MarkEntry], actor
) -> CalibrationMarking:
    """An assessor's blind marks for a case, once. Their agreement with the agreed marks so
    far (marker_agreement) is recorded with the audit event."""
    if not policies.can_mark_calibration(actor):
        raise PermissionDenied("Only assessors and moderators mark calibration cases")
    locked_set = _lock_set(case.calibration_set)
    case = CalibrationCase.objects.select_related("attempt").get(pk=case.pk)
    case.calibration_set = locked_set
    problem = _marking_refusal(case, actor)
    if problem:
        raise AssessmentError(problem)
    problems = mark_entry_problems(case.attempt, marks)
    if set(map(str, marks)) != set(case.agreed_marks):
        problems.append("Enter marks for every KSS area of this case, and no others")
    if problems:
        raise AssessmentError(*problems)
    try:
        with transaction.atomic():
            marking = CalibrationMarking.objects.create(
                case=case,
                assessor=actor,
                marks={str(a): list(e.task_marks()) for a, e in marks.items()},
                evidence={str(a): _evidence_of(e) for a, e in marks.items()},
                submitted_at=timezone.now(),
            )
    except IntegrityError:
        raise AssessmentError("You have already submitted your marks for this case") from None
    _audit_marking(marking, actor)
    return marking


def _evidence_of(entry: MarkEntry) -> dict:
    """What the assessor wrote for an area, and their overall judgement where asked for."""
    return {
        "note": entry.evidence_note.strip(),
        "global_judgement": getattr(entry, "global_judgement", None),
    }


def _audit_marking(marking: CalibrationMarking, actor) -> None:
    case_agreement = agreement_of([marking])
    standing = assessor_standing(marking.case.calibration_set, actor)
    audit_event_record(
        actor=actor,
        subject=marking,
        action=AssessmentAction.CALIBRATION_MARKING_SUBMITTED,
        detail={
            "set": marking.case.calibration_set_id,
            "case": marking.case_id,
            "marks": marking.marks,
            "case_exact": case_agreement.exact,
            "case_adjacent": case_agreement.adjacent,
            "standing": standing.standing.value,
            "exact": standing.agreement.exact if standing.agreement else None,
            "adjacent": standing.agreement.adjacent if standing.agreement else None,
            "weighted_kappa": standing.agreement.weighted_kappa if standing.agreement else None,
            "meets_bar": meets_bar(standing.agreement),
        },
    )


@transaction.atomic
def calibration_override_grant(
    *, calibration_set: CalibrationSet, assessor, reason: str, actor
) -> CalibrationOverride:
    """Let an assessor who has not passed the active set be allocated live marking."""
    _require_manager(actor)
    locked = _lock_set(calibration_set)
    reason = reason.strip()
    if not reason:
        raise AssessmentError("Enter the reason for the override")
    if not locked.active:
        raise AssessmentError("This calibration set is no longer in use")
    if not policies.is_assessor(assessor):
        raise AssessmentError("Only assessors and moderators can be given an override")
    standing = assessor_standing(locked, assessor)
    if standing.standing.may_mark_live:
        raise AssessmentError(
            f"{assessor.full_name or 'This person'} may already mark live "
            f"({standing.standing.label.lower()})"
        )
    override = CalibrationOverride.objects.create(
        calibration_set=locked, assessor=assessor, reason=reason, granted_by=actor
    )
    audit_event_record(
        actor=actor,
        subject=override,
        action=AssessmentAction.CALIBRATION_OVERRIDE_GRANTED,
        reason=reason,
        detail={
            "set": locked.pk,
            "assessor": assessor.pk,
            "standing": standing.standing.value,
            "exact": standing.agreement.exact if standing.agreement else None,
            "adjacent": standing.agreement.adjacent if standing.agreement else None,
        },
    )
    return override
