"""Every read for LA reports and the DfE dashboards. Everything is counted in the database
(grouped, conditional counts), so each page runs the same number of queries whatever the size
of the data: one query per table, never one per LA, worker or month."""

import math
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from assessment.models import AreaOutcome, Attempt, AttemptState, Outcome, OutcomeResult
from endorsement.models import Endorsement, EndorsementState
from feedback.models import SupportAction, SupportActionStatus, SupportPlan
from naas.dates import add_months, govuk_month
from naas.models import (
    MIN_TENURE_CEILING_MONTHS,
    MIN_TENURE_FLOOR_MONTHS,
    AgeBand,
    Disability,
    EmploymentType,
    EthnicityGroup,
    Level,
    LocalAuthority,
    Phase,
    Region,
    Sex,
    SocialWorker,
)

RESULTS = [OutcomeResult.MET, OutcomeResult.PARTIALLY_MET, OutcomeResult.NOT_MET]
PROJECTION_WINDOW_MONTHS = 12
PROJECTION_HORIZON_YEARS = 50


@dataclass(frozen=True)
class Filters:
    """What a dashboard or report is about. Empty values mean "all"."""

    phase: Phase | None = None
    local_authority: LocalAuthority | None = None
    region: str = ""
    level: str = ""
    start: date | None = None
    end: date | None = None

    def end_or(self, today: date) -> date:
        return self.end or today

    @property
    def scope(self) -> str:
        """What the figures cover, in words: "Beta phase, London, Practice supervisor"."""
        parts = [
            self.local_authority.name
            if self.local_authority
            else f"{self.phase} phase"
            if self.phase
            else "England"
        ]
        if self.region:
            parts.append(Region(self.region).label)
        if self.level:
            parts.append(Level(self.level).label)
        return ", ".join(parts)


# --- Filters as query conditions ---------------------------------------------------------------


# The forms refuse any date outside its range (a period lies between SERVICE_START and today),
# so these never see an extreme date from a request. They are still total over every date a
# `date` can hold, so a direct call with 1 January 1 or 31 December 9999 cannot overflow: a
# bound beyond what the arithmetic can represent means "no bound", which is what it covers.
_FIRST_BOUNDED_DAY = date.min + timedelta(days=1)
_LAST_BOUNDED_DAY = date.max - timedelta(days=1)


def latest_start_for_tenure(end: date, months: int) -> date:
    """The latest start date from which `months` calendar months are reached by `end`, counted
    as naas.dates does (a month after 31 August is 28 or 29 February). `date.min` when that
    would be before 1 January of year 1 (no one started then)."""
    try:
        bound = add_months(end, -months)
    except ValueError:  # before year 1
        return date.min
    if end.day == monthrange(end.year, end.month)[1]:  # end is a month's last day
        return bound.replace(day=monthrange(bound.year, bound.month)[1])
    return bound


def tenure_reached_q(end: date, prefix: str = "") -> Q:
    """Workers whose LA's minimum tenure was reached by `end` (one condition per allowed
    minimum, 6 to 12 months, so it stays a single query)."""
    condition = Q(pk__in=[])
    for months in range(MIN_TENURE_FLOOR_MONTHS, MIN_TENURE_CEILING_MONTHS + 1):
        condition |= Q(
            **{
                f"{prefix}local_authority__min_tenure_months": months,
                f"{prefix}employed_since__lte": latest_start_for_tenure(end, months),
            }
        )
    return condition


def _worker_q(filters: Filters, prefix: str = "") -> Q:
    condition = Q()
    if filters.phase is not None:
        condition &= Q(**{f"{prefix}local_authority__phase": filters.phase})
    if filters.local_authority is not None:
        condition &= Q(**{f"{prefix}local_authority": filters.local_authority})
    if filters.region:
        condition &= Q(**{f"{prefix}local_authority__region": filters.region})
    return condition


def _la_q(filters: Filters) -> Q:
    condition = Q()
    if filters.phase is not None:
        condition &= Q(phase=filters.phase)
    if filters.local_authority is not None:
        condition &= Q(pk=filters.local_authority.pk)
    if filters.region:
        condition &= Q(region=filters.region)
    return condition


def _moment_range(field_name: str, start: date | None, end: date | None) -> Q:
    """A datetime field within whole days from `start` to `end` (local time), index-friendly.
    A start on the first day a date can hold, or an end on the last, leaves that side open."""
    condition = Q()
    zone = timezone.get_current_timezone()
    if start is not None and start >= _FIRST_BOUNDED_DAY:
        condition &= Q(**{f"{field_name}__gte": datetime.combine(start, time.min, zone)})
    if end is not None and end <= _LAST_BOUNDED_DAY:
        after = datetime.combine(end + timedelta(days=1), time.min, zone)
        condition &= Q(**{f"{field_name}__lt": after})
    return condition


def current_outcomes(filters: Filters, *, today: date, with_period: bool = True) -> QuerySet:
    """The current, published outcome of each attempt in scope (published in the period)."""
    outcomes = Outcome.objects.filter(
        _worker_q(filters, "attempt__worker__"),
        superseded_at__isnull=True,
        published_at__isnull=False,
    )
    if filters.level:
        outcomes = outcomes.filter(attempt__level=filters.level)
    if with_period:
        outcomes = outcomes.filter(
            _moment_range("published_at", filters.start, filters.end_or(today))
        )
    return outcomes


def _level_q(filters: Filters, field_name: str = "level") -> Q:
    return Q(**{field_name: filters.level}) if filters.level else Q()


def _stage_querysets(filters: Filters, *, today: date) -> dict[str, tuple[QuerySet, str]]:
    """For each pipeline stage after "eligible": the rows that show a worker reached it in
    the period, and the path from those rows to the worker."""
    end = filters.end_or(today)
    endorsed = Endorsement.objects.filter(
        _worker_q(filters, "worker__"),
        _level_q(filters),
        _moment_range("endorsed_at", filters.start, end),
        endorsed_at__isnull=False,
    )
    booked = Attempt.objects.filter(
        _worker_q(filters, "worker__"),
        _level_q(filters),
        _moment_range("booked_at", filters.start, end),
        parent__isnull=True,
    ).exclude(state=AttemptState.CANCELLED)
    assessed = Attempt.objects.filter(
        _worker_q(filters, "worker__"),
        _level_q(filters),
        _moment_range("sat_at", filters.start, end),
        parent__isnull=True,
        sat_at__isnull=False,
    )
    met = current_outcomes(filters, today=today).filter(result=OutcomeResult.MET)
    return {
        "endorsed": (endorsed, "worker"),
        "booked": (booked, "worker"),
        "assessed": (assessed, "worker"),
        "accredited": (met, "attempt__worker"),
    }


def _workers_per_la(rows: QuerySet, worker_path: str, **counts) -> dict[int, dict[str, int]]:
    """Distinct workers per LA among `rows` (one grouped query)."""
    grouped = (
        rows.order_by()
        .values(f"{worker_path}__local_authority_id")
        .annotate(
            **{
                name: Count(worker_path, distinct=True, filter=q or None)
                for name, q in counts.items()
            }
        )
    )
    return {row.pop(f"{worker_path}__local_authority_id"): row for row in grouped}


STAGES = [
    ("staff", "Social workers"),
    ("eligible", "Eligible by tenure"),
    ("endorsed", "Endorsed"),
    ("booked", "Booked an assessment"),
    ("assessed", "Assessed"),
    ("accredited", "Met the standard (accredited)"),
]


def funnel_by_la(filters: Filters, *, today: date) -> dict[int, dict[str, int]]:
    """Pipeline counts of workers per LA: one grouped query per stage (each an index-friendly
    scan of its own table, cheaper than a correlated subquery per worker)."""
    workers = SocialWorker.objects.filter(_worker_q(filters))
    if filters.level:
        workers = workers.filter(job_level=filters.level)
    staff = (
        workers.order_by()
        .values("local_authority_id")
        .annotate(
            staff=Count("pk"),
            eligible=Count("pk", filter=tenure_reached_q(filters.end_or(today))),
        )
    )
    funnels = {row.pop("local_authority_id"): {**_zero_funnel(), **row} for row in staff}
    for stage, (rows, path) in _stage_querysets(filters, today=today).items():
        for la_id, counts in _workers_per_la(rows, path, count=Q()).items():
            funnels.setdefault(la_id, _zero_funnel())[stage] = counts["count"]
    return funnels


def outcomes_by_la(filters: Filters, *, today: date) -> dict[int, dict[str, dict[str, int]]]:
    """Outcome counts per LA and result, first attempts and fast-track retakes apart."""
    rows = (
        current_outcomes(filters, today=today)
        .order_by()
        .values("attempt__worker__local_authority_id", "result")
        .annotate(
            first=Count("pk", filter=Q(attempt__parent__isnull=True)),
            retake=Count("pk", filter=Q(attempt__parent__isnull=False)),
        )
    )
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: {"first": dict.fromkeys(RESULTS, 0), "retake": dict.fromkeys(RESULTS, 0)}
    )
    for row in rows:
        entry = counts[row["attempt__worker__local_authority_id"]]
        entry["first"][row["result"]] += row["first"]
        entry["retake"][row["result"]] += row["retake"]
    return counts


def outcomes_by_month(filters: Filters, *, today: date) -> list[dict]:
    """Outcomes (first attempts and retakes) per month of publication, oldest first."""
    rows = (
        current_outcomes(filters, today=today)
        .annotate(month=TruncMonth("published_at"))
        .order_by()
        .values("month", "result")
        .annotate(count=Count("pk"))
    )
    months: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RESULTS, 0))
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        months[month.replace(day=1)][row["result"]] += row["count"]
    return [
        {"month": month, **counts, "total": sum(counts.values())}
        for month, counts in sorted(months.items())
    ]


def area_results(filters: Filters, *, today: date) -> list[dict]:
    """Per KSS area: how many were assessed in it and how many met it (areas carried forward
    from an earlier attempt are not counted again)."""
    outcomes = current_outcomes(filters, today=today)
    rows = (
        AreaOutcome.objects.filter(outcome__in=outcomes.values("pk"), carried_forward=False)
        .order_by()
        .values("area__framework__level", "area__number", "area__title")
        .annotate(
            total=Count("pk"),
            met=Count("pk", filter=Q(result=OutcomeResult.MET)),
            partially_met=Count("pk", filter=Q(result=OutcomeResult.PARTIALLY_MET)),
            not_met=Count("pk", filter=Q(result=OutcomeResult.NOT_MET)),
        )
    )
    level_order = {value: n for n, value in enumerate(Level.values)}
    result = [
        {
            "level": Level(row["area__framework__level"]).label,
            "number": row["area__number"],
            "title": row["area__title"],
            "total": row["total"],
            "met": row["met"],
            "partially_met": row["partially_met"],
            "not_met": row["not_met"],
            "met_percent": round(100 * row["met"] / row["total"]) if row["total"] else 0,
        }
        for row in rows
    ]
    result.sort(key=lambda r: (level_order.get(_level_value(r["level"]), 9), r["number"]))
    return result


def _level_value(label: str) -> str:
    return next(value for value, text in Level.choices if text == label)


GROUPINGS = {
    "employment_type": ("Employment type", EmploymentType.choices),
    "age_band": ("Age", AgeBand.choices),
    "ethnicity_group": ("Ethnic group", EthnicityGroup.choices),
    "sex": ("Sex", Sex.choices),
    "disability": ("Disability", Disability.choices),
}
NOT_RECORDED = "Not recorded"


def outcomes_by_group(filters: Filters, grouping: str, *, today: date) -> list[tuple[str, list]]:
    """First-attempt outcome counts per value of a worker attribute (employment type or an
    equality answer), with a "Not recorded" row for workers who gave none. Unsuppressed."""
    _, choices = GROUPINGS[grouping]
    rows = (
        current_outcomes(filters, today=today)
        .filter(attempt__parent__isnull=True)
        .order_by()
        .values(f"attempt__worker__{grouping}", "result")
        .annotate(count=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RESULTS, 0))
    for row in rows:
        counts[row[f"attempt__worker__{grouping}"]][row["result"]] += row["count"]
    labels = [(value, label) for value, label in choices]
    if grouping != "employment_type":
        labels.append(("", NOT_RECORDED))
    return [(label, [counts[value][r] for r in RESULTS]) for value, label in labels]


def accredited_for_projection(filters: Filters, *, today: date) -> dict[int, dict[str, int]]:
    """Per LA: workers accredited so far, and in the last 12 months (the current rate). The
    period filter does not apply: a projection looks at everything up to today."""
    unbounded = Filters(
        phase=filters.phase,
        local_authority=filters.local_authority,
        region=filters.region,
        level=filters.level,
    )
    met = current_outcomes(unbounded, today=today).filter(result=OutcomeResult.MET)
    window_start = add_months(today, -PROJECTION_WINDOW_MONTHS)
    recent = _moment_range("published_at", window_start + timedelta(days=1), today)
    return _workers_per_la(met, "attempt__worker", accredited=Q(), recent=recent)


def local_authorities_in_scope(filters: Filters) -> list[LocalAuthority]:
    return list(LocalAuthority.objects.filter(_la_q(filters)).select_related("phase"))


# --- The dashboard, assembled ----------------------------------------------------------------


@dataclass
class Projection:
    target: int
    accredited: int
    per_month: float
    reached: bool
    projected_month: date | None
    beyond_horizon: bool = False

    @property
    def description(self) -> str:
        if self.reached:
            return "Target reached"
        if self.beyond_horizon:
            return f"Not within {PROJECTION_HORIZON_YEARS} years at the current rate"
        if self.projected_month is None:
            return "Not at the current rate (no one accredited in the last 12 months)"
        return govuk_month(self.projected_month)


def project(*, target: int, accredited: int, recent: int, today: date) -> Projection:
    """When a target is reached if the last 12 months' rate goes on."""
    per_month = recent / PROJECTION_WINDOW_MONTHS
    if accredited >= target:
        return Projection(target, accredited, per_month, True, None)
    if per_month <= 0:
        return Projection(target, accredited, per_month, False, None)
    months = math.ceil((target - accredited) / per_month)
    if months > 12 * PROJECTION_HORIZON_YEARS:
        return Projection(target, accredited, per_month, False, None, beyond_horizon=True)
    return Projection(
        target, accredited, per_month, False, add_months(today, months).replace(day=1)
    )


@dataclass
class LARow:
    local_authority: LocalAuthority
    funnel: dict[str, int]
    first: dict[str, int]
    retake: dict[str, int]
    grant: Decimal

    @property
    def assessed_outcomes(self) -> int:
        return sum(self.first.values())

    @property
    def agreement_percent(self) -> int | None:
        total = self.assessed_outcomes
        return round(100 * self.first[OutcomeResult.MET] / total) if total else None


@dataclass
class Dashboard:
    filters: Filters
    today: date
    funnel: dict[str, int]
    first: dict[str, int]
    retake: dict[str, int]
    by_month: list[dict]
    areas: list[dict]
    las: list[LARow]
    phases: list[dict]
    groups: dict[str, list[tuple[str, list]]] = field(default_factory=dict)
    grant: Decimal = Decimal(0)

    @property
    def grant_per_accredited(self) -> Decimal | None:
        accredited = self.funnel["accredited"]
        return (self.grant / accredited).quantize(Decimal("1")) if accredited else None


def _zero_funnel() -> dict[str, int]:
    return {name: 0 for name, _ in STAGES}


def dashboard(filters: Filters, *, today: date, with_groups: bool = True) -> Dashboard:
    """Every figure on the DfE dashboard for these filters, in a fixed number of queries."""
    las = local_authorities_in_scope(filters)
    funnels = funnel_by_la(filters, today=today)
    outcomes = outcomes_by_la(filters, today=today)
    projections = accredited_for_projection(filters, today=today)
    la_rows = [
        LARow(
            local_authority=la,
            funnel=funnels.get(la.pk, _zero_funnel()),
            first=outcomes[la.pk]["first"] if la.pk in outcomes else dict.fromkeys(RESULTS, 0),
            retake=outcomes[la.pk]["retake"] if la.pk in outcomes else dict.fromkeys(RESULTS, 0),
            grant=la.grant_received,
        )
        for la in las
    ]
    total = _zero_funnel()
    first = dict.fromkeys(RESULTS, 0)
    retake = dict.fromkeys(RESULTS, 0)
    grant = Decimal(0)
    phases: dict[int, dict] = {}
    for row in la_rows:
        for name in total:
            total[name] += row.funnel[name]
        for result in RESULTS:
            first[result] += row.first[result]
            retake[result] += row.retake[result]
        grant += row.grant
        phase = row.local_authority.phase
        entry = phases.setdefault(
            phase.pk,
            {
                "phase": phase,
                "la_count": 0,
                "funnel": _zero_funnel(),
                "grant": Decimal(0),
                "accredited_to_date": 0,
                "recent": 0,
            },
        )
        entry["la_count"] += 1
        entry["grant"] += row.grant
        for name in total:
            entry["funnel"][name] += row.funnel[name]
        counts = projections.get(row.local_authority.pk, {"accredited": 0, "recent": 0})
        entry["accredited_to_date"] += counts["accredited"]
        entry["recent"] += counts["recent"]
    phase_rows = sorted(phases.values(), key=lambda p: p["phase"].starts_on)
    for entry in phase_rows:
        entry["projection"] = project(
            target=entry["phase"].target_accredited,
            accredited=entry["accredited_to_date"],
            recent=entry["recent"],
            today=today,
        )
        accredited = entry["accredited_to_date"]
        entry["grant_per_accredited"] = (
            (entry["grant"] / accredited).quantize(Decimal("1")) if accredited else None
        )
    result = Dashboard(
        filters=filters,
        today=today,
        funnel=total,
        first=first,
        retake=retake,
        by_month=outcomes_by_month(filters, today=today),
        areas=area_results(filters, today=today),
        las=la_rows,
        phases=phase_rows,
        grant=grant,
    )
    if with_groups:
        result.groups = {
            grouping: outcomes_by_group(filters, grouping, today=today) for grouping in GROUPINGS
        }
    return result


# --- The LA report ---------------------------------------------------------------------------


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
    }
