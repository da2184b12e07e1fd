"""A corrected results file: the test platform re-sends a sitting's file after fixing some
candidates' answers. An administrator says it is a correction and why; the file is checked and
what changes is shown (each candidate whose answers differ, with the score before and after);
applying it replaces those candidates' results, audits each with before and after, and
recomputes each affected outcome as a new version (outcome_versions.recompute_as_new_version).
Candidates whose answers are unchanged, and new candidates, are imported as usual."""

from naas.services import audit_events_record_for_ids

from ..audit import AssessmentAction
from ..models import Attempt, ImportJob, TestResult
from ..results_csv import ResultsCheck, check_results
from ..scoring import thirds_text
from .outcome_versions import recompute_as_new_version
from .results_import import score_candidates


def _score_text(raw_score, max_score) -> str:
    return f"{raw_score}/{max_score}"


def correction_changes(sitting, records, report) -> tuple[list[dict], list[tuple[int, str]]]:
    """(changes, row errors) a corrected file would make, writing nothing: one change per
    candidate whose answers differ from those imported, with their score before and after."""
    report("checking", 0, len(records))
    check = check_results(records, sitting, allow_changed=True)
    if not check.is_valid:
        return [], check.errors
    changed = check.changed
    before = {
        attempt_id: _score_text(raw, int(max_score))
        for attempt_id, raw, max_score in TestResult.objects.filter(
            attempt_id__in=[c.attempt_id for c in changed]
        ).values_list("attempt_id", "raw_score", "max_score")
    }
    numbers = dict(
        Attempt.objects.filter(pk__in=[c.attempt_id for c in changed]).values_list(
            "pk", "worker__registration_number"
        )
    )
    changes = [
        {
            "attempt": c.attempt_id,
            "registration_number": numbers[c.attempt_id],
            "before": before[c.attempt_id],
            "after": _score_text(thirds_text(test.raw_thirds, 2), test.max_score),
        }
        for c, test in zip(changed, score_candidates(check, changed), strict=True)
    ]
    changes.sort(key=lambda change: change["registration_number"])
    return changes, []


class Corrections:
    """What the import does with candidates whose imported results differ (check.changed)."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.before: dict[int, str] = {}

    def remove_old_results(self, check: ResultsCheck) -> None:
        """Remember each changed candidate's score, then remove their old result (its
        responses and area scores go with it); the audit trail keeps what was recorded."""
        ids = [c.attempt_id for c in check.changed]
        old = TestResult.objects.select_for_update().filter(attempt_id__in=ids)
        self.before = {
            attempt_id: _score_text(raw, int(max_score))
            for attempt_id, raw, max_score in old.values_list(
                "attempt_id", "raw_score", "max_score"
            )
        }
        old.delete()

    def record(self, check: ResultsCheck, results_import) -> int:
        """Audit each changed candidate with before and after, then recompute their outcome
        as a new version. Returns how many candidates were corrected."""
        ids = [c.attempt_id for c in check.changed]
        after = {
            attempt_id: _score_text(raw, int(max_score))
            for attempt_id, raw, max_score in TestResult.objects.filter(
                attempt_id__in=ids
            ).values_list("attempt_id", "raw_score", "max_score")
        }
        actor = self.job.confirmed_by or self.job.uploaded_by
        audit_events_record_for_ids(
            actor=actor,
            model=Attempt,
            ids=ids,
            action=AssessmentAction.ATTEMPT_TEST_RESULTS_CORRECTED,
            reason=self.job.reason,
            detail_for={
                attempt_id: {
                    "results_import": results_import.pk,
                    "results_file": self.job.pk,
                    "before": self.before[attempt_id],
                    "after": after[attempt_id],
                }
                for attempt_id in ids
            },
        )
        for attempt_id in ids:
            recompute_as_new_version(
                attempt=Attempt(pk=attempt_id),
                actor=actor,
                action=AssessmentAction.OUTCOME_RECOMPUTED_AFTER_RESULTS_CORRECTION,
                detail={"results_file": self.job.pk, "reason": self.job.reason},
            )
        return len(ids)


def corrections_applier(job: ImportJob) -> Corrections:
    return Corrections(job)
