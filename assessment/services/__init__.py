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
from .common import (
    CHANGED_MESSAGE,
    AssessmentError,
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
from .marking import (
    MarkEntry,
    allocation_create,
    mark_entry_problems,
    marks_submit,
)
from .outcomes import (
    outcome_compute,
    outcome_confirm,
    outcomes_publish,
    rule_set_create,
    rule_set_current,
)
from .results_import import (
    ResultsImportOutcome,
    test_results_import,
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

__all__ = [
    "CHANGED_MESSAGE",
    "AdjustmentAsk",
    "AssessmentError",
    "MarkEntry",
    "ResultsImportOutcome",
    "adjustment_decide",
    "allocation_create",
    "attempt_book",
    "attempt_book_fast_track",
    "attempt_cancel",
    "attempt_rebook",
    "attempt_record_attendance",
    "centre_create",
    "item_create",
    "item_problems",
    "item_revise",
    "item_set_active",
    "lock_sitting_with_a_place",
    "mark_entry_problems",
    "marks_submit",
    "outcome_compute",
    "outcome_confirm",
    "outcomes_publish",
    "review_decide",
    "review_request",
    "rule_set_create",
    "rule_set_current",
    "scenario_create",
    "sitting_create",
    "sitting_record_attendance",
    "test_form_create",
    "test_form_set_active",
    "test_results_import",
]
