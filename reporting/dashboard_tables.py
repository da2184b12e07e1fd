"""The dashboard's figures as tables: the same rows make the HTML table under each chart and
its CSV download, so the two never disagree. Every count of people is suppressed (see
reporting.suppression) and every percentage is shown with its count and denominator.

CSVs are tidy: one header row, numbers as numbers (a percentage as 62.5, money as 170000), and
the filters the figures are for in leading columns of every row (Phase, Local authority,
Region, Level, From, To, Figures as at), so a file says what it is about after it is renamed
or its rows are combined with another's."""

from dataclasses import dataclass, field

from django.utils import timezone

from naas.csv_export import csv_bytes
from naas.dates import govuk_month
from naas.models import Level, Region

from .selectors import GROUPINGS, RESULTS, STAGES, Dashboard
from .suppression import Cell, Share, cells, subset_cells, suppress, total_cell, withhold

# The dashboard's sub-pages, in the order of the contents list: slug, title, what it shows.
SECTIONS = [
    ("pipeline", "Pipeline", "How many social workers reached each stage"),
    ("outcomes", "Outcomes", "First attempts and retakes, and outcomes over time"),
    ("areas", "KSS areas", "The met rate of each knowledge and skills statement area"),
    ("local-authorities", "Local authorities compared", "Progress and endorsement agreement"),
    ("equality", "Employment type and equality", "Outcomes by employment type and group"),
    ("funding", "Funding and projection", "Grant per accredited worker and targets"),
]
SECTION_SLUGS = [slug for slug, _, _ in SECTIONS]


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[list]
    numeric_from: int = 1  # columns from this one on are numbers (right-aligned)
    note: str = ""
    chart: list[dict] = field(default_factory=list)  # label, value text, percent (bar width)
    section: str = ""
    csv_headers: list[str] | None = None  # when a column's unit moves to its CSV header

    @property
    def filename(self) -> str:
        return f"{self.key.replace('_', '-')}.csv"

    @property
    def display_rows(self) -> list[list[str]]:
        return [[_display(cell) for cell in row] for row in self.rows]

    def csv(self, board: Dashboard) -> bytes:
        names, values = filter_columns(board)
        return csv_bytes(
            [
                [*names, *(self.csv_headers or self.headers)],
                *[[*values, *[_csv_value(cell) for cell in row]] for row in self.rows],
            ]
        )


def filter_columns(board: Dashboard) -> tuple[list[str], list]:
    """What the figures are for, as the leading columns of a CSV ("All" for no filter)."""
    f = board.filters
    as_at = board.figures_as_at
    return (
        ["Phase", "Local authority", "Region", "Level", "From", "To", "Figures as at"],
        [
            str(f.phase) if f.phase else "All",
            f.local_authority.name if f.local_authority else "All",
            Region(f.region).label if f.region else "All",
            Level(f.level).label if f.level else "All",
            f.start.isoformat() if f.start else "",
            f.end_or(board.today).isoformat(),
            timezone.localtime(as_at).isoformat(timespec="minutes"),
        ],
    )


def _display(cell) -> str:
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:,}"
    if isinstance(cell, Money):
        return str(cell)
    return str(cell)


def _csv_value(cell):
    return cell.value if isinstance(cell, Cell | Share | Money) else cell


@dataclass(frozen=True)
class Money:
    """Pounds: "£170,000" on the page, 170000 in a CSV; withheld when it would tell a small
    count (a grant divided by 2 people)."""

    amount: object  # Decimal or None
    withheld: bool = False

    def __str__(self) -> str:
        if self.withheld:
            return "withheld"
        return "–" if self.amount is None else f"£{self.amount:,.0f}"

    @property
    def value(self):
        if self.withheld:
            return "withheld"
        return None if self.amount is None else round(self.amount)


def _per_person(amount, people: Cell) -> Money:
    if people.hidden:
        return Money(None, withheld=True)
    return Money(amount / people.count if people.count else None)


RESULT_HEADERS = ["Met", "Partially met", "Not met"]
CHART_ROWS_MAX = 40  # longer lists (every LA in England) are shown as a table only
SUPPRESSION_NOTE = (
    "Counts from 1 to 4 are shown as “fewer than 5”. Another count in the same row or column "
    "is “withheld” when the totals would let a hidden one be worked out."
)


def _bar(cell: Cell, largest: int) -> int:
    return round(100 * cell.count / largest) if largest and not cell.hidden else 0


def _result_cells(matrix: list[list[int]]) -> list[list[Cell]]:
    """Rows of [met, partially met, not met] with their total as a fourth column, suppressed
    together (the total is published, so it takes part in the secondary suppression)."""
    return suppress([[*counts, sum(counts)] for counts in matrix]) if matrix else []


def funnel_table(board: Dashboard) -> Table:
    counts = [board.funnel[name] for name, _ in STAGES]
    stage_cells = dict(zip((name for name, _ in STAGES), cells(counts), strict=True))
    # Showing assessed and accredited would tell how many did not meet the standard.
    stage_cells["accredited"], stage_cells["assessed"] = subset_cells(
        board.funnel["accredited"], board.funnel["assessed"]
    )
    staff = stage_cells["staff"]
    rows = [[label, stage_cells[name], Share(stage_cells[name], staff)] for name, label in STAGES]
    return Table(
        key="pipeline",
        section="pipeline",
        caption="Pipeline",
        headers=["Stage", "Social workers", "Share of all social workers"],
        csv_headers=["Stage", "Social workers", "Share of all social workers (%)"],
        rows=rows,
        note=SUPPRESSION_NOTE,
        chart=[
            {
                "label": label,
                "text": str(stage_cells[name]),
                "width": _bar(stage_cells[name], staff.count),
            }
            for name, label in STAGES
        ],
    )


def results_table(board: Dashboard) -> Table:
    kinds = (("first", "First attempts"), ("retake", "Fast-track retakes"))
    lines = _result_cells([[getattr(board, key)[r] for r in RESULTS] for key, _ in kinds])
    return Table(
        key="outcomes",
        section="outcomes",
        caption="Outcomes",
        headers=["Attempts", *RESULT_HEADERS, "Total", "Met the standard"],
        csv_headers=["Attempts", *RESULT_HEADERS, "Total", "Met the standard (%)"],
        rows=[
            [label, *line, Share(line[0], line[3])]
            for (_, label), line in zip(kinds, lines, strict=True)
        ],
        note=SUPPRESSION_NOTE,
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
    lines = _result_cells([[p[r] for r in RESULTS] for p in periods])
    largest = max((p["total"] for p in periods), default=0)
    return Table(
        key="outcomes_over_time",
        section="outcomes",
        caption=f"Outcomes by {unit} of publication",
        headers=[unit.capitalize(), *RESULT_HEADERS, "Total"],
        rows=[[p["label"], *line] for p, line in zip(periods, lines, strict=True)],
        note=SUPPRESSION_NOTE,
        chart=[
            {
                "label": p["label"],
                "text": f"{line[3]} ({line[0]} met)",
                "width": _bar(line[3], largest),
            }
            for p, line in zip(periods, lines, strict=True)
        ],
    )


def areas_table(board: Dashboard) -> Table:
    areas = board.areas
    lines = _result_cells([[a["met"], a["partially_met"], a["not_met"]] for a in areas])
    labels = [f"{a['number']}. {a['title']}" for a in areas]
    shares = [Share(line[0], line[3]) for line in lines]
    return Table(
        key="kss_areas",
        section="areas",
        caption="Met rate per KSS area",
        headers=["Level", "Area", *RESULT_HEADERS, "Assessed", "Met rate"],
        csv_headers=["Level", "Area", *RESULT_HEADERS, "Assessed", "Met rate (%)"],
        rows=[
            [a["level"], label, *line, share]
            for a, label, line, share in zip(areas, labels, lines, shares, strict=True)
        ],
        numeric_from=2,
        note=SUPPRESSION_NOTE,
        chart=[
            {"label": f"{a['level']}: {label}", "text": str(share), "width": share.percent}
            for a, label, share in zip(areas, labels, shares, strict=True)
        ],
    )


LA_STAGES = ("staff", "endorsed", "assessed", "accredited")


def _la_cells(board: Dashboard) -> list[list[Cell]]:
    """Each LA's counts, suppressed across LAs (England's totals are published, so a column
    with one hidden cell would give it away), with accredited withheld when the LA's not
    accredited assessed workers are few."""
    matrix = (
        suppress([[row.funnel[s] for s in LA_STAGES] for row in board.las]) if board.las else []
    )
    result = []
    for line in matrix:
        staff, endorsed, assessed, accredited = line
        if not (assessed.hidden or accredited.hidden):
            accredited, _ = subset_cells(accredited.count, assessed.count)
        result.append([staff, endorsed, assessed, accredited])
    return result


def las_table(board: Dashboard) -> Table:
    rows = []
    for row, (staff, endorsed, assessed, accredited) in zip(
        board.las, _la_cells(board), strict=True
    ):
        rows.append(
            [
                row.local_authority.name,
                str(row.local_authority.phase),
                row.local_authority.get_ofsted_grade_display(),
                staff,
                endorsed,
                assessed,
                accredited,
                Share(accredited, staff),
                _per_person(row.grant, accredited),
            ]
        )
    headers = [
        "Local authority",
        "Phase",
        "Ofsted grade",
        "Social workers",
        "Endorsed",
        "Assessed",
        "Met the standard",
        "Share accredited",
        "Grant per accredited worker",
    ]
    return Table(
        key="local_authorities",
        section="local-authorities",
        caption="Local authorities compared",
        headers=headers,
        csv_headers=[*headers[:7], "Share accredited (%)", "Grant per accredited worker (£)"],
        rows=rows,
        numeric_from=3,
        note=SUPPRESSION_NOTE,
    )


def agreement_table(board: Dashboard) -> Table:
    las = [row for row in board.las if row.assessed_outcomes]
    lines = _result_cells([[row.first[r] for r in RESULTS] for row in las])
    shares = [Share(line[0], line[3]) for line in lines]
    headers = ["Local authority", *RESULT_HEADERS, "Endorsed and assessed"]
    return Table(
        key="endorsement_agreement",
        section="local-authorities",
        caption="Endorsement and outcome agreement by local authority",
        headers=[*headers, "Endorsed workers who met the standard"],
        csv_headers=[*headers, "Endorsed workers who met the standard (%)"],
        rows=[
            [row.local_authority.name, *line, share]
            for row, line, share in zip(las, lines, shares, strict=True)
        ],
        note="First attempts only: every first attempt follows the employer's endorsement. "
        + SUPPRESSION_NOTE,
        chart=[
            {"label": row.local_authority.name, "text": str(share), "width": share.percent}
            for row, share in zip(las, shares, strict=True)
        ]
        if len(las) <= CHART_ROWS_MAX
        else [],
    )


def group_table(board: Dashboard, grouping: str) -> Table:
    title, _ = GROUPINGS[grouping]
    groups = board.groups[grouping]
    lines = _result_cells([counts for _, counts in groups])
    headers = [title, *RESULT_HEADERS, "Total"]
    return Table(
        key=grouping,
        section="equality",
        caption=f"Outcomes of first attempts by {title.lower()}",
        headers=[*headers, "Met rate"],
        csv_headers=[*headers, "Met rate (%)"],
        rows=[
            [label, *line, Share(line[0], line[3])]
            for (label, _), line in zip(groups, lines, strict=True)
        ],
        note=SUPPRESSION_NOTE,
    )


def phases_table(board: Dashboard) -> Table:
    rows = []
    for p in board.phases:
        accredited = total_cell(p["accredited_to_date"])
        rows.append(
            [
                str(p["phase"]),
                p["la_count"],
                total_cell(p["funnel"]["staff"]),
                accredited,
                p["phase"].target_accredited,
                round(p["projection"].per_month, 1)
                if not accredited.hidden
                else withhold(accredited),
                Money(p["grant"]),
                _per_person(p["grant"], accredited),
                p["projection"].description,
            ]
        )
    headers = [
        "Phase",
        "Local authorities",
        "Social workers",
        "Accredited to date",
        "Target",
        "Accredited a month (last 12 months)",
        "Grant received",
        "Grant per accredited worker",
        "Target reached (at the current rate)",
    ]
    return Table(
        key="phases",
        section="funding",
        caption="Phases: value for money and progress to target",
        headers=headers,
        csv_headers=[
            *headers[:6],
            "Grant received (£)",
            "Grant per accredited worker (£)",
            headers[8],
        ],
        rows=rows,
        note=SUPPRESSION_NOTE,
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
MAKERS = [
    ("pipeline", funnel_table),
    ("outcomes", results_table),
    ("outcomes", month_table),
    ("areas", areas_table),
    ("local-authorities", las_table),
    ("local-authorities", agreement_table),
    ("funding", phases_table),
]


def dashboard_tables(board: Dashboard, section: str | None = None) -> list[Table]:
    """The tables of one sub-page (all of them when `section` is None)."""
    tables = [make(board) for part, make in MAKERS if section in (None, part)]
    if section in (None, "equality"):
        tables += [group_table(board, grouping) for grouping in board.groups]
    return tables


def table_for(board: Dashboard, key: str) -> Table:
    return next(t for t in dashboard_tables(board) if t.key == key)


__all__ = ["SECTIONS", "SECTION_SLUGS", "TABLE_KEYS", "Table", "dashboard_tables", "table_for"]
