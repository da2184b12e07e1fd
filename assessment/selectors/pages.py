"""Reads for assessment days and the knowledge test, shaped so each page's query count stays
the same however much data there is."""

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from endorsement.models import Endorsement
from endorsement.selectors import endorsements_bookable
from naas.models import KSSArea, KSSFramework, Role, SocialWorker, User
from naas.policies import la_ids_where

from ..models import (
    SEAT_TAKING_STATES,
    AdjustmentDecision,
    AdjustmentRequest,
    Allocation,
    AreaMark,
    AreaOutcome,
    Attempt,
    AttemptState,
    Item,
    MarkerRole,
    Outcome,
    OutcomeRuleSet,
    ReviewRequest,
    Sitting,
    TestAreaScore,
    TestForm,
    TestFormItem,
    TestResult,
)
from ..policies import attempts_conflicted_for, conflicted_users


# A parent's area rows by area number. Not the models' orderings: theirs begin with the parent
# ("outcome", "allocation"), which expands to the parent's own ordering and joins the outcomes
# and attempts tables only to sort rows that all share one parent.
def _area_outcomes_by_number() -> QuerySet[AreaOutcome]:
    return AreaOutcome.objects.select_related("area").order_by("area__number")


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
    """Test results an assessor or moderator may read: only attempts allocated to them, never
    with a conflict of interest."""
    return (
        TestResult.objects.filter(
            attempt__allocations__assessor=user, attempt__allocations__active=True
        )
        .distinct()
        .exclude(attempts_conflicted_for(user, prefix="attempt__"))
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


# --- Simulated practice, moderation, outcomes and reviews -----------------------------------


def allocations_for_assessor(user) -> QuerySet[Allocation]:
    """The user's active parts in marking, newest sitting first, never for a candidate in
    whom they have a conflict of interest."""
    return (
        Allocation.objects.filter(assessor=user, active=True)
        .exclude(attempts_conflicted_for(user, prefix="attempt__"))
        .select_related("attempt__worker__user", "attempt__sitting__centre")
        .prefetch_related(
            Prefetch("attempt__reviews", queryset=ReviewRequest.objects.order_by("-requested_at"))
        )
        .order_by("-attempt__sitting__date", "attempt_id")
    )


def attempts_to_allocate() -> QuerySet[Attempt]:
    """Attempts whose marking waits for someone to be allocated (or for their marks)."""
    return (
        Attempt.objects.filter(
            state__in=[AttemptState.SAT, AttemptState.SCORED, AttemptState.UNDER_REVIEW]
        )
        .select_related("worker__user", "worker__local_authority", "sitting__centre")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.filter(active=True).select_related("assessor"),
            )
        )
        .order_by("sitting__date", "pk")
    )


def attempt_for_marking(pk: int) -> Attempt:
    return (
        Attempt.objects.select_related(
            "worker__user", "worker__local_authority", "sitting__centre", "framework", "parent"
        )
        .prefetch_related(
            Prefetch("areas", queryset=KSSArea.objects.order_by("number")),
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("assessor").prefetch_related(
                    Prefetch(
                        "marks",
                        queryset=AreaMark.objects.select_related("area").order_by("area__number"),
                    )
                ),
            ),
        )
        .get(pk=pk)
    )


def eligible_markers(attempt: Attempt, role: str):
    """People who could take `role` on the attempt: holding the role, without a conflict of
    interest in the candidate, and with no other part in the attempt."""
    wanted = [Role.MODERATOR] if role == MarkerRole.MODERATOR else [Role.ASSESSOR, Role.MODERATOR]
    already = Allocation.objects.filter(attempt=attempt).values("assessor_id")
    return (
        User.objects.filter(staff_roles__role__in=wanted)
        .exclude(pk__in=conflicted_users(attempt.worker).values("pk"))
        .exclude(pk__in=already)
        .distinct()
        .order_by("full_name", "pk")
    )


def outcome_detail(pk: int) -> Outcome:
    return (
        Outcome.objects.select_related(
            "attempt__worker__user",
            "attempt__worker__local_authority",
            "attempt__sitting__centre",
            "attempt__parent",
            "rule_set__framework",
            "confirmed_by",
        )
        .prefetch_related(Prefetch("area_outcomes", queryset=_area_outcomes_by_number()))
        .get(pk=pk)
    )


def outcomes_to_confirm() -> QuerySet[Outcome]:
    return (
        Outcome.objects.filter(
            confirmed_at__isnull=True, published_at__isnull=True, superseded_at__isnull=True
        )
        .select_related("attempt__worker__user", "rule_set")
        .order_by("created_at", "pk")
    )


def outcomes_to_publish() -> QuerySet[Outcome]:
    return (
        Outcome.objects.filter(
            confirmed_at__isnull=False, published_at__isnull=True, superseded_at__isnull=True
        )
        .select_related("attempt__worker__user", "rule_set", "confirmed_by")
        .order_by("confirmed_at", "pk")
    )


def outcome_history(attempt: Attempt) -> QuerySet[Outcome]:
    return attempt.outcomes.select_related("rule_set").order_by("-version")


def worker_outcomes(worker: SocialWorker) -> list[Attempt]:
    """The worker's attempts that have a published outcome (or are under review), each with
    its newest published outcome as `.outcome`, newest first."""
    attempts = list(
        Attempt.objects.filter(worker=worker, outcomes__published_at__isnull=False)
        .distinct()
        .select_related("sitting__centre", "parent")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.filter(published_at__isnull=False)
                .select_related("rule_set")
                .prefetch_related(Prefetch("area_outcomes", queryset=_area_outcomes_by_number()))
                .order_by("-version"),
                to_attr="published_outcomes",
            ),
            Prefetch("retakes", queryset=Attempt.objects.select_related("sitting__centre")),
            Prefetch("reviews", queryset=ReviewRequest.objects.order_by("-requested_at")),
        )
        .order_by("-sitting__date", "-pk")
    )
    for attempt in attempts:
        attempt.outcome = attempt.published_outcomes[0]
    return attempts


def rule_sets_by_framework() -> list[tuple[KSSFramework, list[OutcomeRuleSet]]]:
    frameworks = list(KSSFramework.objects.filter(is_current=True).order_by("level"))
    rule_sets = OutcomeRuleSet.objects.filter(framework__in=frameworks).select_related("created_by")
    grouped = {f.pk: [] for f in frameworks}
    for rule_set in rule_sets.order_by("-version"):
        grouped[rule_set.framework_id].append(rule_set)
    return [(f, grouped[f.pk]) for f in frameworks]


def reviews_for_reviewer(user) -> QuerySet[ReviewRequest]:
    return (
        ReviewRequest.objects.filter(
            attempt__allocations__assessor=user,
            attempt__allocations__role=MarkerRole.REVIEWER,
            attempt__allocations__active=True,
        )
        .select_related("attempt__worker__user", "outcome")
        .order_by("-requested_at")
    )


def review_detail(pk: int) -> ReviewRequest:
    return ReviewRequest.objects.select_related(
        "attempt__worker__user", "attempt__worker__local_authority", "outcome", "decided_by"
    ).get(pk=pk)
