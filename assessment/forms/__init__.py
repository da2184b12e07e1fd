"""Assessment forms, one module per sub-domain (mirroring `assessment.services`). They validate
input only; the rules live in the services. The public forms are named here so callers can say
`from assessment.forms import BookingForm` without knowing which module holds it."""

from .appeals import FastTrackForm, ReviewDecisionForm, ReviewRequestForm
from .item_bank import ItemForm, ScenarioForm, TestFormForm
from .marking import AllocationForm, MarksForm, ModerationForm
from .outcomes import RuleSetForm
from .results_import import ResultsUploadForm
from .scheduling import (
    AdjustmentDecisionForm,
    AttendanceForm,
    BookingForm,
    CancelForm,
    CentreForm,
    RebookForm,
    SittingAdminForm,
    SittingForm,
    sitting_label,
)

__all__ = [
    "AdjustmentDecisionForm",
    "AllocationForm",
    "AttendanceForm",
    "BookingForm",
    "CancelForm",
    "CentreForm",
    "FastTrackForm",
    "ItemForm",
    "MarksForm",
    "ModerationForm",
    "RebookForm",
    "ResultsUploadForm",
    "ReviewDecisionForm",
    "ReviewRequestForm",
    "RuleSetForm",
    "ScenarioForm",
    "SittingAdminForm",
    "SittingForm",
    "TestFormForm",
    "sitting_label",
]
