"""Reads behind the work lists that no other page needs (naas.listing filters and sorts them):
each is one query for the page and one for the count, however many rows there are."""

from django.db.models import QuerySet
from django.utils import timezone

from ..models import AssessmentCentre, Outcome, Sitting
from .pages import sittings_with_counts


def outcomes_published() -> QuerySet[Outcome]:
    """Every published outcome still in force (a review's new version replaces the old)."""
    return Outcome.objects.filter(
        published_at__isnull=False, superseded_at__isnull=True
    ).select_related("attempt__worker__user", "attempt__worker__local_authority")


def sittings_to_choose_from(exclude_pk: int | None = None) -> QuerySet[Sitting]:
    """Sittings after today at an open centre, full or not (the booking page's filter says
    whether to show the full ones; the booking service refuses a full one whatever is shown)."""
    sittings = sittings_with_counts().filter(date__gt=timezone.localdate(), centre__is_active=True)
    if exclude_pk is not None:
        sittings = sittings.exclude(pk=exclude_pk)
    return sittings


def centre_choices() -> list[tuple[str, str]]:
    return [
        (str(pk), name)
        for pk, name in AssessmentCentre.objects.filter(is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    ]
