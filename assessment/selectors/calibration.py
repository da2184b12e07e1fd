"""Reads for assessor calibration: the sets, each assessor's cases and standing against the
pass bar, and the one question allocation asks (has this person calibrated?).

Agreement is the same statistic as double marking (assessment.psychometrics.agreement), with
the assessor's marks as the first marker and the set's agreed marks as the second, pooled over
every task of every area of every case the assessor marked."""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Count, Prefetch

from naas.models import KSSArea, Role, User

from ..models import (
    Allocation,
    Attempt,
    AttemptState,
    CalibrationCase,
    CalibrationMarking,
    CalibrationOverride,
    CalibrationSet,
)
from ..psychometrics._common import Status
from ..psychometrics.agreement import Agreement, marker_agreement

# The pass bar. Adjacent agreement (within one point) is the tolerance live double marking
# already accepts without moderation, so a calibrated assessor should be within it on nearly
# every task (90%); exact agreement on a 4-point scale is harder, and 60% is the level
# commonly asked of trained markers of performance tasks. Kappa is shown but not part of the
# bar: it is undefined when a set's agreed marks use a single mark, which a set may well do.
DEFAULT_MIN_EXACT = 0.6
DEFAULT_MIN_ADJACENT = 0.9

# Attempts whose marks are agreed: moderated (first and any second marks reconciled) or
# published. A scored attempt still waiting for second marking has no agreed marks yet.
CASE_STATES = (AttemptState.MODERATED, AttemptState.OUTCOME_PUBLISHED)


def pass_bar() -> tuple[float, float]:
    """(minimum exact agreement, minimum adjacent agreement)."""
    return (
        getattr(settings, "NAAS_CALIBRATION_MIN_EXACT", DEFAULT_MIN_EXACT),
        getattr(settings, "NAAS_CALIBRATION_MIN_ADJACENT", DEFAULT_MIN_ADJACENT),
    )


class Standing(StrEnum):
    PASSED = "passed"
    OVERRIDDEN = "overridden"
    NOT_YET = "not_yet"
    BELOW_BAR = "below_bar"

    @property
    def label(self) -> str:
        return {
            "passed": "Passed",
            "overridden": "Override given",
            "not_yet": "Not yet calibrated",
            "below_bar": "Below the bar",
        }[self.value]

    @property
    def may_mark_live(self) -> bool:
        return self in (Standing.PASSED, Standing.OVERRIDDEN)


@dataclass(frozen=True)
class AssessorStanding:
    assessor: User
    calibration_set: CalibrationSet
    standing: Standing
    cases_marked: int
    cases_required: int
    agreement: Agreement | None
    override: CalibrationOverride | None
    reason: str = ""


def paired_marks(markings) -> tuple[list[int], list[int]]:
    """(the assessor's marks, the agreed marks), task by task, for markings of cases."""
    own, agreed = [], []
    for marking in markings:
        for area_key, agreed_tasks in sorted(marking.case.agreed_marks.items()):
            own += marking.marks[area_key]
            agreed += agreed_tasks
    return own, agreed


def agreement_of(markings) -> Agreement | None:
    """marker_agreement of the assessor's marks with the agreed marks (None with no marks)."""
    own, agreed = paired_marks(markings)
    return marker_agreement(own, agreed) if own else None


def meets_bar(agreement: Agreement | None) -> bool:
    if agreement is None or agreement.status != Status.OK:
        return False
    min_exact, min_adjacent = pass_bar()
    return agreement.exact >= min_exact and agreement.adjacent >= min_adjacent


def standing_of(
    assessor, calibration_set, *, required_case_ids, markings, override
) -> AssessorStanding:
    """An assessor's standing from the cases they must mark and the markings they made."""
    done = [m for m in markings if m.case_id in required_case_ids]
    agreement = agreement_of(done)
    if meets_bar(agreement) and len(done) == len(required_case_ids):
        standing, reason = Standing.PASSED, ""
    elif override is not None:
        standing, reason = Standing.OVERRIDDEN, override.reason
    elif not required_case_ids:
        standing, reason = Standing.NOT_YET, "No case in the set can be marked by this person"
    elif len(done) < len(required_case_ids):
        standing = Standing.NOT_YET
        reason = f"{len(done)} of {len(required_case_ids)} cases marked"
    elif agreement.status != Status.OK:
        standing, reason = Standing.BELOW_BAR, agreement.reason
    else:
        standing, reason = Standing.BELOW_BAR, "Agreement with the agreed marks is below the bar"
    return AssessorStanding(
        assessor=assessor,
        calibration_set=calibration_set,
        standing=standing,
        cases_marked=len(done),
        cases_required=len(required_case_ids),
        agreement=agreement,
        override=override,
        reason=reason,
    )


def _live_markers_by_attempt(attempt_ids) -> dict[int, set[int]]:
    """Who took part in the live marking of each attempt: they know its agreed marks, so
    that case is never theirs to calibrate on."""
    markers: dict[int, set[int]] = {}
    rows = Allocation.objects.filter(attempt_id__in=attempt_ids).values_list(
        "attempt_id", "assessor_id"
    )
    for attempt_id, assessor_id in rows:
        markers.setdefault(attempt_id, set()).add(assessor_id)
    return markers


def _required_case_ids(cases, live_markers, assessor_id) -> set[int]:
    return {c.pk for c in cases if assessor_id not in live_markers.get(c.attempt_id, set())}


def _markings(calibration_set, assessor_ids=None):
    markings = CalibrationMarking.objects.filter(case__calibration_set=calibration_set)
    if assessor_ids is not None:
        markings = markings.filter(assessor_id__in=assessor_ids)
    return markings.select_related("case")


def active_calibration_set(framework_id) -> CalibrationSet | None:
    return (
        CalibrationSet.objects.filter(framework_id=framework_id, active=True)
        .select_related("framework")
        .first()
    )


def assessor_standing(calibration_set, assessor) -> AssessorStanding:
    cases = list(calibration_set.cases.all())
    live = _live_markers_by_attempt([c.attempt_id for c in cases])
    return standing_of(
        assessor,
        calibration_set,
        required_case_ids=_required_case_ids(cases, live, assessor.pk),
        markings=list(_markings(calibration_set, [assessor.pk])),
        override=CalibrationOverride.objects.filter(
            calibration_set=calibration_set, assessor=assessor
        ).first(),
    )


def calibration_problem(*, attempt: Attempt, assessor) -> str:
    """Why `assessor` may not mark the attempt live for want of calibration ("" when they may,
    and always "" when no calibration set is active for the attempt's framework)."""
    calibration_set = active_calibration_set(attempt.framework_id)
    if calibration_set is None:
        return ""
    standing = assessor_standing(calibration_set, assessor)
    if standing.standing.may_mark_live:
        return ""
    name = assessor.full_name or "This person"
    return (
        f"{name} has not passed calibration for {calibration_set.framework} "
        f"({calibration_set.name}): {standing.reason.lower()}"
    )


def assessors_and_moderators():
    return (
        User.objects.filter(staff_roles__role__in=[Role.ASSESSOR, Role.MODERATOR])
        .distinct()
        .order_by("full_name", "pk")
    )


def assessor_standings(calibration_set) -> list[AssessorStanding]:
    """Every assessor's and moderator's standing against the set, in five queries."""
    cases = list(calibration_set.cases.all())
    live = _live_markers_by_attempt([c.attempt_id for c in cases])
    markings: dict[int, list] = {}
    for marking in _markings(calibration_set):
        markings.setdefault(marking.assessor_id, []).append(marking)
    overrides = {o.assessor_id: o for o in calibration_set.overrides.select_related("granted_by")}
    return [
        standing_of(
            person,
            calibration_set,
            required_case_ids=_required_case_ids(cases, live, person.pk),
            markings=markings.get(person.pk, []),
            override=overrides.get(person.pk),
        )
        for person in assessors_and_moderators()
    ]


def calibration_sets():
    return CalibrationSet.objects.select_related("framework").annotate(case_count=Count("cases"))


def calibration_set_detail(pk: int) -> CalibrationSet:
    """A set with its cases and their attempts' candidates (the administrator's page only)."""
    return (
        CalibrationSet.objects.select_related("framework", "created_by")
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=CalibrationCase.objects.select_related(
                    "attempt__worker__user", "attempt__sitting"
                ),
            )
        )
        .get(pk=pk)
    )


def attempts_for_cases(calibration_set, limit: int = 200):
    """Attempts that could join the set: the set's framework, marks agreed, not yet in it."""
    return (
        Attempt.objects.filter(framework=calibration_set.framework, state__in=CASE_STATES)
        .exclude(pk__in=calibration_set.cases.values("attempt_id"))
        .select_related("worker__user", "sitting")
        .order_by("-sitting__date", "-pk")[:limit]
    )


@dataclass(frozen=True)
class CaseForAssessor:
    case: CalibrationCase
    number: int
    marking: CalibrationMarking | None


def calibration_cases_for(assessor) -> list[tuple[AssessorStanding, list[CaseForAssessor]]]:
    """Each active set with the assessor's standing and the cases they are to mark, numbered
    within the set (never named: calibration is blind)."""
    result = []
    for calibration_set in CalibrationSet.objects.filter(active=True).select_related("framework"):
        cases = list(calibration_set.cases.all())
        live = _live_markers_by_attempt([c.attempt_id for c in cases])
        required = _required_case_ids(cases, live, assessor.pk)
        markings = list(_markings(calibration_set, [assessor.pk]))
        override = calibration_set.overrides.filter(assessor=assessor).first()
        standing = standing_of(
            assessor,
            calibration_set,
            required_case_ids=required,
            markings=markings,
            override=override,
        )
        by_case = {m.case_id: m for m in markings}
        rows = [
            CaseForAssessor(case, n, by_case.get(case.pk))
            for n, case in enumerate((c for c in cases if c.pk in required), start=1)
        ]
        result.append((standing, rows))
    return result


def case_areas(case: CalibrationCase) -> list[KSSArea]:
    """The areas the case's agreed marks cover, in KSS order."""
    return list(
        KSSArea.objects.filter(pk__in=[int(k) for k in case.agreed_marks]).order_by("number")
    )


def case_for_marking(case_id: int) -> CalibrationCase:
    """The case with only what blind marking may show: its set and framework."""
    return CalibrationCase.objects.select_related("calibration_set__framework").get(pk=case_id)


def marking_detail(marking_id: int) -> CalibrationMarking:
    return CalibrationMarking.objects.select_related(
        "case__calibration_set__framework", "assessor"
    ).get(pk=marking_id)
