"""The dashboards' precomputed figures: every count the DfE dashboard shows without a period,
per LA and job level, stored as one FiguresRun of FigureCount rows.

Why: at national scale the live aggregates re-join outcome → attempt → worker → LA for every
table on every page view. A refresh counts them once (the same selectors as the live page, so
the two cannot disagree) and a page then sums at most a few thousand small rows.

When it is refreshed:
- after a change that moves the figures commits (reporting.signals: an outcome published, an
  endorsement, attempt, worker or LA saved), by a Celery task sent on commit;
- when a page finds the figures older than the latest audit event (every state change writes
  one, bulk imports included) or counted to an earlier day (tenure and "the last 12 months"
  move with the date): the page shows the figures it has, with their time, and asks for a
  refresh;
- every night by Celery beat, and on the very first read (nothing stored yet).

Counts are stored unsuppressed; suppression is applied when a table is shown
(reporting.suppression), so the rule has one home.
"""

import logging
from collections import defaultdict
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q, Subquery, Sum
from django.utils import timezone

from naas.models import AuditEvent, Level

from .models import FigureCount, FiguresRun
from .selectors.figures import (
    GROUPINGS,
    RESULTS,
    STAGES,
    area_results_by_la,
    funnel_by_la,
    outcomes_by_la,
    outcomes_by_la_and_group,
    outcomes_by_la_and_month,
)
from .selectors.filters import Filters
from .selectors.projections import accredited_for_projection

logger = logging.getLogger(__name__)

REFRESH_TASK = "reporting.tasks.refresh_dashboard_figures"
REFRESH_QUEUED_KEY = "reporting:figures-refresh-queued"
REFRESH_QUEUED_SECONDS = 120  # one refresh asked for at a time; a lost one is asked again after
BATCH = 5_000

# Measures of distinct workers (they do not add up over levels: a row for all levels too).
FUNNEL, PROJECTION = "funnel", "projection"
# Measures that add up over LAs and levels.
FIRST, RETAKE, MONTH, AREA, GROUP = "first", "retake", "month", "area", "group"
PER_LA_MEASURES = (FUNNEL, PROJECTION, FIRST, RETAKE)
TOTAL_MEASURES = (MONTH, AREA, GROUP)
ALL_LEVELS = ""


# --- Refreshing ----------------------------------------------------------------------------


def _distinct_rows(level: str, *, today: date) -> list[FigureCount]:
    filters = Filters(level=level)
    rows = [
        FigureCount(local_authority_id=la_id, level=level, measure=FUNNEL, key=stage, count=n)
        for la_id, funnel in funnel_by_la(filters, today=today).items()
        for stage, n in funnel.items()
        if n
    ]
    for la_id, counts in accredited_for_projection(filters, today=today).items():
        rows += [
            FigureCount(local_authority_id=la_id, level=level, measure=PROJECTION, key=k, count=n)
            for k, n in counts.items()
            if n
        ]
    return rows


def _additive_rows(level: str, *, today: date) -> list[FigureCount]:
    filters = Filters(level=level)

    def row(la_id, measure, key, result, count, label=""):
        return FigureCount(
            local_authority_id=la_id,
            level=level,
            measure=measure,
            key=key,
            label=label,
            result=result,
            count=count,
        )

    rows = []
    for la_id, kinds in outcomes_by_la(filters, today=today).items():
        for kind in (FIRST, RETAKE):
            rows += [row(la_id, kind, "", r, n) for r, n in kinds[kind].items() if n]
    rows += [
        row(la_id, MONTH, month.isoformat(), result, n)
        for la_id, month, result, n in outcomes_by_la_and_month(filters, today=today)
    ]
    rows += [
        row(
            a["outcome__attempt__worker__local_authority_id"],
            AREA,
            f"{a['area__framework__level']}|{a['area__number']}",
            a["result"],
            a["count"],
            label=a["area__title"],
        )
        for a in area_results_by_la(filters, today=today)
    ]
    for grouping in GROUPINGS:
        rows += [
            row(
                g["attempt__worker__local_authority_id"],
                GROUP,
                f"{grouping}|{g[f'attempt__worker__{grouping}']}",
                g["result"],
                g["count"],
            )
            for g in outcomes_by_la_and_group(filters, grouping, today=today)
        ]
    return rows


def _latest_audit_id() -> int:
    return AuditEvent.objects.aggregate(latest=Max("id"))["latest"] or 0


@transaction.atomic
def figures_refresh(*, today: date | None = None) -> FiguresRun:
    """Count everything again into a new run, then drop the older runs (readers of an older
    run still see a whole one: the swap is one transaction)."""
    today = today or timezone.localdate()
    through = _latest_audit_id()  # read first: anything later marks the new run stale
    rows = []
    for level in (ALL_LEVELS, *Level.values):
        rows += _distinct_rows(level, today=today)
    for level in Level.values:
        rows += _additive_rows(level, today=today)
    run = FiguresRun.objects.create(
        computed_at=timezone.now(), as_of=today, through_audit_id=through
    )
    for row in rows:
        row.run = run
    FigureCount.objects.bulk_create(rows, batch_size=BATCH)
    FiguresRun.objects.filter(pk__lt=run.pk).delete()
    return run


def figures_refresh_request() -> None:
    """Ask the worker for a refresh (at most one waiting at a time). Never raises, never
    waits long with the broker down (naas.services' short-timeout send)."""
    from naas.services import task_send_quickly

    try:
        if not cache.add(REFRESH_QUEUED_KEY, 1, REFRESH_QUEUED_SECONDS):
            return
    except Exception as exc:  # the cache is down: send anyway, a duplicate refresh is harmless
        logger.warning("figures refresh debounce unavailable: %s", type(exc).__name__)
    task_send_quickly(REFRESH_TASK, 0)


def figures_refresh_queued_clear() -> None:
    try:
        cache.delete(REFRESH_QUEUED_KEY)
    except Exception as exc:
        logger.warning("figures refresh debounce unavailable: %s", type(exc).__name__)


# --- Reading -------------------------------------------------------------------------------


def _latest_run_with_news() -> FiguresRun | None:
    """The latest run, and (one query) the latest audit event id to compare it with."""
    latest_audit = AuditEvent.objects.order_by("-id").values("id")[:1]
    return FiguresRun.objects.annotate(latest_audit_id=Subquery(latest_audit)).first()


def current_run(*, today: date) -> FiguresRun:
    """The figures to show: the latest run, refreshed first only when there is none; when it
    is out of date a refresh is asked for and this one is shown with its time."""
    run = _latest_run_with_news()
    if run is None:
        return figures_refresh(today=today)
    if run.as_of != today or (run.latest_audit_id or 0) > run.through_audit_id:
        figures_refresh_request()
        newer = FiguresRun.objects.filter(pk__gt=run.pk).first()  # a refresh ran here (eager)
        return newer or run
    return run


def _scope(run: FiguresRun, filters: Filters, la_ids: list[int], measures) -> Q:
    condition = Q(run=run, measure__in=measures)
    if filters.phase or filters.local_authority or filters.region:
        condition &= Q(local_authority_id__in=la_ids)
    return condition


def stored_per_la(run: FiguresRun, filters: Filters, la_ids: list[int]) -> dict:
    """Per LA: the funnel, first and retake outcome counts and projection counts."""
    distinct_level = filters.level or ALL_LEVELS
    rows = FigureCount.objects.filter(
        _scope(run, filters, la_ids, PER_LA_MEASURES),
        Q(measure__in=(FUNNEL, PROJECTION), level=distinct_level)
        | Q(measure__in=(FIRST, RETAKE), **({"level": filters.level} if filters.level else {})),
    )
    figures = {
        FUNNEL: defaultdict(lambda: dict.fromkeys((s for s, _ in STAGES), 0)),
        PROJECTION: defaultdict(lambda: {"accredited": 0, "recent": 0}),
        FIRST: defaultdict(lambda: dict.fromkeys(RESULTS, 0)),
        RETAKE: defaultdict(lambda: dict.fromkeys(RESULTS, 0)),
    }
    for la_id, measure, key, result, count in rows.values_list(
        "local_authority_id", "measure", "key", "result", "count"
    ):
        figures[measure][la_id][key or result] += count
    return figures


def stored_totals(run: FiguresRun, filters: Filters, la_ids: list[int]) -> list[dict]:
    """Months, areas and groups summed over the LAs (and levels) in scope."""
    rows = FigureCount.objects.filter(_scope(run, filters, la_ids, TOTAL_MEASURES))
    if filters.level:
        rows = rows.filter(level=filters.level)
    return list(
        rows.order_by().values("measure", "key", "label", "result").annotate(count=Sum("count"))
    )
