"""Every write for assessment days and the knowledge test. Each one locks what it changes,
checks the rules, makes the transition, saves and writes its audit event in one transaction."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from endorsement.models import Endorsement
from endorsement.services import EndorsementError, endorsement_record_use, endorsement_release_use
from naas.models import AuditEvent, KSSArea, KSSFramework
from naas.services import audit_event_record

from . import policies
from .blueprint import blueprint_problems
from .models import (
    FORMAT_SHAPE,
    OPTION_LETTERS,
    SEAT_TAKING_STATES,
    AdjustmentDecision,
    AdjustmentKind,
    AdjustmentRequest,
    AssessmentCentre,
    Attempt,
    AttemptArea,
    AttemptState,
    FormSection,
    Item,
    ResultsImport,
    Scenario,
    Sitting,
    TestAreaScore,
    TestForm,
    TestFormItem,
    TestResponse,
    TestResult,
)
from .results_csv import ResultsCheck, ResultsRecord, check_results
from .scoring import TestScorer, to_decimal

BULK_BATCH = 5_000


class AssessmentError(Exception):
    """A request the assessment rules refuse. Each message is shown to the user."""

    def __init__(self, *messages: str):
        self.messages = list(messages)
        super().__init__("; ".join(messages))


def _long_date(moment) -> str:
    return f"{moment.day} {moment:%B %Y}"


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
            + (
                f" on {_long_date(timezone.localtime(locked.decided_at))}"
                if locked.decided_at
                else ""
            )
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
