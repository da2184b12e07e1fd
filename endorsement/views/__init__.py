"""Pages for supervisors, LA leads and workers, one module per sub-domain. Each view checks
access, validates the form, calls one service and renders; the rules live in the services and
eligibility module.

Access: a page about a worker or endorsement the user may not act on answers 404, so guessing
ids reveals nothing; a page for a role the user lacks answers 403.

Consequential actions (sign-off, the LA lead's decision, decline, withdrawal) go form → check
your answers → confirmation through naas.flows: the answers wait in the session with the
version of the endorsement the form was shown against, and the service refuses if the
endorsement has moved on since, so a double click or a colleague's change never lands twice.
"""

from .evidence import feedback_considered, feedback_new, supervision_new
from .la_confirmation import confirmation_queue, decision, decision_check, decision_done
from .sign_off import (
    decline,
    decline_check,
    decline_done,
    sign_off,
    sign_off_check,
    sign_off_done,
)
from .supervisor import start, supervisee, supervisees
from .worker import consent, my_endorsement, withdraw, withdraw_check, withdraw_done

__all__ = [
    "confirmation_queue",
    "consent",
    "decision",
    "decision_check",
    "decision_done",
    "decline",
    "decline_check",
    "decline_done",
    "feedback_considered",
    "feedback_new",
    "my_endorsement",
    "sign_off",
    "sign_off_check",
    "sign_off_done",
    "start",
    "supervisee",
    "supervisees",
    "supervision_new",
    "withdraw",
    "withdraw_check",
    "withdraw_done",
]
