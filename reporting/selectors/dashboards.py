"""The DfE dashboard, assembled from the figures: per LA, per phase and in total."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from assessment.models import OutcomeResult
from naas.models import LocalAuthority

from .figures import (
    GROUPINGS,
    RESULTS,
    _zero_funnel,
    area_results,
    funnel_by_la,
    local_authorities_in_scope,
    outcomes_by_group,
    outcomes_by_la,
    outcomes_by_month,
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

    @property
    def grant_per_accredited(self) -> Decimal | None:
        accredited = self.funnel["accredited"]
        return (self.grant / accredited).quantize(Decimal("1")) if accredited else None


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
