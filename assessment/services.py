"""Every write for assessment days and the knowledge test. Each one locks what it changes,
checks the rules, makes the transition, saves and writes its audit event in one transaction."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from endorsement.models import Endorsement
from endorsement.services import EndorsementError, endorsement_record_use, endorsement_release_use
from naas.dates import govuk_date
from naas.models import AuditEvent, KSSArea, KSSFramework, Role
from naas.policies import roles_of
from naas.services import audit_event_record

from . import policies, rules, signals
from .blueprint import blueprint_problems
from .models import (
    FORMAT_SHAPE,
    MARK_MAX,
    MARK_MIN,
    OPTION_LETTERS,
    SEAT_TAKING_STATES,
    AdjustmentDecision,
    AdjustmentKind,
    AdjustmentRequest,
    Allocation,
    AreaMark,
    AreaOutcome,
    AssessmentCentre,
    Attempt,
    AttemptArea,
    AttemptState,
    FormSection,
    Item,
    MarkerRole,
    Outcome,
    OutcomeResult,
    OutcomeRuleSet,
    PracticeTask,
    ResultsImport,
    ReviewRequest,
    ReviewState,
    Scenario,
    Sitting,
    TestAreaScore,
    TestForm,
    TestFormItem,
    TestResponse,
    TestResult,
)
from .outcome_rules import (
    AreaEvidence,
    RuleParameters,
    area_result,
    merge_retake,
    observation_mean,
    overall_result,
)
from .results_csv import ResultsCheck, ResultsRecord, check_results
from .scoring import TestScorer, to_decimal

BULK_BATCH = 5_000


class AssessmentError(Exception):
    """A request the assessment rules refuse. Each message is shown to the user."""

    def __init__(self, *messages: str):
        self.messages = list(messages)
        super().__init__("; ".join(messages))


def _bulk_insert(model, objects, *, keep: bool = False) -> list:
    """Insert any number of rows a batch at a time, holding only one batch in memory unless
    `keep` asks for the saved objects back (with their ids)."""
    batch, created = [], []
    for obj in objects:
        batch.append(obj)
        if len(batch) == BULK_BATCH:
            saved = model.objects.bulk_create(batch)
            if keep:
                created += saved
            batch = []
    if batch:
        saved = model.objects.bulk_create(batch)
        if keep:
            created += saved
    return created


def _require_administrator(actor) -> None:
    if not policies.is_assessment_administrator(actor):
        raise PermissionDenied("Only assessment administrators can do this")


# --- Centres and sittings -------------------------------------------------------------------


@transaction.atomic
def centre_create(*, actor, name: str, address: str, region: str) -> AssessmentCentre:
    """Add an assessment centre."""
    _require_administrator(actor)
    if AssessmentCentre.objects.filter(name__iexact=name).exists():
        raise AssessmentError(f"There is already a centre called {name}")
    centre = AssessmentCentre.objects.create(name=name, address=address, region=region)
    audit_event_record(actor=actor, subject=centre, action="centre.created")
    return centre


@transaction.atomic
def sitting_create(
    *, actor, centre: AssessmentCentre, on: date, slot: int, capacity: int
) -> Sitting:
    """Plan a sitting at a centre on a future day, in one of the day's start slots."""
    _require_administrator(actor)
    problems = []
    if on <= timezone.localdate():
        problems.append("The date of the sitting must be in the future")
    if not centre.is_active:
        problems.append(f"{centre.name} is no longer used as a centre")
    if capacity < 1:
        problems.append("The number of places must be 1 or more")
    if Sitting.objects.filter(centre=centre, date=on, slot=slot).exists():
        problems.append(f"{centre.name} already has a sitting in that slot on that day")
    if problems:
        raise AssessmentError(*problems)
    sitting = Sitting.objects.create(centre=centre, date=on, slot=slot, capacity=capacity)
    audit_event_record(
        actor=actor,
        subject=sitting,
        action="sitting.created",
        detail={"date": on.isoformat(), "slot": slot, "capacity": capacity},
    )
    return sitting


def _lock_sitting_with_a_place(sitting: Sitting) -> Sitting:
    """Lock the sitting row (so bookings for it queue up), then check it is open and has a
    place. Every booking and rebooking goes through here, which is what keeps capacity."""
    locked = Sitting.objects.select_for_update().select_related("centre").get(pk=sitting.pk)
    if locked.date <= timezone.localdate():
        raise AssessmentError("Bookings for that sitting have closed; choose a later sitting")
    taken = Attempt.objects.filter(sitting=locked, state__in=SEAT_TAKING_STATES).count()
    if taken >= locked.capacity:
        raise AssessmentError("That sitting is full; choose another sitting")
    return locked


# --- Bookings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdjustmentAsk:
    kind: str
    detail: str = ""


@transaction.atomic
def attempt_book(
    *,
    endorsement: Endorsement,
    sitting: Sitting,
    actor,
    adjustments: list[AdjustmentAsk] = (),
    adjustment_notes: str = "",
) -> Attempt:
    """Book an endorsed worker on a sitting, using their endorsement, with any reasonable
    adjustments they ask for."""
    if not policies.can_book_for(actor, endorsement.worker):
        raise PermissionDenied("You cannot book an assessment for this social worker")
    problems = _adjustment_problems(adjustments)
    if problems:
        raise AssessmentError(*problems)
    locked_sitting = _lock_sitting_with_a_place(sitting)
    try:
        used = endorsement_record_use(endorsement=endorsement, actor=actor)
    except EndorsementError as exc:
        raise AssessmentError(str(exc)) from exc
    framework = KSSFramework.objects.get(level=used.level, is_current=True)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                worker_id=used.worker_id,
                level=used.level,
                framework=framework,
                endorsement=used,
                sitting=locked_sitting,
                booked_by=actor,
                adjustment_notes=adjustment_notes,
            )
    except IntegrityError as exc:
        raise AssessmentError("This endorsement already has a booking") from exc
    AttemptArea.objects.bulk_create(
        AttemptArea(attempt=attempt, area=area) for area in framework.areas.all()
    )
    audit_event_record(
        actor=actor,
        subject=attempt,
        action="attempt.booked",
        to_state=AttemptState.BOOKED,
        detail={"sitting": locked_sitting.pk, "endorsement": used.pk},
    )
    for ask in adjustments:
        request = AdjustmentRequest.objects.create(
            attempt=attempt, kind=ask.kind, detail=ask.detail, requested_by=actor
        )
        audit_event_record(
            actor=actor,
            subject=request,
            action="adjustment.requested",
            to_state=AdjustmentDecision.PENDING,
            detail={"attempt": attempt.pk, "kind": ask.kind},
        )
    return attempt


def _adjustment_problems(adjustments) -> list[str]:
    problems = []
    kinds = [ask.kind for ask in adjustments]
    if len(set(kinds)) != len(kinds):
        problems.append("Ask for each kind of adjustment only once")
    for ask in adjustments:
        if ask.kind not in AdjustmentKind.values:
            problems.append("Choose adjustments from the list")
        elif ask.kind == AdjustmentKind.OTHER and not ask.detail.strip():
            problems.append("Describe the other adjustment you need")
    return problems


def _lock_attempt(attempt: Attempt) -> Attempt:
    return (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("sitting", "endorsement", "worker")
        .get(pk=attempt.pk)
    )


def _not_booked(attempt: Attempt) -> AssessmentError:
    """Why a booking that has moved on can no longer be changed."""
    messages = {
        AttemptState.CANCELLED: "This booking has been cancelled",
        AttemptState.NO_SHOW: "The candidate did not attend, so the booking cannot change",
    }
    return AssessmentError(
        messages.get(attempt.state, "The assessment has taken place, so the booking cannot change")
    )


def _save_transition(attempt: Attempt, fields: list[str]) -> None:
    try:
        attempt.save(update_fields=["state", "updated_at", *fields])
    except ConcurrentTransition as exc:
        raise AssessmentError(
            "Someone else changed this booking at the same time; reload the page and try again"
        ) from exc


@transaction.atomic
def attempt_rebook(*, attempt: Attempt, sitting: Sitting, actor) -> Attempt:
    """Move a booking to another sitting before the day."""
    locked = _lock_attempt(attempt)
    if not policies.can_change_booking(actor, locked):
        raise PermissionDenied("You cannot change this booking")
    if locked.state != AttemptState.BOOKED:
        raise _not_booked(locked)
    if locked.sitting.date <= timezone.localdate():
        raise AssessmentError("A booking cannot be changed on or after the day of its sitting")
    if locked.sitting_id == sitting.pk:
        raise AssessmentError("The candidate is already booked on that sitting")
    new_sitting = _lock_sitting_with_a_place(sitting)
    old_sitting_id = locked.sitting_id
    locked.rebook()
    locked.sitting = new_sitting
    _save_transition(locked, ["sitting"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action="attempt.rebooked",
        from_state=AttemptState.BOOKED,
        to_state=AttemptState.BOOKED,
        detail={"from_sitting": old_sitting_id, "to_sitting": new_sitting.pk},
    )
    return locked


@transaction.atomic
def attempt_cancel(*, attempt: Attempt, actor, reason: str = "") -> Attempt:
    """Cancel a booking; the endorsement is freed so the worker can book again. Candidates
    and LA leads cancel before the day; an administrator may also cancel on the day."""
    locked = _lock_attempt(attempt)
    if not policies.can_change_booking(actor, locked):
        raise PermissionDenied("You cannot cancel this booking")
    if locked.state != AttemptState.BOOKED:
        raise _not_booked(locked)
    today = timezone.localdate()
    is_admin = policies.is_assessment_administrator(actor)
    if locked.sitting.date <= today and not is_admin:
        raise AssessmentError(
            "A booking cannot be cancelled on or after the day of its sitting; contact the "
            "assessment administrator"
        )
    if locked.sitting.date < today:
        raise AssessmentError("The sitting has taken place: record attendance instead")
    locked.cancel()
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason
    _save_transition(locked, ["cancelled_at", "cancel_reason"])
    if locked.endorsement_id:
        endorsement_release_use(endorsement=locked.endorsement, actor=actor)
    audit_event_record(
        actor=actor,
        subject=locked,
        action="attempt.cancelled",
        from_state=AttemptState.BOOKED,
        to_state=AttemptState.CANCELLED,
        reason=reason,
    )
    return locked


@transaction.atomic
def attempt_record_attendance(*, attempt: Attempt, attended: bool, actor) -> Attempt:
    """On or after the day, record that the candidate sat the assessment or did not come."""
    _require_administrator(actor)
    locked = _lock_attempt(attempt)
    if locked.state != AttemptState.BOOKED:
        raise AssessmentError(
            f"{locked.worker.registration_number} is already recorded as "
            f"{locked.get_state_display().lower()}"
        )
    if locked.sitting.date > timezone.localdate():
        raise AssessmentError("Attendance can be recorded only on or after the day of the sitting")
    if attended:
        locked.sit()
        locked.sat_at = timezone.now()
        _save_transition(locked, ["sat_at"])
        action, target = "attempt.sat", AttemptState.SAT
    else:
        locked.record_no_show()
        locked.no_show_at = timezone.now()
        _save_transition(locked, ["no_show_at"])
        action, target = "attempt.no_show", AttemptState.NO_SHOW
    audit_event_record(
        actor=actor, subject=locked, action=action, from_state=AttemptState.BOOKED, to_state=target
    )
    return locked


@transaction.atomic
def sitting_record_attendance(*, sitting: Sitting, attendance: dict[int, bool], actor) -> int:
    """Record attendance for several of a sitting's candidates at once (attempt id -> attended).
    All or nothing: one refusal leaves every candidate as they were."""
    _require_administrator(actor)
    attempts = {a.pk: a for a in Attempt.objects.filter(sitting=sitting, pk__in=attendance)}
    if attempts.keys() != set(attendance):
        raise AssessmentError("Some candidates are not booked on this sitting")
    for attempt_id, attended in attendance.items():
        attempt_record_attendance(attempt=attempts[attempt_id], attended=attended, actor=actor)
    return len(attendance)


# --- Reasonable adjustments -------------------------------------------------------------------


@transaction.atomic
def adjustment_decide(
    *, adjustment: AdjustmentRequest, approve: bool, reason: str, actor
) -> AdjustmentRequest:
    """An administrator approves or declines an adjustment request, with a reason, before the
    day of the sitting."""
    _require_administrator(actor)
    locked = (
        AdjustmentRequest.objects.select_for_update(of=("self",))
        .select_related("attempt__sitting")
        .get(pk=adjustment.pk)
    )
    if locked.decision != AdjustmentDecision.PENDING:
        raise AssessmentError(
            f"This request was already {locked.get_decision_display().lower()}"
            + (f" on {govuk_date(locked.decided_at)}" if locked.decided_at else "")
        )
    if locked.attempt.state != AttemptState.BOOKED:
        raise AssessmentError(
            f"The booking is {locked.attempt.get_state_display().lower()}, so the request "
            "no longer needs a decision"
        )
    if locked.attempt.sitting.date <= timezone.localdate():
        raise AssessmentError("Adjustments must be decided before the day of the sitting")
    reason = reason.strip()
    if not reason:
        raise AssessmentError("Enter the reason for the decision")
    if approve:
        locked.approve()
    else:
        locked.decline()
    locked.decision_reason = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action=f"adjustment.{locked.decision}",
        from_state=AdjustmentDecision.PENDING,
        to_state=locked.decision,
        reason=reason,
        detail={"attempt": locked.attempt_id, "kind": locked.kind},
    )
    return locked


# --- Item bank and test forms -----------------------------------------------------------------


@transaction.atomic
def scenario_create(*, actor, code: str, title: str, text: str, level: str) -> Scenario:
    _require_administrator(actor)
    code = code.strip().upper()
    if Scenario.objects.filter(code=code).exists():
        raise AssessmentError(f"There is already a scenario with code {code}")
    scenario = Scenario.objects.create(code=code, title=title, text=text, level=level)
    audit_event_record(actor=actor, subject=scenario, action="scenario.created")
    return scenario


def item_problems(
    *, area: KSSArea, scenario: Scenario | None, item_format: str, options: list[str], correct: str
) -> list[str]:
    """Every reason an item's content is not acceptable (empty when it is)."""
    problems = []
    if item_format not in FORMAT_SHAPE:
        return ["Choose the question format"]
    option_count, correct_count = FORMAT_SHAPE[item_format]
    label = "choose 1 of 4" if correct_count == 1 else "choose 3 of 8"
    filled = [text.strip() for text in options]
    if len(filled) != option_count or not all(filled):
        problems.append(f"A “{label}” question needs exactly {option_count} options, all filled in")
    letters = sorted(set(correct))
    allowed = OPTION_LETTERS[:option_count]
    if any(letter not in allowed for letter in letters):
        problems.append(f"Correct options must be among {allowed[0]} to {allowed[-1]}")
    if len(letters) != correct_count or len(correct) != len(letters):
        problems.append(
            f"A “{label}” question needs exactly {correct_count} correct option"
            f"{'s' if correct_count > 1 else ''}; {len(letters)} chosen"
        )
    if scenario is not None and scenario.level != area.framework.level:
        problems.append(
            f"Scenario {scenario.code} is for a different level from KSS area “{area.title}”"
        )
    return problems


@transaction.atomic
def item_create(
    *,
    actor,
    code: str,
    area: KSSArea,
    scenario: Scenario | None,
    item_format: str,
    stem: str,
    options: list[str],
    correct: str,
) -> Item:
    """Add a question to the item bank (version 1)."""
    _require_administrator(actor)
    code = code.strip().upper()
    problems = item_problems(
        area=area, scenario=scenario, item_format=item_format, options=options, correct=correct
    )
    if Item.objects.filter(code=code).exists():
        problems.insert(0, f"There is already a question with code {code}")
    if problems:
        raise AssessmentError(*problems)
    item = Item.objects.create(
        code=code,
        area=area,
        scenario=scenario,
        format=item_format,
        stem=stem,
        options=[text.strip() for text in options],
        correct_options="".join(sorted(correct)),
        created_by=actor,
    )
    audit_event_record(actor=actor, subject=item, action="item.created", detail={"version": 1})
    return item


@transaction.atomic
def item_revise(
    *,
    actor,
    item: Item,
    area: KSSArea,
    scenario: Scenario | None,
    item_format: str,
    stem: str,
    options: list[str],
    correct: str,
) -> Item:
    """Edit a question by making a new active version; the old version stays, inactive, for the
    forms and results that used it."""
    _require_administrator(actor)
    problems = item_problems(
        area=area, scenario=scenario, item_format=item_format, options=options, correct=correct
    )
    if problems:
        raise AssessmentError(*problems)
    versions = Item.objects.select_for_update().filter(code=item.code)
    latest = max(v.version for v in versions)
    versions.filter(is_active=True).update(is_active=False)
    revised = Item.objects.create(
        code=item.code,
        version=latest + 1,
        area=area,
        scenario=scenario,
        format=item_format,
        stem=stem,
        options=[text.strip() for text in options],
        correct_options="".join(sorted(correct)),
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        subject=revised,
        action="item.revised",
        detail={"from_version": item.version, "version": revised.version},
    )
    return revised


@transaction.atomic
def item_set_active(*, actor, item: Item, active: bool) -> Item:
    """Take a question out of use, or bring one version back (retiring any other version)."""
    _require_administrator(actor)
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if locked.is_active == active:
        return locked
    if active:
        Item.objects.filter(code=locked.code, is_active=True).update(is_active=False)
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    audit_event_record(
        actor=actor, subject=locked, action="item.activated" if active else "item.deactivated"
    )
    return locked


@transaction.atomic
def test_form_create(
    *,
    actor,
    code: str,
    title: str,
    level: str,
    scenario: Scenario | None,
    general_codes: list[str],
    applied_codes: list[str],
    three_of_eight_scoring: str,
) -> TestForm:
    """Assemble a 30-question test form from active items; refused with every reason if it
    does not follow the blueprint."""
    _require_administrator(actor)
    code = code.strip().upper()
    wanted = {c.strip().upper() for c in [*general_codes, *applied_codes]}
    active = {
        item.code: item
        for item in Item.objects.filter(code__in=wanted, is_active=True).select_related(
            "area__framework", "scenario"
        )
    }
    problems = []
    if TestForm.objects.filter(code=code).exists():
        problems.append(f"There is already a test form with code {code}")
    unknown = sorted(wanted - active.keys())
    if unknown:
        problems.append("There is no active question with code " + ", ".join(unknown))
    general = [active[c.strip().upper()] for c in general_codes if c.strip().upper() in active]
    applied = [active[c.strip().upper()] for c in applied_codes if c.strip().upper() in active]
    problems += blueprint_problems(level=level, scenario=scenario, general=general, applied=applied)
    if problems:
        raise AssessmentError(*problems)
    form = TestForm.objects.create(
        code=code,
        title=title,
        level=level,
        framework=KSSFramework.objects.get(level=level, is_current=True),
        scenario=scenario,
        three_of_eight_scoring=three_of_eight_scoring,
        created_by=actor,
    )
    TestFormItem.objects.bulk_create(
        TestFormItem(form=form, item=item, section=section, position=position)
        for position, (section, item) in enumerate(
            [(FormSection.GENERAL, i) for i in general]
            + [(FormSection.APPLIED, i) for i in applied],
            start=1,
        )
    )
    audit_event_record(
        actor=actor,
        subject=form,
        action="test_form.created",
        detail={"items": [i.pk for i in [*general, *applied]]},
    )
    return form


@transaction.atomic
def test_form_set_active(*, actor, form: TestForm, active: bool) -> TestForm:
    _require_administrator(actor)
    locked = TestForm.objects.select_for_update().get(pk=form.pk)
    if locked.is_active != active:
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_event_record(
            actor=actor,
            subject=locked,
            action="test_form.activated" if active else "test_form.deactivated",
        )
    return locked


# --- Results import ---------------------------------------------------------------------------


@dataclass
class ResultsImportOutcome:
    errors: list[tuple[int, str]] = field(default_factory=list)
    recorded: int = 0
    unchanged: int = 0
    marked_sat: int = 0
    results_import: ResultsImport | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


@transaction.atomic
def test_results_import(
    *,
    sitting: Sitting,
    records: list[ResultsRecord],
    actor,
    file_name: str = "",
    file_sha256: str = "",
) -> ResultsImportOutcome:
    """Check the whole results file, then score and store every new candidate's test. Any bad
    row → nothing is saved and every bad row is listed. Candidates whose identical results are
    already stored are left alone, so importing the same file again changes nothing. A booked
    candidate with results is recorded as having sat the assessment."""
    _require_administrator(actor)
    locked = Sitting.objects.select_for_update().get(pk=sitting.pk)
    if locked.date > timezone.localdate():
        return ResultsImportOutcome(
            errors=[(0, "Results can be imported only on or after the day of the sitting")]
        )
    check = check_results(records, locked)
    outcome = ResultsImportOutcome(errors=check.errors, unchanged=len(check.unchanged))
    if not check.is_valid or not check.new:
        return outcome
    now = timezone.now()
    results_import = ResultsImport.objects.create(
        sitting=locked,
        uploaded_by=actor,
        file_name=file_name[:255],
        file_sha256=file_sha256 or _records_digest(records),
        row_count=len(records),
        candidates_recorded=len(check.new),
        candidates_unchanged=len(check.unchanged),
    )
    outcome.marked_sat = _mark_sat(check, actor, now)
    _store_results(check, results_import, actor, now)
    audit_event_record(
        actor=actor,
        subject=results_import,
        action="results_import.completed",
        detail={
            "sitting": locked.pk,
            "rows": len(records),
            "recorded": len(check.new),
            "unchanged": len(check.unchanged),
        },
    )
    outcome.recorded = len(check.new)
    outcome.results_import = results_import
    return outcome


def _records_digest(records: list[ResultsRecord]) -> str:
    digest = hashlib.sha256()
    for r in records:
        digest.update(f"{r.registration_number},{r.test_form},{r.item},{r.options}\n".encode())
    return digest.hexdigest()


def _mark_sat(check: ResultsCheck, actor, now) -> int:
    """Booked candidates who have results sat the test: move them to `sat` in bulk, each with
    its audit event. The state filter refuses the whole import if attendance changed meanwhile."""
    booked_ids = [c.attempt_id for c in check.new if c.attempt_state == AttemptState.BOOKED]
    probe = Attempt(state=AttemptState.BOOKED)
    probe.sit()  # the same transition the single-attempt service uses; raises if not allowed
    updated = 0
    for start in range(0, len(booked_ids), BULK_BATCH):
        chunk = booked_ids[start : start + BULK_BATCH]
        updated += Attempt.objects.filter(pk__in=chunk, state=AttemptState.BOOKED).update(
            state=AttemptState.SAT, sat_at=now, updated_at=now
        )
    if updated != len(booked_ids):
        raise AssessmentError(
            "Attendance for this sitting changed while the results were being imported; "
            "upload the file again"
        )
    _bulk_audit(
        actor,
        Attempt,
        booked_ids,
        action="attempt.sat",
        from_state=AttemptState.BOOKED,
        to_state=AttemptState.SAT,
        reason="Test results received from the test platform",
    )
    return updated


def _store_results(check: ResultsCheck, results_import: ResultsImport, actor, now) -> None:
    scorer = TestScorer()
    scored = [
        scorer.score(
            items=check.form_items[candidate.form.pk],
            answers=candidate.answers,
            three_of_eight=candidate.form.three_of_eight_scoring,
        )
        for candidate in check.new
    ]
    results = _bulk_insert(
        TestResult,
        [
            TestResult(
                attempt_id=candidate.attempt_id,
                test_form_id=candidate.form.pk,
                results_import_id=results_import.pk,
                raw_score=to_decimal(test.raw_score),
                max_score=test.max_score,
                answers_digest=candidate.digest,
            )
            for candidate, test in zip(check.new, scored, strict=True)
        ],
        keep=True,
    )
    _insert_rows(
        TestResponse,
        ["result_id", "item_id", "chosen", "marks"],
        (
            (result.pk, item_id, candidate.answers[item_id], scorer.item_decimal(marks))
            for candidate, test, result in zip(check.new, scored, results, strict=True)
            for item_id, marks in test.item_marks.items()
        ),
    )
    _insert_rows(
        TestAreaScore,
        ["result_id", "area_id", "marks", "max_marks", "percent", "item_count"],
        (
            (
                result.pk,
                area_id,
                to_decimal(total.marks),
                total.max_marks,
                total.percent,
                total.item_count,
            )
            for test, result in zip(scored, results, strict=True)
            for area_id, total in test.areas.items()
        ),
    )
    _bulk_audit(
        actor,
        Attempt,
        [c.attempt_id for c in check.new],
        action="attempt.test_results_recorded",
        detail_for={
            c.attempt_id: {"results_import": results_import.pk, "raw_score": str(r.raw_score)}
            for c, r in zip(check.new, results, strict=True)
        },
    )


def _insert_rows(model, attnames: list[str], rows, chunk: int = 50_000) -> None:
    """Insert plain rows (tuples in `attnames` order) as fast as the database allows. On
    PostgreSQL each chunk is one INSERT ... SELECT FROM unnest(arrays); elsewhere rows become
    model instances inserted with bulk_create."""
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in attnames]
    if connection.vendor != "postgresql":
        _bulk_insert(model, (model(**dict(zip(attnames, row, strict=True))) for row in rows))
        return
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    # Table, columns and types come from the model, never from input; values are parameters.
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})"  # noqa: S608
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == chunk:
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
                batch = []
        if batch:
            cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])


def _bulk_audit(
    actor, model, ids, *, action, from_state="", to_state="", reason="", detail_for=None
) -> None:
    content_type = ContentType.objects.get_for_model(model)
    _bulk_insert(
        AuditEvent,
        (
            AuditEvent(
                actor=actor,
                content_type=content_type,
                object_id=str(pk),
                action=action,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                detail=(detail_for or {}).get(pk, {}),
            )
            for pk in ids
        ),
    )


# --- Simulated practice: allocation and marking ----------------------------------------------

CHANGED_MESSAGE = "This has changed since you opened it. Reload the page and try again."
BORDERLINE_MARGIN = Fraction(1, 4)


@dataclass(frozen=True)
class MarkEntry:
    """One marker's marks for one KSS area: each task 1–4, and the evidence for them."""

    role_play_1: int | None
    role_play_2: int | None
    reflective: int | None
    written: int | None
    evidence_note: str = ""

    def task_marks(self) -> list[int | None]:
        return [getattr(self, name) for name in AreaMark.TASK_FIELDS]


def _setting(name: str, default):
    return getattr(settings, name, default)


def _save_attempt(attempt: Attempt, fields: list[str] = ()) -> None:
    try:
        attempt.save(update_fields=["state", "updated_at", *fields])
    except ConcurrentTransition as exc:
        raise AssessmentError(CHANGED_MESSAGE) from exc


def _transition(
    attempt: Attempt, method: str, *, actor, action: str, reason: str = "", fields=()
) -> None:
    """Run an attempt transition, save it and write its audit event."""
    before = attempt.state
    try:
        getattr(attempt, method)()
    except TransitionNotAllowed as exc:
        raise AssessmentError(CHANGED_MESSAGE) from exc
    _save_attempt(attempt, list(fields))
    audit_event_record(
        actor=actor,
        subject=attempt,
        action=action,
        from_state=before,
        to_state=attempt.state,
        reason=reason,
    )


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


@transaction.atomic
def allocation_create(*, attempt: Attempt, assessor, role: str, actor) -> Allocation:
    """An administrator gives an assessor a part in marking an attempt: never someone linked
    to the candidate's LA, and never the same person twice on one attempt."""
    _require_administrator(actor)
    locked = _lock_attempt(attempt)
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
        action="allocation.created",
        detail={"attempt": locked.pk, "role": role, "assessor": assessor.pk},
    )
    return allocation


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
    return problems


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
                **values,
            )
            audit_event_record(
                actor=actor,
                subject=mark,
                action="mark.recorded",
                detail={"attempt": allocation.attempt_id, "role": allocation.role, **values},
            )
            continue
        before = dict(zip(AreaMark.TASK_FIELDS, mark.task_marks(), strict=True))
        if before == values and mark.evidence_note == entry.evidence_note.strip():
            continue
        for name, value in values.items():
            setattr(mark, name, value)
        mark.evidence_note = entry.evidence_note.strip()
        mark.save()
        audit_event_record(
            actor=actor,
            subject=mark,
            action="mark.changed",
            detail={"attempt": allocation.attempt_id, "from": before, "to": values},
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
                action="final_mark.changed",
                reason=allocation.reason or "",
                detail={"area": area_id, "role": allocation.role, "from": old, "to": new},
            )


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


def in_second_marking_sample(attempt_id: int) -> bool:
    """The reproducible sample: a hash of the attempt id, compared with the percentage in
    NAAS_SECOND_MARKING_SAMPLE_PERCENT (default 10)."""
    percent = _setting("NAAS_SECOND_MARKING_SAMPLE_PERCENT", 10)
    bucket = int(hashlib.sha256(f"naas-attempt-{attempt_id}".encode()).hexdigest(), 16) % 100
    return bucket < percent


def marks_need_moderation(first: dict[int, list[int]], second: dict[int, list[int]]) -> bool:
    """The two markers differ by more than one point on any task of any area."""
    for area_id, first_marks in first.items():
        second_marks = second.get(area_id)
        if second_marks is None:
            return True
        if any(abs(a - b) > 1 for a, b in zip(first_marks, second_marks, strict=True)):
            return True
    return False


def _marks_by_area(allocation: Allocation | None) -> dict[int, list[int]]:
    if allocation is None:
        return {}
    return {m.area_id: m.task_marks() for m in allocation.marks.all()}


@transaction.atomic
def marks_submit(
    *, allocation: Allocation, marks: dict[int, MarkEntry], actor, reason: str = ""
) -> Attempt:
    """An allocated marker submits marks for every area the attempt covers. First marks move
    the attempt to scored (and, when it is not second-marked, on to moderated with a draft
    outcome); second marks either agree (moderated) or call for a moderator; a moderator's or
    reviewer's marks become the final marks."""
    attempt = _lock_attempt(allocation.attempt)
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
    _audit_final_mark_changes(attempt, earlier_final, marks, allocation, actor)
    allocation.submitted_at = timezone.now()
    allocation.reason = reason
    allocation.save(update_fields=["submitted_at", "reason"])
    audit_event_record(
        actor=actor,
        subject=allocation,
        action="allocation.marks_submitted",
        reason=reason,
        detail={"attempt": attempt.pk, "role": allocation.role},
    )
    submitted = _marks_by_area(allocation)
    if allocation.role == MarkerRole.FIRST:
        attempt.second_marking = second_marking_reason(attempt, submitted)
        _transition(
            attempt, "score", actor=actor, action="attempt.scored", fields=["second_marking"]
        )
        if attempt.second_marking:
            audit_event_record(
                actor=actor,
                subject=attempt,
                action="attempt.second_marking_needed",
                detail={"why": attempt.second_marking},
            )
        else:
            _finalise_marks(attempt, actor)
    elif allocation.role == MarkerRole.SECOND:
        first = Allocation.objects.get(attempt=attempt, role=MarkerRole.FIRST, active=True)
        if marks_need_moderation(_marks_by_area(first), submitted):
            audit_event_record(actor=actor, subject=attempt, action="attempt.moderation_needed")
        else:
            _finalise_marks(attempt, actor)
    elif allocation.role == MarkerRole.MODERATOR:
        _finalise_marks(attempt, actor, reason=reason)
    else:
        outcome_compute(attempt=attempt, actor=actor)
    return attempt


def _finalise_marks(attempt: Attempt, actor, reason: str = "") -> None:
    _transition(attempt, "moderate", actor=actor, action="attempt.moderated", reason=reason)
    outcome_compute(attempt=attempt, actor=actor)


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


# --- Outcome rule sets ------------------------------------------------------------------------


def rules_in_force(framework: KSSFramework) -> tuple[int, RuleParameters]:
    """The version and numbers of the outcome rules in force for a framework, for reading: the
    newest version, or version 1's defaults. Never writes, so a page can show them on a GET."""
    latest = OutcomeRuleSet.objects.filter(framework=framework).order_by("-version").first()
    if latest is None:
        return 1, RuleParameters()
    return latest.version, RuleParameters.from_json(latest.parameters)


def rule_parameters_current(framework: KSSFramework) -> RuleParameters:
    """The numbers of the outcome rules in force for a framework (see rules_in_force)."""
    return rules_in_force(framework)[1]


def rule_set_current(framework: KSSFramework) -> OutcomeRuleSet:
    """The newest rule set version for a framework, for a write that must record it. Version 1
    comes from a data migration; a framework loaded later gets it here, inside the write."""
    latest = OutcomeRuleSet.objects.filter(framework=framework).order_by("-version").first()
    if latest is not None:
        return latest
    rule_set, _ = OutcomeRuleSet.objects.get_or_create(
        framework=framework,
        version=1,
        defaults={"parameters": RuleParameters().to_json(), "notes": "Default rules"},
    )
    return rule_set


@transaction.atomic
def rule_set_create(
    *, framework: KSSFramework, parameters: RuleParameters, notes: str, actor
) -> OutcomeRuleSet:
    """Make a new version of a framework's outcome rules. Earlier versions never change, and
    every outcome keeps the version that produced it."""
    if not policies.can_manage_rules(actor):
        raise PermissionDenied("Only assessment administrators can change the outcome rules")
    problems = []
    if not 1 <= parameters.observation_threshold <= 4:
        problems.append("The observation threshold must be between 1 and 4")
    if not 0 <= parameters.knowledge_cut_percent <= 100:
        problems.append("The knowledge-test cut must be between 0% and 100%")
    if not 0 < parameters.partially_met_fraction <= 1:
        problems.append("The share of areas for partially met must be more than 0 and at most 1")
    if problems:
        raise AssessmentError(*problems)
    rule_set_current(framework)
    latest = (
        OutcomeRuleSet.objects.select_for_update()
        .filter(framework=framework)
        .order_by("-version")
        .first()
    )
    rule_set = OutcomeRuleSet.objects.create(
        framework=framework,
        version=latest.version + 1,
        parameters=parameters.to_json(),
        notes=notes.strip(),
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        subject=rule_set,
        action="rule_set.created",
        detail={"framework": framework.pk, "version": rule_set.version, **rule_set.parameters},
    )
    return rule_set


# --- Outcomes -----------------------------------------------------------------------------------


def current_outcome(attempt: Attempt) -> Outcome | None:
    return attempt.outcomes.filter(superseded_at__isnull=True).first()


def outcome_compute(*, attempt: Attempt, actor) -> Outcome:
    """Turn the final marks and the knowledge test into a new outcome version (not yet
    confirmed). A retake's areas are merged with the earlier attempt's met areas. Call inside
    the transaction that locked the attempt."""
    rule_set = rule_set_current(attempt.framework)
    rules = RuleParameters.from_json(rule_set.parameters)
    marks = final_marks(attempt)
    knowledge = knowledge_by_area(attempt)
    areas = list(attempt.areas.order_by("number"))
    rows = []
    for area in areas:
        mark = marks.get(area.pk)
        mean = observation_mean(mark.task_marks() if mark else [])
        judged = area_result(AreaEvidence(area.number, mean, knowledge.get(area.pk)), rules)
        rows.append(
            AreaOutcome(
                area=area,
                result=judged.result,
                observation_mean=_two_places(mean),
                knowledge_percent=_two_places(knowledge.get(area.pk)),
                explanation=judged.explanation,
            )
        )
    results = {row.area.number: row.result for row in rows}
    if attempt.parent_id:
        earlier_outcome = current_outcome(attempt.parent)
        earlier_rows = list(earlier_outcome.area_outcomes.select_related("area"))
        merged = merge_retake({r.area.number: r.result for r in earlier_rows}, results)
        for row in earlier_rows:
            if row.area.number not in results:
                rows.append(
                    AreaOutcome(
                        area=row.area,
                        result=row.result,
                        observation_mean=row.observation_mean,
                        knowledge_percent=row.knowledge_percent,
                        explanation=f"Met at the earlier attempt (outcome {earlier_outcome.reference}); "
                        "carried forward. " + row.explanation,
                        carried_forward=True,
                    )
                )
        results = merged
    overall = overall_result(list(results.values()), rules)
    now = timezone.now()
    previous = attempt.outcomes.select_for_update().filter(superseded_at__isnull=True).first()
    version = (attempt.outcomes.aggregate(v=Max("version"))["v"] or 0) + 1
    if previous is not None:
        if previous.is_published and attempt.state != AttemptState.UNDER_REVIEW:
            raise AssessmentError("A published outcome cannot be changed")
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
        audit_event_record(
            actor=actor,
            subject=previous,
            action="outcome.superseded",
            detail={"by_version": version},
        )
    outcome = Outcome.objects.create(
        attempt=attempt,
        version=version,
        rule_set=rule_set,
        result=overall,
        reference=f"NAAS-{attempt.pk:06d}-{version}",
    )
    for row in rows:
        row.outcome = outcome
    AreaOutcome.objects.bulk_create(sorted(rows, key=lambda r: r.area.number))
    audit_event_record(
        actor=actor,
        subject=outcome,
        action="outcome.computed",
        detail={
            "attempt": attempt.pk,
            "version": version,
            "rule_set": rule_set.pk,
            "rule_version": rule_set.version,
            "result": overall,
        },
    )
    return outcome


def _two_places(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


@transaction.atomic
def outcome_confirm(*, outcome: Outcome, actor) -> Outcome:
    """A moderator or administrator confirms a computed outcome, ready to publish."""
    locked = (
        Outcome.objects.select_for_update().select_related("attempt__worker").get(pk=outcome.pk)
    )
    if not policies.can_confirm_outcome(actor, locked):
        raise PermissionDenied(
            "Only a moderator or an administrator without a conflict of interest in the "
            "candidate can confirm this outcome"
        )
    if locked.is_published:
        raise AssessmentError("This outcome has been published, so it cannot be changed")
    if locked.superseded_at is not None:
        raise AssessmentError("A newer version of this outcome has replaced it")
    if locked.confirmed_at is not None:
        raise AssessmentError("This outcome has already been confirmed")
    locked.confirmed_by = actor
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_event_record(actor=actor, subject=locked, action="outcome.confirmed")
    return locked


@transaction.atomic
def outcomes_publish(*, outcome_ids: list[int], actor) -> list[Outcome]:
    """Publish confirmed outcomes together. Each attempt moves to outcome_published and
    `signals.outcome_published` is sent inside this transaction. Outcomes already published
    (a double click, another administrator) are skipped; if none is left, nothing happens.
    Later apps' pre-publish checks can refuse the whole batch."""
    if not policies.can_publish_outcomes(actor):
        raise PermissionDenied("Only assessment administrators can publish outcomes")
    locked = list(
        Outcome.objects.select_for_update(of=("self",))
        .filter(pk__in=outcome_ids)
        .select_related("attempt__worker")
        .order_by("pk")
    )
    ready = [
        o
        for o in locked
        if o.published_at is None and o.superseded_at is None and o.confirmed_at is not None
    ]
    if not ready:
        raise AssessmentError("These outcomes have already been published, or are not confirmed")
    if not all(policies.can_publish_outcome(actor, outcome) for outcome in ready):
        raise PermissionDenied("You have a conflict of interest in one of these candidates")
    problems = []
    for outcome in ready:
        problems += [f"{outcome.reference}: {p}" for p in signals.publication_problems(outcome)]
    if problems:
        raise AssessmentError(*problems)
    now = timezone.now()
    for outcome in ready:
        attempt = _lock_attempt(outcome.attempt)
        superseded = list(
            attempt.outcomes.filter(published_at__isnull=False, superseded_at__isnull=False)
        )
        _transition(attempt, "publish_outcome", actor=actor, action="attempt.outcome_published")
        outcome.attempt = attempt
        outcome.published_at = now
        outcome.save(update_fields=["published_at"])
        audit_event_record(
            actor=actor,
            subject=outcome,
            action="outcome.published",
            detail={
                "result": outcome.result,
                "replaces": [o.reference for o in superseded],
            },
        )
        signals.outcome_published.send(sender=Outcome, outcome=outcome)
    return ready


# --- Fast-track retakes -----------------------------------------------------------------------


def fast_track_problems(parent: Attempt, *, today: date | None = None, areas=None) -> list[str]:
    """Why the worker cannot book a fast-track retake of `parent` (empty when they can)."""
    today = today or timezone.localdate()
    outcome = current_outcome(parent)
    if (
        parent.state != AttemptState.OUTCOME_PUBLISHED
        or outcome is None
        or not outcome.is_published
    ):
        return ["A fast-track retake can be booked only once the outcome has been published"]
    if outcome.result == OutcomeResult.MET:
        return ["You met the standard in every area, so there is nothing to retake"]
    if outcome.result == OutcomeResult.NOT_MET:
        return [
            "A not met outcome has no fast track: your employer must endorse you again before "
            "you can be assessed"
        ]
    if parent.is_retake:
        return [
            "You have already had your fast-track retake; only one is allowed. Your employer "
            "must endorse you again before you can be assessed"
        ]
    if parent.retakes.exclude(state=AttemptState.CANCELLED).exists():
        return ["You have already booked a fast-track retake; only one is allowed"]
    closes = rules.fast_track_last_day(outcome.published_at)
    if not rules.still_open(closes, on=today):
        return [
            f"The fast-track window closed on {govuk_date(closes)}, "
            f"{rules.fast_track_months()} months after your outcome was published. Your "
            "employer must endorse you again"
        ]
    if areas is not None:
        met = {
            row.area_id: row.area
            for row in outcome.area_outcomes.select_related("area")
            if row.result == OutcomeResult.MET
        }
        already = [met[a.pk] for a in areas if a.pk in met]
        if already:
            return [
                f"Area {a.number} ({a.title}) was already met, so it cannot be retaken"
                for a in already
            ]
        if not areas:
            return ["Choose at least one area to retake"]
    return []


def fast_track_closes(parent: Attempt) -> date | None:
    """The last day to book a fast-track retake of `parent` (None if its outcome offers none):
    the rule in assessment.rules, for the attempt's current outcome."""
    return rules.fast_track_deadline(current_outcome(parent))


def areas_not_met(parent: Attempt) -> list[KSSArea]:
    outcome = current_outcome(parent)
    if outcome is None:
        return []
    return [
        row.area
        for row in outcome.area_outcomes.select_related("area").order_by("area__number")
        if row.result != OutcomeResult.MET
    ]


@transaction.atomic
def attempt_book_fast_track(
    *, parent: Attempt, sitting: Sitting, actor, areas: list[KSSArea] | None = None
) -> Attempt:
    """Book the one fast-track retake a partially-met worker may have, within the window,
    covering only the areas not met. No new endorsement is needed."""
    locked_parent = _lock_attempt(parent)
    if not policies.can_act_for_own_outcome(actor, locked_parent):
        raise PermissionDenied("Only the candidate can book their fast-track retake")
    if areas is None:
        areas = areas_not_met(locked_parent)
    problems = fast_track_problems(locked_parent, areas=areas)
    if problems:
        raise AssessmentError(*problems)
    locked_sitting = _lock_sitting_with_a_place(sitting)
    retake = Attempt.objects.create(
        worker_id=locked_parent.worker_id,
        level=locked_parent.level,
        framework=locked_parent.framework,
        parent=locked_parent,
        sitting=locked_sitting,
        booked_by=actor,
    )
    AttemptArea.objects.bulk_create(AttemptArea(attempt=retake, area=area) for area in areas)
    audit_event_record(
        actor=actor,
        subject=retake,
        action="attempt.fast_track_booked",
        to_state=AttemptState.BOOKED,
        detail={
            "parent": locked_parent.pk,
            "sitting": locked_sitting.pk,
            "areas": [a.number for a in areas],
        },
    )
    return retake


# --- Reviews ----------------------------------------------------------------------------------


def review_deadline(outcome: Outcome) -> date | None:
    """The last day to ask for a review of `outcome`: the rule in assessment.rules."""
    return rules.review_deadline(outcome)


def review_problems(attempt: Attempt, *, today: date | None = None) -> list[str]:
    today = today or timezone.localdate()
    outcome = current_outcome(attempt)
    if attempt.state == AttemptState.UNDER_REVIEW:
        return ["Your outcome is already being reviewed"]
    if (
        attempt.state != AttemptState.OUTCOME_PUBLISHED
        or outcome is None
        or not outcome.is_published
    ):
        return ["A review can be asked for only once the outcome has been published"]
    if ReviewRequest.objects.filter(outcome=outcome).exists():
        return ["You have already asked for a review of this outcome"]
    deadline = review_deadline(outcome)
    if not rules.still_open(deadline, on=today):
        return [
            f"The deadline for asking for a review was {govuk_date(deadline)}, "
            f"{rules.review_window_working_days()} working days after your outcome "
            "was published"
        ]
    return []


@transaction.atomic
def review_request(*, attempt: Attempt, grounds: str, actor, today: date | None = None):
    """The candidate asks for a review of their published outcome, within the window."""
    locked = _lock_attempt(attempt)
    if not policies.can_act_for_own_outcome(actor, locked):
        raise PermissionDenied("Only the candidate can ask for a review of their outcome")
    problems = review_problems(locked, today=today)
    if not grounds.strip():
        problems.append("Enter your grounds for the review")
    if problems:
        raise AssessmentError(*problems)
    outcome = current_outcome(locked)
    _transition(locked, "request_review", actor=actor, action="attempt.review_requested")
    review = ReviewRequest.objects.create(
        attempt=locked, outcome=outcome, grounds=grounds.strip(), requested_by=actor
    )
    audit_event_record(
        actor=actor,
        subject=review,
        action="review.requested",
        to_state=ReviewState.REQUESTED,
        detail={"outcome": outcome.reference},
    )
    return review


@transaction.atomic
def review_decide(*, review: ReviewRequest, uphold: bool, reason: str, actor) -> ReviewRequest:
    """The independent reviewer upholds the outcome (it stands and the attempt returns to
    published) or overturns it (scoring re-opens for the reviewer's marks, which make a new
    outcome version to confirm and publish; the old version stays in the history)."""
    locked = ReviewRequest.objects.select_for_update().get(pk=review.pk)
    attempt = _lock_attempt(locked.attempt)
    reviewer = policies.allocation_of(actor, attempt, MarkerRole.REVIEWER)
    if reviewer is None or not policies.can_mark(actor, reviewer):
        raise PermissionDenied("You are not the reviewer of this attempt")
    if locked.state != ReviewState.REQUESTED:
        raise AssessmentError(
            f"This review has already been decided: {locked.get_state_display().lower()}"
        )
    reason = reason.strip()
    if not reason:
        raise AssessmentError("Enter the reason for your decision")
    try:
        locked.uphold() if uphold else locked.overturn()
    except TransitionNotAllowed as exc:
        raise AssessmentError(CHANGED_MESSAGE) from exc
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    try:
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    except ConcurrentTransition as exc:
        raise AssessmentError(CHANGED_MESSAGE) from exc
    audit_event_record(
        actor=actor,
        subject=locked,
        action=f"review.{locked.state}",
        from_state=ReviewState.REQUESTED,
        to_state=locked.state,
        reason=reason,
    )
    if uphold:
        _transition(attempt, "uphold_review", actor=actor, action="attempt.review_upheld")
    return locked
