"""Every write for assessment days, the knowledge test, marking and outcomes. Each one locks what
it changes, checks the rules, makes the transition, saves and writes its audit event in one
transaction. Reads live in `assessment.selectors`; pure rules and deadlines in `assessment.rules`.

The sub-domains are modules of this package; this module names the public writes so callers
can say `services.attempt_book(...)` without knowing which sub-domain holds it."""

from .appeals import (
    attempt_book_fast_track,
    review_decide,
    review_request,
)
from .borderline import (
    borderline_analysis_adopt,
    borderline_analysis_run,
)
from .calibration import (
    calibration_case_add,
    calibration_case_agreed_marks_change,
    calibration_marking_submit,
    calibration_override_grant,
    calibration_set_activate,
    calibration_set_create,
)
from .common import (
    CHANGED_MESSAGE,
    AssessmentError,
)
from .corrections import (
    ResponseCorrection,
    attempt_correction_problems,
    correction_problems,
    test_response_correct,
)
from .item_bank import (
    item_create,
    item_problems,
    item_revise,
    item_set_active,
    scenario_create,
    test_form_create,
    test_form_set_active,
)
from .item_withdrawal import (
    WithdrawalOutcome,
    item_withdraw,
    withdrawal_problems,
)
from .marking import (
    MarkEntry,
    allocation_create,
    mark_entry_problems,
    marks_draft_save,
    marks_submit,
)
from .moderation import (
    DecisionChoice,
    ModerationDecision,
    moderated_marks,
    moderation_decide,
)
from .outcome_versions import (
    Recompute,
    Recomputed,
    recompute_as_new_version,
)
from .outcomes import (
    outcome_compute,
    outcome_confirm,
    outcome_confirm_after_correction,
    outcomes_publish,
    publication_problems_by_outcome,
    rule_set_create,
    rule_set_current,
)
from .results_import import (
    ResultsImportOutcome,
    test_results_import,
)
from .results_import_jobs import (
    results_correction_apply,
    results_file_import_retry,
    results_file_import_run,
    results_file_progress,
    results_file_upload,
)
from .scheduling import (
    AdjustmentAsk,
    adjustment_decide,
    attempt_book,
    attempt_cancel,
    attempt_rebook,
    attempt_record_attendance,
    centre_create,
    lock_sitting_with_a_place,
    sitting_create,
    sitting_record_attendance,
)
from .standard_setting import (
    angoff_exercise_adopt,
    angoff_exercise_open,
    angoff_judge_invite,
    angoff_ratings_save,
    angoff_round_one_close,
    angoff_round_two_close,
)
from .technical_report import (
    technical_report_build,
    technical_report_request,
    technical_report_retry,
)

__all__ = [
    "CHANGED_MESSAGE",
    "AdjustmentAsk",
    "AssessmentError",
    "DecisionChoice",
    "MarkEntry",
    "ModerationDecision",
    "Recompute",
    "Recomputed",
    "ResponseCorrection",
    "ResultsImportOutcome",
    "WithdrawalOutcome",
    "adjustment_decide",
    "allocation_create",
    "angoff_exercise_adopt",
    "angoff_exercise_open",
    "angoff_judge_invite",
    "angoff_ratings_save",
    "angoff_round_one_close",
    "angoff_round_two_close",
    "attempt_book",
    "attempt_book_fast_track",
    "attempt_cancel",
    "attempt_correction_problems",
    "attempt_rebook",
    "attempt_record_attendance",
    "borderline_analysis_adopt",
    "borderline_analysis_run",
    "calibration_case_add",
    "calibration_case_agreed_marks_change",
    "calibration_marking_submit",
    "calibration_override_grant",
    "calibration_set_activate",
    "calibration_set_create",
    "centre_create",
    "correction_problems",
    "item_create",
    "item_problems",
    "item_revise",
    "item_set_active",
    "item_withdraw",
    "lock_sitting_with_a_place",
    "mark_entry_problems",
    "marks_draft_save",
    "marks_submit",
    "moderated_marks",
    "moderation_decide",
    "outcome_compute",
    "outcome_confirm",
    "outcome_confirm_after_correction",
    "outcomes_publish",
    "publication_problems_by_outcome",
    "recompute_as_new_version",
    "results_correction_apply",
    "results_file_import_retry",
    "results_file_import_run",
    "results_file_progress",
    "results_file_upload",
    "review_decide",
    "review_request",
    "rule_set_create",
    "rule_set_current",
    "scenario_create",
    "sitting_create",
    "sitting_record_attendance",
    "technical_report_build",
    "technical_report_request",
    "technical_report_retry",
    "test_form_create",
    "test_form_set_active",
    "test_response_correct",
    "test_results_import",
    "withdrawal_problems",
]
