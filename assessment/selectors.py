"""Reads for assessment days and the knowledge test, shaped so each page's query count stays
the same however much data there is."""

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from endorsement.models import Endorsement
from endorsement.selectors import endorsements_bookable
from naas.models import Role, SocialWorker
from naas.policies import la_ids_where

from .models import (
    SEAT_TAKING_STATES,
    AdjustmentDecision,
    AdjustmentRequest,
    Attempt,
    AttemptState,
    Item,
    Sitting,
    TestAreaScore,
    TestForm,
    TestFormItem,
    TestResult,
)
from .policies import assessor_excluded_la_ids


def sittings_with_counts() -> QuerySet[Sitting]:
    return Sitting.objects.select_related("centre").annotate(
        taken=Count("attempts", filter=Q(attempts__state__in=SEAT_TAKING_STATES), distinct=True),
        pending_adjustments=Count(
            "attempts__adjustments",
            filter=Q(
                attempts__adjustments__decision=AdjustmentDecision.PENDING,
                attempts__state=AttemptState.BOOKED,
            ),
            distinct=True,
        ),
        places_left=F("capacity")
        - Count("attempts", filter=Q(attempts__state__in=SEAT_TAKING_STATES), distinct=True),
    )


def sittings_upcoming() -> QuerySet[Sitting]:
    return (
        sittings_with_counts()
        .filter(date__gte=timezone.localdate())
        .order_by("date", "slot", "centre__name")
    )


def sittings_past() -> QuerySet[Sitting]:
    return (
        sittings_with_counts()
        .filter(date__lt=timezone.localdate())
        .order_by("-date", "slot", "centre__name")
    )


def sittings_open_for_booking(exclude_pk: int | None = None) -> QuerySet[Sitting]:
    """Sittings after today with at least one place left."""
    sittings = (
        sittings_with_counts()
        .filter(date__gt=timezone.localdate(), centre__is_active=True, places_left__gt=0)
        .order_by("date", "slot", "centre__name")
    )
    if exclude_pk is not None:
        sittings = sittings.exclude(pk=exclude_pk)
    return sittings


def attempt_detail(pk: int) -> Attempt:
    return (
        Attempt.objects.select_related(
            "worker__user", "worker__local_authority", "sitting__centre", "booked_by", "endorsement"
        )
        .prefetch_related("adjustments")
        .get(pk=pk)
    )


def attempts_for_worker(worker: SocialWorker) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(worker=worker)
        .select_related("sitting__centre")
        .prefetch_related("adjustments")
        .order_by("-booked_at", "-id")
    )


def bookable_endorsements_for_worker(worker: SocialWorker) -> QuerySet[Endorsement]:
    return endorsements_bookable().filter(worker=worker).order_by("level")


def la_lead_overview(user) -> dict:
    """An LA lead's view: their workers' bookable endorsements and their live bookings."""
    la_ids = la_ids_where(user, Role.LA_LEAD)
    bookable = (
        endorsements_bookable()
        .filter(worker__local_authority_id__in=la_ids)
        .select_related("worker__user", "worker__local_authority")
        .order_by("worker__user__full_name", "level")
    )
    live = (
        Attempt.objects.filter(worker__local_authority_id__in=la_ids)
        .exclude(state=AttemptState.CANCELLED)
        .select_related("worker__user", "sitting__centre")
        .annotate(
            pending=Count("adjustments", filter=Q(adjustments__decision=AdjustmentDecision.PENDING))
        )
        .order_by("sitting__date", "sitting__slot", "worker__user__full_name")
    )
    return {"bookable": bookable, "attempts": live}


def sitting_attendance(sitting: Sitting) -> QuerySet[Attempt]:
    """Candidates with a seat on the sitting, each with their approved adjustments."""
    return (
        Attempt.objects.filter(sitting=sitting, state__in=SEAT_TAKING_STATES)
        .select_related("worker__user", "worker__local_authority")
        .prefetch_related(
            Prefetch(
                "adjustments",
                queryset=AdjustmentRequest.objects.filter(decision=AdjustmentDecision.APPROVED),
                to_attr="approved_adjustments",
            ),
            Prefetch(
                "adjustments",
                queryset=AdjustmentRequest.objects.filter(decision=AdjustmentDecision.PENDING),
                to_attr="pending_adjustments",
            ),
        )
        .annotate(has_results=Count("test_result"))
        .order_by("worker__user__full_name", "pk")
    )


def adjustments_pending() -> QuerySet[AdjustmentRequest]:
    """Requests still to decide for bookings whose sitting is still to come."""
    return (
        AdjustmentRequest.objects.filter(
            decision=AdjustmentDecision.PENDING,
            attempt__state=AttemptState.BOOKED,
            attempt__sitting__date__gt=timezone.localdate(),
        )
        .select_related("attempt__worker__user", "attempt__sitting__centre")
        .order_by("attempt__sitting__date", "attempt__sitting__slot", "requested_at")
    )


def adjustment_for_decision(pk: int) -> AdjustmentRequest:
    return AdjustmentRequest.objects.select_related(
        "attempt__worker__user",
        "attempt__worker__local_authority",
        "attempt__sitting__centre",
        "requested_by",
        "decided_by",
    ).get(pk=pk)


def adjustment_decisions(decision: str | None = None) -> QuerySet[AdjustmentRequest]:
    """Decided requests, newest first, with the time each decision took (for reporting)."""
    decided = AdjustmentRequest.objects.exclude(decision=AdjustmentDecision.PENDING)
    if decision:
        decided = decided.filter(decision=decision)
    return (
        decided.select_related(
            "attempt__worker__user",
            "attempt__worker__local_authority",
            "attempt__sitting__centre",
            "decided_by",
        )
        .annotate(time_to_decision=F("decided_at") - F("requested_at"))
        .order_by("-decided_at", "-id")
    )


def items_filtered(
    *, level: str = "", area_id: int | None = None, status: str = ""
) -> QuerySet[Item]:
    items = Item.objects.select_related("area__framework", "scenario").order_by("code", "-version")
    if level:
        items = items.filter(area__framework__level=level)
    if area_id:
        items = items.filter(area_id=area_id)
    if status == "active":
        items = items.filter(is_active=True)
    elif status == "inactive":
        items = items.filter(is_active=False)
    return items


def test_forms_with_counts() -> QuerySet[TestForm]:
    return (
        TestForm.objects.select_related("scenario", "framework")
        .annotate(result_count=Count("results"))
        .order_by("level", "code")
    )


def test_form_items(form: TestForm) -> QuerySet[TestFormItem]:
    return (
        TestFormItem.objects.filter(form=form)
        .select_related("item__area__framework", "item__scenario")
        .order_by("position")
    )


def test_results_for_assessor(user) -> QuerySet[TestResult]:
    """Test results an assessor or moderator may read: never candidates from LAs they are
    linked to."""
    return (
        TestResult.objects.exclude(
            attempt__worker__local_authority_id__in=assessor_excluded_la_ids(user)
        )
        .select_related("attempt__worker__user", "attempt__sitting__centre", "test_form")
        .order_by("-attempt__sitting__date", "attempt__worker__user__full_name")
    )


def test_result_for_attempt(attempt: Attempt) -> TestResult | None:
    result = (
        TestResult.objects.filter(attempt=attempt)
        .select_related("test_form", "results_import")
        .prefetch_related(
            Prefetch(
                "area_scores",
                queryset=TestAreaScore.objects.select_related("area__framework").order_by(
                    "area__framework__level", "area__number"
                ),
            )
        )
        .first()
    )
    return result


def latest_import_for_sitting(sitting: Sitting):
    return sitting.results_imports.select_related("uploaded_by").first()
