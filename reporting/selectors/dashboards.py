"""The DfE dashboard, assembled from the figures: per LA, per phase and in total."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from assessment.models import OutcomeResult
from naas.dates import govuk_date, govuk_time
from naas.models import Level, LocalAuthority

from .figures import (
    GROUPINGS,
    RESULTS,
    _zero_funnel,
    area_results,
    area_row,
    funnel_by_la,
    group_rows,
    local_authorities_in_scope,
    outcomes_by_group,
    outcomes_by_la,
    outcomes_by_month,
    sort_areas,
)
from .filters import Filters
from .projections import accredited_for_projection, project


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
    figures_as_at: datetime | None = None  # when the counts were made

    @property
    def accredited_cell(self) -> str:
        """The headline count of accredited workers, suppressed like every table."""
        from reporting.suppression import total_cell

        return str(total_cell(self.funnel["accredited"]))

    @property
    def grant_per_accredited_text(self) -> str:
        from reporting.suppression import is_small

        if is_small(self.funnel["accredited"]):
            return "withheld"
        if self.grant_per_accredited is None:
            return "No one accredited yet"
        return f"£{self.grant_per_accredited:,}"

    @property
    def figures_as_at_text(self) -> str:
        """ "10:32am, 2 December 2026": when the figures were counted."""
        if self.figures_as_at is None:
            return ""
        return f"{govuk_time(self.figures_as_at)}, {govuk_date(self.figures_as_at)}"

    @property
    def grant_per_accredited(self) -> Decimal | None:
        accredited = self.funnel["accredited"]
        return (self.grant / accredited).quantize(Decimal("1")) if accredited else None


@dataclass
class Parts:
    """The counts a dashboard is assembled from, live or precomputed."""

    funnels: dict[int, dict[str, int]]
    outcomes: dict[int, dict[str, dict[str, int]]]
    projections: dict[int, dict[str, int]]
    by_month: list[dict]
    areas: list[dict]
    groups: dict[str, list[tuple[str, list]]]


def live_parts(filters: Filters, *, today: date, with_groups: bool) -> Parts:
    """Counted now from the records: for a period, and for the LA report."""
    return Parts(
        funnels=funnel_by_la(filters, today=today),
        outcomes=outcomes_by_la(filters, today=today),
        projections=accredited_for_projection(filters, today=today),
        by_month=outcomes_by_month(filters, today=today),
        areas=area_results(filters, today=today),
        groups={g: outcomes_by_group(filters, g, today=today) for g in GROUPINGS}
        if with_groups
        else {},
    )


def stored_parts(run, filters: Filters, la_ids: list[int]) -> Parts:
    """From a precomputed run (reporting.summaries), summed over the LAs in scope."""
    from reporting.summaries import (
        AREA,
        FIRST,
        FUNNEL,
        GROUP,
        MONTH,
        PROJECTION,
        RETAKE,
        stored_per_la,
        stored_totals,
    )

    per_la = stored_per_la(run, filters, la_ids)
    months: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RESULTS, 0))
    areas: dict[tuple[str, int], dict] = {}
    groups: dict[str, dict[str, dict[str, int]]] = {g: defaultdict(dict) for g in GROUPINGS}
    for row in stored_totals(run, filters, la_ids):
        measure, key, result, count = row["measure"], row["key"], row["result"], row["count"]
        if measure == MONTH:
            months[date.fromisoformat(key)][result] += count
        elif measure == AREA:
            level, number = key.split("|")
            entry = areas.setdefault((level, int(number)), {"title": row["label"], "counts": {}})
            entry["counts"][result] = entry["counts"].get(result, 0) + count
        elif measure == GROUP:
            grouping, value = key.split("|", 1)
            groups[grouping][value][result] = groups[grouping][value].get(result, 0) + count
    outcomes = {
        la_id: {"first": per_la[FIRST][la_id], "retake": per_la[RETAKE][la_id]}
        for la_id in set(per_la[FIRST]) | set(per_la[RETAKE])
    }
    return Parts(
        funnels=dict(per_la[FUNNEL]),
        outcomes=outcomes,
        projections=dict(per_la[PROJECTION]),
        by_month=[
            {"month": month, **counts, "total": sum(counts.values())}
            for month, counts in sorted(months.items())
        ],
        areas=sort_areas(
            [
                area_row(Level(level).label, number, entry["title"], entry["counts"])
                for (level, number), entry in areas.items()
            ]
        ),
        groups={g: group_rows(g, counts) for g, counts in groups.items()},
    )


def dashboard(filters: Filters, *, today: date, with_groups: bool = True, run=None) -> Dashboard:
    """Every figure on the DfE dashboard for these filters, in a fixed number of queries: from
    the precomputed `run` when there is one and no period is asked for, else counted live."""
    las = local_authorities_in_scope(filters)
    precomputed = run is not None and filters.start is None and filters.end is None
    if precomputed:
        parts = stored_parts(run, filters, [la.pk for la in las])
    else:
        parts = live_parts(filters, today=today, with_groups=with_groups)
    # Counted live (a period), the figures are as at now.
    as_at = run.computed_at if precomputed else timezone.now()
    return assemble(filters, las, parts, today=today, as_at=as_at)


def assemble(filters: Filters, las, parts: Parts, *, today: date, as_at=None) -> Dashboard:
    funnels, outcomes, projections = parts.funnels, parts.outcomes, parts.projections
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
        by_month=parts.by_month,
        areas=parts.areas,
        las=la_rows,
        phases=phase_rows,
        groups=parts.groups,
        grant=grant,
        figures_as_at=as_at,
    )
    return result


# --- The LA report ---------------------------------------------------------------------------
