"""Assessment models, one module per sub-domain: scheduling (centres, sittings, attempts,
adjustments), item_bank, results, marking, outcomes and appeals. Everything is re-exported here
so `from assessment.models import X` works wherever X lives."""

from .appeals import ReviewRequest, ReviewState
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
from .limits import DETAIL_MAX, REASON_MAX
from .marking import MARK_MAX, MARK_MIN, MARK_RUBRIC, Allocation, AreaMark, MarkerRole, PracticeTask
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

__all__ = [
    "DETAIL_MAX",
    "FORMAT_SHAPE",
    "MARK_MAX",
    "MARK_MIN",
    "MARK_RUBRIC",
    "OPTION_LETTERS",
    "REASON_MAX",
    "SEAT_TAKING_STATES",
    "AdjustmentDecision",
    "AdjustmentKind",
    "AdjustmentRequest",
    "Allocation",
    "AreaMark",
    "AreaOutcome",
    "AssessmentCentre",
    "Attempt",
    "AttemptArea",
    "AttemptState",
    "FormSection",
    "Item",
    "ItemFormat",
    "MarkerRole",
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
    "TestAreaScore",
    "TestForm",
    "TestFormItem",
    "TestResponse",
    "TestResult",
    "valid_keys",
]
