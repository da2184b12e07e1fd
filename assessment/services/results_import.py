"""Importing knowledge-test results from the test provider's file.

A national results day is 300,000 rows. The check is one pass over them (assessment.results_csv),
scores are whole thirds of a mark (assessment.scoring), and on PostgreSQL the results, their
responses and area scores and the audit events go in with COPY; elsewhere (the SQLite demo) with
bulk inserts. bench/bench_results_import.py measures it against a bare COPY of the same rows."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from naas.audit_trail import copy_lines
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
from ..results_csv import CandidateResults, ResultsCheck, ResultsRecord, check_results
from ..scoring import TestScorer, ThirdsScore, percent_text, thirds_text
from .common import (
    AssessmentError,
    bulk_insert,
    insert_rows,
    require_administrator,
)
from .item_withdrawal import withdrawn_item_ids

RESPONSE_COLUMNS = ["result_id", "item_id", "chosen", "marks"]
AREA_COLUMNS = ["result_id", "area_id", "marks", "max_marks", "percent", "item_count"]
RESULT_COLUMNS = [
    "id",
    "attempt_id",
    "test_form_id",
    "results_import_id",
    "raw_score",
    "max_score",
    "answers_digest",
    "recorded_at",
]
# Candidates stored per COPY: progress is reported between batches, and memory stays small.
STORE_BATCH = 2_000


@dataclass
class ResultsImportOutcome:
    errors: list[tuple[int, str]] = field(default_factory=list)
    recorded: int = 0
    unchanged: int = 0
    marked_sat: int = 0
    corrected: int = 0
    results_import: ResultsImport | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _no_progress(stage: str, done: int, total: int) -> None:
    """The default progress report: nobody is watching."""


@transaction.atomic
def test_results_import(
    *,
    sitting: Sitting,
    records: list[ResultsRecord],
    actor,
    file_name: str = "",
    file_sha256: str = "",
    progress=_no_progress,
    corrections=None,
) -> ResultsImportOutcome:
    """Check the whole results file, then score and store every new candidate's test. Any bad
    row → nothing is saved and every bad row is listed. Candidates whose identical results are
    already stored are left alone, so importing the same file again changes nothing. A booked
    candidate with results is recorded as having sat the assessment.

    `progress(stage, done, total)` hears "checking" and "importing" (candidates stored so far).
    `corrections` (a results_import_corrections.Corrections) replaces the results of
    candidates whose imported results differ, instead of refusing them."""
    require_administrator(actor)
    locked = Sitting.objects.select_for_update().get(pk=sitting.pk)
    if locked.date > timezone.localdate():
        return ResultsImportOutcome(
            errors=[(0, "Results can be imported only on or after the day of the sitting")]
        )
    progress("checking", 0, len(records))
    check = check_results(records, locked, allow_changed=corrections is not None)
    outcome = ResultsImportOutcome(errors=check.errors, unchanged=len(check.unchanged))
    if not check.is_valid or not (check.new or check.changed):
        return outcome
    now = timezone.now()
    results_import = ResultsImport.objects.create(
        sitting=locked,
        uploaded_by=actor,
        file_name=file_name[:255],
        file_sha256=file_sha256 or _records_digest(records),
        row_count=len(records),
        candidates_recorded=len(check.new) + len(check.changed),
        candidates_unchanged=len(check.unchanged),
    )
    if check.changed:
        corrections.remove_old_results(check)
    outcome.marked_sat = _mark_sat(check, actor, now)
    _store_results(check, results_import, actor, now, progress)
    if check.changed:
        outcome.corrected = corrections.record(check, results_import)
    audit_event_record(
        actor=actor,
        subject=results_import,
        action=AssessmentAction.RESULTS_IMPORT_COMPLETED,
        detail={
            "sitting": locked.pk,
            "rows": len(records),
            "recorded": len(check.new),
            "unchanged": len(check.unchanged),
            **({"corrected": len(check.changed)} if check.changed else {}),
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


def score_candidates(check: ResultsCheck, candidates: list[CandidateResults]) -> list[ThirdsScore]:
    """Each candidate's test scored on their form, leaving out items withdrawn from scoring on
    it (they stay out of every later result on that form too)."""
    scorer = TestScorer()
    withdrawn = withdrawn_item_ids(check.form_items, lock=True)
    return [
        scorer.score_thirds(
            items=check.form_items[candidate.form.pk],
            answers=candidate.answers,
            three_of_eight=candidate.form.three_of_eight_scoring,
            leave_out=withdrawn[candidate.form.pk],
        )
        for candidate in candidates
    ]


def _store_results(check: ResultsCheck, results_import: ResultsImport, actor, now, progress):
    candidates = check.new + check.changed
    scored = score_candidates(check, candidates)
    store = _copy_batch if connection.vendor == "postgresql" else _insert_batch
    raw_scores: dict[int, str] = {}
    for start in range(0, len(candidates), STORE_BATCH):
        progress("importing", start, len(candidates))
        batch = candidates[start : start + STORE_BATCH]
        tests = scored[start : start + STORE_BATCH]
        store(batch, tests, results_import.pk, now)
        raw_scores.update(
            (c.attempt_id, thirds_text(t.raw_thirds, 2)) for c, t in zip(batch, tests, strict=True)
        )
    progress("importing", len(candidates), len(candidates))
    audit_events_record_for_ids(
        actor=actor,
        model=Attempt,
        ids=[c.attempt_id for c in check.new],
        action=AssessmentAction.ATTEMPT_TEST_RESULTS_RECORDED,
        detail_for={
            c.attempt_id: {
                "results_import": results_import.pk,
                "raw_score": raw_scores[c.attempt_id],
            }
            for c in check.new
        },
    )


def _result_ids(count: int) -> list[int]:
    """`count` new TestResult ids from the table's own sequence (COPY returns none)."""
    table = TestResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


# The stored text of an item's marks: 0, 1/3, 2/3 or 1 to four places.
_ITEM_MARKS_TEXT = [thirds_text(thirds, 4) for thirds in range(4)]


def _copy_batch(candidates, tests, import_id: int, now) -> None:
    """One batch of candidates' results, responses and area scores, each table in one COPY.
    Values are numbers, digests and option letters A to H: nothing COPY needs escaped."""
    ids = _result_ids(len(candidates))
    recorded_at = now.isoformat()
    copy_lines(
        TestResult,
        RESULT_COLUMNS,
        (
            f"{rid}\t{c.attempt_id}\t{c.form.pk}\t{import_id}\t{thirds_text(t.raw_thirds, 2)}"
            f"\t{t.max_score}\t{c.digest}\t{recorded_at}\n"
            for rid, c, t in zip(ids, candidates, tests, strict=True)
        ),
    )
    marks_text = _ITEM_MARKS_TEXT
    copy_lines(
        TestResponse,
        RESPONSE_COLUMNS,
        (
            f"{rid}\t{item_id}\t{c.answers[item_id]}\t{marks_text[thirds]}\n"
            for rid, c, t in zip(ids, candidates, tests, strict=True)
            for item_id, thirds in t.item_thirds.items()
        ),
    )
    copy_lines(
        TestAreaScore,
        AREA_COLUMNS,
        (
            f"{rid}\t{area_id}\t{thirds_text(thirds, 2)}\t{count}\t{percent_text(thirds, count)}"
            f"\t{count}\n"
            for rid, t in zip(ids, tests, strict=True)
            for area_id, (thirds, count) in t.areas.items()
        ),
    )


def _insert_batch(candidates, tests, import_id: int, now) -> None:
    """The same rows as _copy_batch, with bulk inserts (SQLite has no COPY)."""
    results = bulk_insert(
        TestResult,
        [
            TestResult(
                attempt_id=c.attempt_id,
                test_form_id=c.form.pk,
                results_import_id=import_id,
                raw_score=Decimal(thirds_text(t.raw_thirds, 2)),
                max_score=t.max_score,
                answers_digest=c.digest,
            )
            for c, t in zip(candidates, tests, strict=True)
        ],
        keep=True,
    )
    insert_rows(
        TestResponse,
        RESPONSE_COLUMNS,
        (
            (r.pk, item_id, c.answers[item_id], Decimal(_ITEM_MARKS_TEXT[thirds]))
            for r, c, t in zip(results, candidates, tests, strict=True)
            for item_id, thirds in t.item_thirds.items()
        ),
    )
    insert_rows(
        TestAreaScore,
        AREA_COLUMNS,
        (
            (
                r.pk,
                area_id,
                Decimal(thirds_text(thirds, 2)),
                count,
                Decimal(percent_text(thirds, count)),
                count,
            )
            for r, t in zip(results, tests, strict=True)
            for area_id, (thirds, count) in t.areas.items()
        ),
    )
