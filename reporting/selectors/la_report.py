"""The monthly LA report: a summary page with England and similar LAs beside the LA
(la_report_summary), then the LA's dashboard figures, support plans and staff list."""

from datetime import date

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery

from assessment.models import Attempt, AttemptState, Outcome, OutcomeResult
from endorsement.models import Endorsement, EndorsementState
from feedback.models import SupportAction, SupportActionStatus, SupportPlan
from naas.models import LocalAuthority, SocialWorker

from .dashboards import dashboard
from .figures import STAGES
from .filters import Filters, _moment_range, tenure_reached_q
from .la_report_summary import la_report_summary


def staff_statuses(local_authority: LocalAuthority, *, today: date, end: date) -> QuerySet:
    """The LA's workers with their latest endorsement, attempt and outcome: one query."""
    latest_endorsement = Endorsement.objects.filter(worker=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    latest_attempt = Attempt.objects.filter(worker=OuterRef("pk")).order_by("-booked_at", "-pk")
    latest_outcome = Outcome.objects.filter(
        attempt__worker=OuterRef("pk"), superseded_at__isnull=True, published_at__isnull=False
    ).order_by("-published_at", "-pk")
    return (
        SocialWorker.objects.filter(local_authority=local_authority)
        .select_related("user")
        .annotate(
            endorsement_state=Subquery(latest_endorsement.values("state")[:1]),
            attempt_state=Subquery(latest_attempt.values("state")[:1]),
            attempt_is_retake=Subquery(
                latest_attempt.annotate(retake=Q(parent__isnull=False)).values("retake")[:1]
            ),
            outcome_result=Subquery(latest_outcome.values("result")[:1]),
            tenure_reached=ExpressionWrapper(tenure_reached_q(end), output_field=BooleanField()),
        )
        .order_by("user__full_name", "pk")
    )


def support_summary(local_authority: LocalAuthority, filters: Filters, *, today: date) -> dict:
    """Support plans started in the period for the LA's workers, and their actions' progress."""
    plans = SupportPlan.objects.filter(
        _moment_range("created_at", filters.start, filters.end_or(today)),
        worker__local_authority=local_authority,
    )
    plan_counts = plans.aggregate(plans=Count("pk"), workers=Count("worker", distinct=True))
    actions = SupportAction.objects.filter(plan__in=plans.values("pk"))
    action_counts = actions.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status=SupportActionStatus.DONE)),
        **{status.value: Count("pk", filter=Q(status=status)) for status in SupportActionStatus},
    )
    return {
        "plans": plan_counts["plans"],
        "workers": plan_counts["workers"],
        "actions": action_counts["total"],
        "overdue": action_counts["overdue"],
        "statuses": [(status.label, action_counts[status.value]) for status in SupportActionStatus],
    }


def worker_status(worker) -> str:
    """One line for the staff list: the furthest the worker has gone."""
    if worker.outcome_result:
        label = OutcomeResult(worker.outcome_result).label
        return f"{label} (fast-track retake)" if worker.attempt_is_retake else label
    if worker.attempt_state:
        return f"Assessment: {AttemptState(worker.attempt_state).label.lower()}"
    if worker.endorsement_state:
        return f"Endorsement: {EndorsementState(worker.endorsement_state).label.lower()}"
    return "Eligible, not yet endorsed" if worker.tenure_reached else "Not yet eligible by tenure"


def la_report_data(local_authority: LocalAuthority, start: date, end: date, *, today: date):
    filters = Filters(local_authority=local_authority, start=start, end=end)
    board = dashboard(filters, today=today, with_groups=False)
    return {
        "local_authority": local_authority,
        "start": start,
        "end": end,
        "funnel": [(label, board.funnel[name]) for name, label in STAGES],
        "first": board.first,
        "retake": board.retake,
        "areas": board.areas,
        "support": support_summary(local_authority, filters, today=today),
        "staff": list(staff_statuses(local_authority, today=today, end=end)),
        **la_report_summary(local_authority, start, end, today=today),
    }
