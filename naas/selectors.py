"""Reads of the core domain, shaped so each page's query count stays constant."""

from django.db.models import Count, Q, QuerySet

from .models import LocalAuthority, Phase, SocialWorker
from .speedup_cache import cache_forget, cache_read, cache_write

LOCAL_AUTHORITY_CHOICES = "local authority list"
LOCAL_AUTHORITY_CHOICES_KEY = "naas:local-authority-choices"
LOCAL_AUTHORITY_CHOICES_SECONDS = 60 * 60


def staff_for_la(local_authority: LocalAuthority) -> QuerySet[SocialWorker]:
    return (
        SocialWorker.objects.filter(local_authority=local_authority)
        .select_related("user", "supervisor")
        .order_by("user__full_name")
    )


def phases_with_counts() -> QuerySet[Phase]:
    return Phase.objects.annotate(
        la_count=Count("local_authorities", distinct=True),
        worker_count=Count("local_authorities__social_workers"),
    ).order_by("starts_on")


def local_authorities_with_counts() -> QuerySet[LocalAuthority]:
    return (
        LocalAuthority.objects.select_related("phase")
        .annotate(
            worker_count=Count("social_workers"),
            agency_count=Count(
                "social_workers", filter=Q(social_workers__employment_type="agency")
            ),
        )
        .order_by("name")
    )


def local_authority_choices() -> list[tuple[str, str]]:
    """Every LA as (id, name) in name order, for the lists that offer all 152. Kept in the
    cache, and forgotten whenever an LA is saved or deleted (naas.signals), so a warm page
    does not read the table; with the cache down it is read each time, never an error."""
    choices = cache_read(LOCAL_AUTHORITY_CHOICES_KEY, what=LOCAL_AUTHORITY_CHOICES)
    if choices is None:
        choices = [
            (str(pk), name)
            for pk, name in LocalAuthority.objects.order_by("name").values_list("pk", "name")
        ]
        cache_write(
            LOCAL_AUTHORITY_CHOICES_KEY,
            choices,
            LOCAL_AUTHORITY_CHOICES_SECONDS,
            what=LOCAL_AUTHORITY_CHOICES,
        )
    return choices


def local_authority_choices_forget() -> None:
    cache_forget(LOCAL_AUTHORITY_CHOICES_KEY, what=LOCAL_AUTHORITY_CHOICES)
