"""Assessment models, one module per sub-domain: scheduling (centres, sittings, attempts,
adjustments), item_bank, results, marking, outcomes and appeals. Everything is re-exported here
so `from assessment.models import X` works wherever X lives."""

from .appeals import ReviewRequest, ReviewState
from .borderline import BorderlineAnalysis
from .calibration import (
    CalibrationCase,
    CalibrationMarking,
    CalibrationOverride,
    CalibrationSet,
)
from .import_jobs import ImportJob, ImportJobState
from .item_bank import (
    FORMAT_SHAPE,
    OPTION_LETTERS,
    FormSection,
    Item,
    ItemFormat,
    MultiSelectScoring,
    Scenario,
    TestForm,
    TestFormItem,
    valid_keys,
)
from .item_withdrawal import ItemWithdrawal
from .limits import DETAIL_MAX, REASON_MAX
from .marking import (
    MARK_MAX,
    MARK_MIN,
    MARK_RUBRIC,
    Allocation,
    AreaMark,
    GlobalJudgement,
    MarkerRole,
    MarkingDraft,
    PracticeTask,
)
from .outcomes import AreaOutcome, Outcome, OutcomeResult, OutcomeRuleSet
from .results import ResultsImport, TestAreaScore, TestResponse, TestResult
from .scheduling import (
    SEAT_TAKING_STATES,
    AdjustmentDecision,
    AdjustmentKind,
    AdjustmentRequest,
    AssessmentCentre,
    Attempt,
    AttemptArea,
    AttemptState,
    Sitting,
    Slot,
)
from .standard_setting import (
    AngoffCutChoice,
    AngoffExercise,
    AngoffJudge,
    AngoffRating,
    AngoffRound,
    AngoffState,
)
from .technical_report import REPORT_UNFINISHED_STATES, TechnicalReport

__all__ = [
    "DETAIL_MAX",
    "FORMAT_SHAPE",
    "MARK_MAX",
    "MARK_MIN",
    "MARK_RUBRIC",
    "OPTION_LETTERS",
    "REASON_MAX",
    "REPORT_UNFINISHED_STATES",
    "SEAT_TAKING_STATES",
    "AdjustmentDecision",
    "AdjustmentKind",
    "AdjustmentRequest",
    "Allocation",
    "AngoffCutChoice",
    "AngoffExercise",
    "AngoffJudge",
    "AngoffRating",
    "AngoffRound",
    "AngoffState",
    "AreaMark",
    "AreaOutcome",
    "AssessmentCentre",
    "Attempt",
    "AttemptArea",
    "AttemptState",
    "BorderlineAnalysis",
    "CalibrationCase",
    "CalibrationMarking",
    "CalibrationOverride",
    "CalibrationSet",
    "FormSection",
    "GlobalJudgement",
    "ImportJob",
    "ImportJobState",
    "Item",
    "ItemFormat",
    "ItemWithdrawal",
    "MarkerRole",
    "MarkingDraft",
    "MultiSelectScoring",
    "Outcome",
    "OutcomeResult",
    "OutcomeRuleSet",
    "PracticeTask",
    "ResultsImport",
    "ReviewRequest",
    "ReviewState",
    "Scenario",
    "Sitting",
    "Slot",
    "TechnicalReport",
    "TestAreaScore",
    "TestForm",
    "TestFormItem",
    "TestResponse",
    "TestResult",
    "valid_keys",
]
