"""When each phase reaches its target of accredited workers, at the last 12 months' rate."""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from assessment.models import OutcomeResult
from naas.dates import add_months, govuk_month

from .figures import _workers_per_la
from .filters import Filters, _moment_range, current_outcomes

PROJECTION_WINDOW_MONTHS = 12
PROJECTION_HORIZON_YEARS = 50


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
