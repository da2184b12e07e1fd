"""Every read for LA reports and the DfE dashboards. Everything is counted in the database
(grouped, conditional counts), so each page runs the same number of queries whatever the size
of the data: one query per table, never one per LA, worker or month.

By purpose: `filters` (what a page is about, as query conditions), `figures` (the counts),
`projections` (when targets are reached), `dashboards` (the DfE dashboard assembled) and
`la_report` (the monthly LA report). Callers use the names re-exported here."""

from .dashboards import Dashboard, LARow, dashboard
from .figures import (
    GROUPINGS,
    NOT_RECORDED,
    RESULTS,
    STAGES,
    area_results,
    funnel_by_la,
    local_authorities_in_scope,
    outcomes_by_group,
    outcomes_by_la,
    outcomes_by_month,
)
from .filters import Filters, current_outcomes, latest_start_for_tenure, tenure_reached_q
from .la_report import la_report_data, staff_statuses, support_summary, worker_status
from .projections import (
    PROJECTION_HORIZON_YEARS,
    PROJECTION_WINDOW_MONTHS,
    Projection,
    accredited_for_projection,
    project,
)

__all__ = [
    "GROUPINGS",
    "NOT_RECORDED",
    "PROJECTION_HORIZON_YEARS",
    "PROJECTION_WINDOW_MONTHS",
    "RESULTS",
    "STAGES",
    "Dashboard",
    "Filters",
    "LARow",
    "Projection",
    "accredited_for_projection",
    "area_results",
    "current_outcomes",
    "dashboard",
    "funnel_by_la",
    "la_report_data",
    "latest_start_for_tenure",
    "local_authorities_in_scope",
    "outcomes_by_group",
    "outcomes_by_la",
    "outcomes_by_month",
    "project",
    "staff_statuses",
    "support_summary",
    "tenure_reached_q",
    "worker_status",
]
