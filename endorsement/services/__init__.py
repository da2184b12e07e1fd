"""Every write to endorsements and their evidence. Each transition is locked, checked,
saved and audited in one transaction; notifications go out only once it has committed.

A page that acts on an endorsement sends the `version` it showed. If the row has moved on
since (someone else acted, or the form was sent twice), the service refuses with
`EndorsementChanged` and nothing is saved.

The sub-domains are modules of this package; this module names the public writes so callers
can say `services.endorsement_sign_off(...)` without knowing which module holds it."""

from .common import (
    DEFAULT_VALIDITY_MONTHS,
    EndorsementChanged,
    EndorsementError,
    EndorsementNotAllowed,
    EndorsementNotEligible,
    validity_ended,
    validity_last_day,
    validity_months,
)
from .endorsements import (
    endorsement_confirm,
    endorsement_decline,
    endorsement_lapse,
    endorsement_record_consent,
    endorsement_record_use,
    endorsement_release_use,
    endorsement_return,
    endorsement_sign_off,
    endorsement_start,
    endorsement_withdraw,
    endorsements_lapse_expired,
)
from .evidence import (
    service_user_feedback_mark_considered,
    service_user_feedback_record,
    supervision_session_record,
)

__all__ = [
    "DEFAULT_VALIDITY_MONTHS",
    "EndorsementChanged",
    "EndorsementError",
    "EndorsementNotAllowed",
    "EndorsementNotEligible",
    "endorsement_confirm",
    "endorsement_decline",
    "endorsement_lapse",
    "endorsement_record_consent",
    "endorsement_record_use",
    "endorsement_release_use",
    "endorsement_return",
    "endorsement_sign_off",
    "endorsement_start",
    "endorsement_withdraw",
    "endorsements_lapse_expired",
    "service_user_feedback_mark_considered",
    "service_user_feedback_record",
    "supervision_session_record",
    "validity_ended",
    "validity_last_day",
    "validity_months",
]
