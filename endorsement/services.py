"""Every write to endorsements and their evidence. Each transition is locked, checked,
saved and audited in one transaction."""

from django.db import transaction
from django.utils import timezone

from naas.services import audit_event_record

from .models import Endorsement, EndorsementState


class EndorsementError(Exception):
    """A request the endorsement rules refuse; the message is shown to the user."""


@transaction.atomic
def endorsement_record_use(*, endorsement: Endorsement, actor) -> Endorsement:
    """Mark an endorsement as used by an assessment booking (called by the booking service,
    inside its own transaction)."""
    locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if locked.state != EndorsementState.ENDORSED:
        raise EndorsementError("The worker has not been endorsed")
    if locked.valid_until and locked.valid_until < timezone.localdate():
        raise EndorsementError("The worker's endorsement has lapsed")
    if locked.used_at is not None:
        raise EndorsementError("The endorsement is already in use for a booking")
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at", "updated_at"])
    audit_event_record(actor=actor, subject=locked, action="endorsement.used")
    return locked


@transaction.atomic
def endorsement_release_use(*, endorsement: Endorsement, actor) -> Endorsement:
    """Free an endorsement again when its booking is cancelled."""
    locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    locked.used_at = None
    locked.save(update_fields=["used_at", "updated_at"])
    audit_event_record(actor=actor, subject=locked, action="endorsement.released")
    return locked
