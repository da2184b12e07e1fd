"""The dashboard's figures as tables: the same rows make the HTML table under each chart and
its CSV download, so the two never disagree. Tables about groups of people are suppressed
(see reporting.suppression)."""

from dataclasses import dataclass, field

from assessment.models import OutcomeResult
from naas.csv_export import csv_bytes
from naas.dates import govuk_month

from .selectors import GROUPINGS, RESULTS, STAGES, Dashboard
from .suppression import Cell, rate, suppress


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[list]
    numeric_from: int = 1  # columns from this one on are numbers (right-aligned)
    note: str = ""
    chart: list[dict] = field(default_factory=list)  # label, value text, percent (bar width)

    @property
    def filename(self) -> str:
        return f"{self.key.replace('_', '-')}.csv"

    @property
    def display_rows(self) -> list[list[str]]:
        return [[_display(cell) for cell in row] for row in self.rows]

    def csv(self) -> bytes:
        return csv_bytes([self.headers, *[[_csv_value(cell) for cell in row] for row in self.rows]])


def _display(cell) -> str:
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:,}"
    return str(cell)


def _csv_value(cell):
    return cell.value if isinstance(cell, Cell) else cell


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _bar(value: int, largest: int) -> int:
    return round(100 * value / largest) if largest else 0


def _money(amount) -> str:
    return "–" if amount is None else f"£{amount:,.0f}"


RESULT_HEADERS = ["Met", "Partially met", "Not met"]
CHART_ROWS_MAX = 40  # longer lists (every LA in England) are shown as a table only


def funnel_table(board: Dashboard) -> Table:
    staff = board.funnel["staff"]
    rows = [
        [label, board.funnel[name], _percent(board.funnel[name], staff)] for name, label in STAGES
    ]
    return Table(
        key="pipeline",
        caption="Pipeline",
        headers=["Stage", "Social workers", "Share of all social workers"],
        rows=rows,
        chart=[
            {
                "label": label,
                "text": f"{board.funnel[name]:,}",
                "width": _bar(board.funnel[name], staff),
            }
            for name, label in STAGES
        ],
    )


def results_table(board: Dashboard) -> Table:
    rows = []
    for key, label in (("first", "First attempts"), ("retake", "Fast-track retakes")):
        counts = getattr(board, key)
        total = sum(counts.values())
        rows.append(
            [
                label,
                *[counts[r] for r in RESULTS],
                total,
                _percent(counts[OutcomeResult.MET], total),
            ]
        )
    return Table(
        key="outcomes",
        caption="Outcomes",
        headers=["Attempts", *RESULT_HEADERS, "Total", "Met the standard"],
        rows=rows,
    )


MONTHS_SHOWN_AS_MONTHS = 24


def _by_quarter(by_month: list[dict]) -> list[dict]:
    quarters: dict[tuple[int, int], dict] = {}
    for month in by_month:
        key = (month["month"].year, (month["month"].month - 1) // 3 + 1)
        entry = quarters.setdefault(key, {"total": 0, **dict.fromkeys(RESULTS, 0)})
        entry["total"] += month["total"]
        for result in RESULTS:
            entry[result] += month[result]
    return [
        {"label": f"{year} Q{quarter}", **counts}
        for (year, quarter), counts in sorted(quarters.items())
    ]


def month_table(board: Dashboard) -> Table:
    """Outcomes over time: by month, or by quarter when there are more than two years."""
    if len(board.by_month) > MONTHS_SHOWN_AS_MONTHS:
        periods, unit = _by_quarter(board.by_month), "quarter"
    else:
        periods = [{"label": govuk_month(m["month"]), **m} for m in board.by_month]
        unit = "month"
    largest = max((p["total"] for p in periods), default=0)
    return Table(
        key="outcomes_over_time",
        caption=f"Outcomes by {unit} of publication",
        headers=[unit.capitalize(), *RESULT_HEADERS, "Total"],
        rows=[[p["label"], *[p[r] for r in RESULTS], p["total"]] for p in periods],
        chart=[
            {
                "label": p["label"],
                "text": f"{p['total']:,} ({p[OutcomeResult.MET]:,} met)",
                "width": _bar(p["total"], largest),
            }
            for p in periods
        ],
    )


def areas_table(board: Dashboard) -> Table:
    return Table(
        key="kss_areas",
        caption="Met rate per KSS area",
        headers=["Level", "Area", "Assessed", *RESULT_HEADERS, "Met rate"],
        rows=[
            [
                a["level"],
                f"{a['number']}. {a['title']}",
                a["total"],
                a["met"],
                a["partially_met"],
                a["not_met"],
                f"{a['met_percent']}%" if a["total"] else "–",
            ]
            for a in board.areas
        ],
        numeric_from=2,
        chart=[
            {
                "label": f"{a['level']}: {a['number']}. {a['title']}",
                "text": f"{a['met_percent']}%",
                "width": a["met_percent"],
            }
            for a in board.areas
        ],
    )


def las_table(board: Dashboard) -> Table:
    return Table(
        key="local_authorities",
        caption="Local authorities compared",
        headers=[
            "Local authority",
            "Phase",
            "Ofsted grade",
            "Social workers",
            "Endorsed",
            "Assessed",
            "Met the standard",
            "Share accredited",
            "Grant per accredited worker",
        ],
        rows=[
            [
                row.local_authority.name,
                str(row.local_authority.phase),
                row.local_authority.get_ofsted_grade_display(),
                row.funnel["staff"],
                row.funnel["endorsed"],
                row.funnel["assessed"],
                row.funnel["accredited"],
                _percent(row.funnel["accredited"], row.funnel["staff"]),
                _money(row.grant / row.funnel["accredited"] if row.funnel["accredited"] else None),
            ]
            for row in board.las
        ],
        numeric_from=3,
    )


def agreement_table(board: Dashboard) -> Table:
    rows = [row for row in board.las if row.assessed_outcomes]
    return Table(
        key="endorsement_agreement",
        caption="Endorsement and outcome agreement by local authority",
        headers=[
            "Local authority",
            "Endorsed and assessed",
            *RESULT_HEADERS,
            "Endorsed workers who met the standard",
        ],
        rows=[
            [
                row.local_authority.name,
                row.assessed_outcomes,
                *[row.first[r] for r in RESULTS],
                f"{row.agreement_percent}%",
            ]
            for row in rows
        ],
        note="First attempts only: every first attempt follows the employer's endorsement.",
        chart=[
            {
                "label": row.local_authority.name,
                "text": f"{row.agreement_percent}%",
                "width": row.agreement_percent,
            }
            for row in rows
        ]
        if len(rows) <= CHART_ROWS_MAX
        else [],
    )


def group_table(board: Dashboard, grouping: str) -> Table:
    title, _ = GROUPINGS[grouping]
    groups = board.groups[grouping]
    # The row totals are published too, so they take part in the suppression as a column.
    matrix = [[*counts, sum(counts)] for _, counts in groups]
    cells = suppress(matrix) if matrix else []
    rows = []
    for (label, _), line in zip(groups, cells, strict=True):
        met, total = line[0], line[3]
        rows.append([label, *line[:3], line[3], rate(met, total)])
    return Table(
        key=grouping,
        caption=f"Outcomes of first attempts by {title.lower()}",
        headers=[title, *RESULT_HEADERS, "Total", "Met rate"],
        rows=rows,
        note="Counts from 1 to 4 are shown as “fewer than 5”. Another count in the same row "
        "or column is “withheld” when the totals would let a hidden one be worked out.",
    )


def phases_table(board: Dashboard) -> Table:
    return Table(
        key="phases",
        caption="Phases: value for money and progress to target",
        headers=[
            "Phase",
            "Local authorities",
            "Social workers",
            "Accredited to date",
            "Target",
            "Accredited a month (last 12 months)",
            "Grant received",
            "Grant per accredited worker",
            "Target reached (at the current rate)",
        ],
        rows=[
            [
                str(p["phase"]),
                p["la_count"],
                p["funnel"]["staff"],
                p["accredited_to_date"],
                p["phase"].target_accredited,
                f"{p['projection'].per_month:.1f}",
                _money(p["grant"]),
                _money(p["grant_per_accredited"]),
                p["projection"].description,
            ]
            for p in board.phases
        ],
    )


TABLE_KEYS = {
    "pipeline",
    "outcomes",
    "outcomes_over_time",
    "kss_areas",
    "local_authorities",
    "endorsement_agreement",
    "phases",
    *GROUPINGS,
}


def dashboard_tables(board: Dashboard) -> list[Table]:
    tables = [
        funnel_table(board),
        results_table(board),
        phases_table(board),
        month_table(board),
        areas_table(board),
        las_table(board),
        agreement_table(board),
    ]
    tables += [group_table(board, grouping) for grouping in board.groups]
    return tables


__all__ = ["TABLE_KEYS", "Table", "dashboard_tables"]
