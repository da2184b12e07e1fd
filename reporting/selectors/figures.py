"""The dashboard's figures, each counted in the database by LA, month, area or group."""

from collections import defaultdict
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from assessment.models import AreaOutcome, Attempt, AttemptState, OutcomeResult
from endorsement.models import Endorsement
from naas.models import (
    AgeBand,
    Disability,
    EmploymentType,
    EthnicityGroup,
    Level,
    LocalAuthority,
    Sex,
    SocialWorker,
)

from .filters import (
    Filters,
    _la_q,
    _level_q,
    _moment_range,
    _worker_q,
    current_outcomes,
    tenure_reached_q,
)

RESULTS = [OutcomeResult.MET, OutcomeResult.PARTIALLY_MET, OutcomeResult.NOT_MET]


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


def local_authorities_in_scope(filters: Filters) -> list[LocalAuthority]:
    return list(LocalAuthority.objects.filter(_la_q(filters)).select_related("phase"))


def _zero_funnel() -> dict[str, int]:
    return {name: 0 for name, _ in STAGES}


# --- The same counts per LA, for the precomputed figures (reporting.summaries) ----------------

LA_PATH = "attempt__worker__local_authority_id"


def outcomes_by_la_and_month(filters: Filters, *, today: date) -> list[tuple[int, date, str, int]]:
    """(LA id, month of publication, result, outcomes): outcomes_by_month for each LA."""
    rows = (
        current_outcomes(filters, today=today)
        .annotate(month=TruncMonth("published_at"))
        .order_by()
        .values(LA_PATH, "month", "result")
        .annotate(count=Count("pk"))
    )
    counts: dict[tuple[int, date, str], int] = defaultdict(int)
    for row in rows:
        month = row["month"]
        month = (month.date() if isinstance(month, datetime) else month).replace(day=1)
        counts[(row[LA_PATH], month, row["result"])] += row["count"]
    return [(la_id, month, result, count) for (la_id, month, result), count in counts.items()]


def area_results_by_la(filters: Filters, *, today: date) -> list[dict]:
    """Rows of (LA, level, area number, title, result, count): area_results for each LA."""
    outcomes = current_outcomes(filters, today=today)
    return list(
        AreaOutcome.objects.filter(outcome__in=outcomes.values("pk"), carried_forward=False)
        .order_by()
        .values(
            f"outcome__{LA_PATH}", "area__framework__level", "area__number", "area__title", "result"
        )
        .annotate(count=Count("pk"))
    )


def outcomes_by_la_and_group(filters: Filters, grouping: str, *, today: date) -> list[dict]:
    """Rows of (LA, the worker's value for `grouping`, result, count), first attempts only."""
    return list(
        current_outcomes(filters, today=today)
        .filter(attempt__parent__isnull=True)
        .order_by()
        .values(LA_PATH, f"attempt__worker__{grouping}", "result")
        .annotate(count=Count("pk"))
    )


def sort_areas(areas: list[dict]) -> list[dict]:
    """KSS areas in the order of the levels, then by number."""
    level_order = {Level(value).label: n for n, value in enumerate(Level.values)}
    return sorted(areas, key=lambda r: (level_order.get(r["level"], 9), r["number"]))


def area_row(level_label: str, number: int, title: str, counts: dict[str, int]) -> dict:
    total = sum(counts.values())
    return {
        "level": level_label,
        "number": number,
        "title": title,
        "total": total,
        "met": counts.get(OutcomeResult.MET, 0),
        "partially_met": counts.get(OutcomeResult.PARTIALLY_MET, 0),
        "not_met": counts.get(OutcomeResult.NOT_MET, 0),
        "met_percent": round(100 * counts.get(OutcomeResult.MET, 0) / total) if total else 0,
    }


def group_rows(grouping: str, counts: dict[str, dict[str, int]]) -> list[tuple[str, list]]:
    """Counts per value of a grouping (value -> result -> count) as the dashboard's rows, with
    "Not recorded" for the equality questions."""
    _, choices = GROUPINGS[grouping]
    labels = list(choices)
    if grouping != "employment_type":
        labels.append(("", NOT_RECORDED))
    return [(label, [counts.get(value, {}).get(r, 0) for r in RESULTS]) for value, label in labels]
