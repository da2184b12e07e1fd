"""Reads of the core domain, shaped so each page's query count stays constant."""

from django.db.models import Count, Q, QuerySet

from .models import LocalAuthority, Phase, SocialWorker


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
