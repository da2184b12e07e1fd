"""Reads about emails."""

from django.db.models import QuerySet

from .models import FAILED_STATUSES, NotifyMessage


def failed_messages() -> QuerySet[NotifyMessage]:
    """Emails that will not arrive, newest first, with their recipient (one query a page)."""
    return (
        NotifyMessage.objects.filter(status__in=FAILED_STATUSES)
        .select_related("recipient")
        .only(
            "kind",
            "status",
            "last_error",
            "attempts",
            "updated_at",
            "completed_at",
            "recipient__full_name",
        )
        .order_by("-updated_at", "-pk")
    )
