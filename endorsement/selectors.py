"""Reads of endorsements."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Endorsement, EndorsementState


def endorsements_bookable() -> QuerySet[Endorsement]:
    """Endorsed, not lapsed, and not yet used by a booking."""
    today = timezone.localdate()
    return Endorsement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        state=EndorsementState.ENDORSED,
        used_at__isnull=True,
    )


def endorsement_bookable_for(worker, level: str) -> Endorsement | None:
    return endorsements_bookable().filter(worker=worker, level=level).first()
