"""Importing knowledge-test results from the test provider's file."""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from naas.services import audit_event_record, audit_events_record_for_ids
from naas.transitions import transitions_apply_bulk

from ..audit import AssessmentAction
from ..models import (
    Attempt,
    AttemptState,
    ResultsImport,
    Sitting,
    TestAreaScore,
    TestResponse,
    TestResult,
)
from ..results_csv import ResultsCheck, ResultsRecord, check_results
from ..scoring import TestScorer, to_decimal
from .common import (
    AssessmentError,
    bulk_insert,
    insert_rows,
    require_administrator,
)
from .item_withdrawal import withdrawn_item_ids


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
    require_administrator(actor)
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
        action=AssessmentAction.RESULTS_IMPORT_COMPLETED,
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
    moved = transitions_apply_bulk(
        Attempt,
        booked_ids,
        source=AttemptState.BOOKED,
        target=AttemptState.SAT,
        actor=actor,
        action=AssessmentAction.ATTEMPT_SAT,
        reason="Test results received from the test platform",
        values={"sat_at": now, "updated_at": now},
    )
    if len(moved) != len(booked_ids):
        raise AssessmentError(
            "Attendance for this sitting changed while the results were being imported; "
            "upload the file again"
        )
    return len(moved)


def _store_results(check: ResultsCheck, results_import: ResultsImport, actor, now) -> None:
    scorer = TestScorer()
    # Items withdrawn from scoring on a form stay out of every later result on it too.
    withdrawn = withdrawn_item_ids(check.form_items, lock=True)
    scored = [
        scorer.score(
            items=check.form_items[candidate.form.pk],
            answers=candidate.answers,
            three_of_eight=candidate.form.three_of_eight_scoring,
            leave_out=withdrawn[candidate.form.pk],
        )
        for candidate in check.new
    ]
    results = bulk_insert(
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
    insert_rows(
        TestResponse,
        ["result_id", "item_id", "chosen", "marks"],
        (
            (result.pk, item_id, candidate.answers[item_id], scorer.item_decimal(marks))
            for candidate, test, result in zip(check.new, scored, results, strict=True)
            for item_id, marks in test.item_marks.items()
        ),
    )
    insert_rows(
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
    audit_events_record_for_ids(
        actor=actor,
        model=Attempt,
        ids=[c.attempt_id for c in check.new],
        action=AssessmentAction.ATTEMPT_TEST_RESULTS_RECORDED,
        detail_for={
            c.attempt_id: {"results_import": results_import.pk, "raw_score": str(r.raw_score)}
            for c, r in zip(check.new, results, strict=True)
        },
    )
