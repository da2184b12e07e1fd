"""Who may see or do what with endorsements and their evidence, object by object."""

from naas.policies import can_lead_la, can_supervise

from .models import Endorsement


def can_act_as_supervisor(user, endorsement: Endorsement) -> bool:
    """The user is the worker's supervisor, acting in the worker's LA."""
    return can_supervise(user, endorsement.worker)


def can_confirm(user, endorsement: Endorsement) -> bool:
    """The user leads the worker's LA (and so confirms endorsements for the employer)."""
    return can_lead_la(user, endorsement.worker.local_authority_id)


def is_own_endorsement(user, endorsement: Endorsement) -> bool:
    return user.is_authenticated and endorsement.worker.user_id == user.pk


def can_decline(user, endorsement: Endorsement) -> bool:
    """A draft by its supervisor, a sign-off by the LA lead (the decline transition's rule)."""
    return endorsement.can_be_declined_by(user)
