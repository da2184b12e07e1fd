"""The LA report's first page and comparisons: the LA's figures beside England's, a trend by
quarter, and LAs like it (the same Ofsted grade, the same region).

Everything comes from one national pass (a fixed number of grouped queries, whatever the number of
LAs or workers), summed per group in Python. Every table of counts about people goes through
reporting.suppression (read only): a count from 1 to 4, and whatever would give it away, is
withheld, and a rate is shown only when the counts it is made of are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from naas.dates import add_months, govuk_month
from naas.models import Level, LocalAuthority, OfstedGrade, Region

from ..suppression import Cell, Share, suppress, total_cell
from .figures import (
    LA_PATH,
    RESULTS,
    STAGES,
    area_results_by_la,
    funnel_by_la,
    local_authorities_in_scope,
    outcomes_by_la,
    outcomes_by_la_and_month,
)
from .filters import Filters

TREND_QUARTERS = 4
AREA_LA_PATH = f"outcome__{LA_PATH}"


@dataclass(frozen=True)
class CountsRow:
    """A line of a suppressed table: met, partially met and not met, their total and met rate."""

    label: str
    cells: list[Cell]
    total: Cell
    met_rate: Share


@dataclass(frozen=True)
class AreaRate:
    label: str
    cells: list[Cell]
    total: Cell
    met_rate: Share
    england_met_rate: Share


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    la_count: int
    staff: Cell
    accredited: Cell
    first: CountsRow


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(start: date) -> str:
    """ "January 2026 to March 2026": a quarter in words."""
    return f"{govuk_month(start)} to {govuk_month(add_months(start, 2))}"


def trend_quarter_starts(end: date) -> list[date]:
    """The first days of the last TREND_QUARTERS quarters up to the one `end` is in, oldest
    first."""
    last = quarter_start(end)
    return [add_months(last, -3 * n) for n in reversed(range(TREND_QUARTERS))]


def counts_rows(labelled: list[tuple[str, dict[str, int]]]) -> list[CountsRow]:
    """Rows of result counts, suppressed together as one table."""
    cells = suppress([[counts.get(result, 0) for result in RESULTS] for _, counts in labelled])
    rows = []
    for (label, counts), line in zip(labelled, cells, strict=True):
        total = total_cell(sum(counts.get(result, 0) for result in RESULTS))
        rows.append(CountsRow(label, line, total, Share(line[0], total)))
    return rows


def _sum_counts(items) -> dict[str, int]:
    summed: dict[str, int] = dict.fromkeys(RESULTS, 0)
    for counts in items:
        for result in RESULTS:
            summed[result] += counts.get(result, 0)
    return summed


def _area_key(row: dict) -> tuple[str, int, str]:
    return (row["area__framework__level"], row["area__number"], row["area__title"])


def _area_rates(local_authority, area_rows) -> list[AreaRate]:
    """Each area's met rate for the LA (suppressed) beside England's."""
    la_counts: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RESULTS, 0))
    england: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RESULTS, 0))
    for row in area_rows:
        england[_area_key(row)][row["result"]] += row["count"]
        if row[AREA_LA_PATH] == local_authority.pk:
            la_counts[_area_key(row)][row["result"]] += row["count"]
    level_order = {value: n for n, value in enumerate(Level.values)}
    keys = sorted(la_counts, key=lambda key: (level_order.get(key[0], 9), key[1]))
    labelled = [(f"{Level(key[0]).label}: {key[1]}. {key[2]}", la_counts[key]) for key in keys]
    rows = counts_rows(labelled)
    return [
        AreaRate(
            row.label,
            row.cells,
            row.total,
            row.met_rate,
            counts_rows([("England", england[key])])[0].met_rate,
        )
        for row, key in zip(rows, keys, strict=True)
    ]


def _comparison(groups: list[tuple[str, list[LocalAuthority]]], funnels, outcomes):
    staff = suppress(
        [[sum(funnels.get(la.pk, {}).get("staff", 0) for la in las)] for _, las in groups]
    )
    accredited = suppress(
        [[sum(funnels.get(la.pk, {}).get("accredited", 0) for la in las)] for _, las in groups]
    )
    first = counts_rows(
        [
            (label, _sum_counts(outcomes[la.pk]["first"] for la in las if la.pk in outcomes))
            for label, las in groups
        ]
    )
    return [
        ComparisonRow(label, len(las), staff[n][0], accredited[n][0], first[n])
        for n, (label, las) in enumerate(groups)
    ]


def _trend(local_authority, quarters: list[date], monthly) -> tuple[list[CountsRow], list[Share]]:
    la: dict[date, dict[str, int]] = {q: dict.fromkeys(RESULTS, 0) for q in quarters}
    england: dict[date, dict[str, int]] = {q: dict.fromkeys(RESULTS, 0) for q in quarters}
    for la_id, month, result, count in monthly:
        quarter = quarter_start(month)
        if quarter not in england:
            continue
        england[quarter][result] += count
        if la_id == local_authority.pk:
            la[quarter][result] += count
    rows = counts_rows([(quarter_label(q), la[q]) for q in quarters])
    england_rates = [counts_rows([("England", england[q])])[0].met_rate for q in quarters]
    return rows, england_rates


def la_report_summary(
    local_authority: LocalAuthority, start: date, end: date, *, today: date
) -> dict:
    """The summary page, the trend and the comparison, for the LA and period of a report."""
    national = Filters(start=start, end=end)
    las = local_authorities_in_scope(national)
    funnels = funnel_by_la(national, today=today)
    outcomes = outcomes_by_la(national, today=today)
    quarters = trend_quarter_starts(end)
    trend, england_trend = _trend(
        local_authority,
        quarters,
        outcomes_by_la_and_month(Filters(start=quarters[0], end=end), today=today),
    )
    funnel = funnels.get(local_authority.pk, {})
    pipeline_cells = suppress([[funnel.get(name, 0)] for name, _ in STAGES])
    la_outcomes = outcomes.get(local_authority.pk)
    first = la_outcomes["first"] if la_outcomes else {}
    retake = la_outcomes["retake"] if la_outcomes else {}
    same_grade = [la for la in las if la.ofsted_grade == local_authority.ofsted_grade]
    same_region = [la for la in las if la.region == local_authority.region]
    grade = OfstedGrade(local_authority.ofsted_grade).label
    region = Region(local_authority.region).label
    return {
        "summary_pipeline": [(label, pipeline_cells[n][0]) for n, (_, label) in enumerate(STAGES)],
        "summary_outcomes": counts_rows(
            [("First attempts", first), ("Fast-track retakes", retake)]
        ),
        "summary_areas": _area_rates(local_authority, area_results_by_la(national, today=today)),
        "trend": list(zip(trend, england_trend, strict=True)),
        "comparison": _comparison(
            [
                (local_authority.name, [local_authority]),
                (f"LAs with the same Ofsted grade ({grade})", same_grade),
                (f"LAs in the same region ({region})", same_region),
                ("England", las),
            ],
            funnels,
            outcomes,
        ),
    }
