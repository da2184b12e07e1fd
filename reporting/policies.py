"""Who may see or do what in reporting (one function per question; views ask these)."""

from naas import policies as core

from .models import LAReport


def can_request_la_report(user, local_authority_id: int) -> bool:
    """Only the LA's own lead asks for its report."""
    return core.can_lead_la(user, local_authority_id)


def can_view_la_report(user, report: LAReport) -> bool:
    """LA reports name workers: only the LA's own lead reads them (DfE sees aggregates)."""
    return core.can_lead_la(user, report.local_authority_id)


def can_view_dashboards(user) -> bool:
    """The national dashboards: DfE staff only. They hold no names and no feedback text."""
    return core.can_view_dashboards(user)
