from celery import shared_task
from django.utils import timezone

from naas.tasks import DocumentTask


@shared_task(base=DocumentTask)
def build_la_report(report_id: int) -> None:
    """Make one LA report's PDF and CSV (acknowledged late, retried, marked failed on the row
    if it gives up: see naas.tasks.DocumentTask)."""
    from .services import la_report_build

    la_report_build(report_id=report_id)


@shared_task(acks_late=True)
def request_monthly_la_reports() -> int:
    """Ask for last month's report for every LA (run by Celery beat on the 1st of the month;
    running it again the same month adds nothing)."""
    from .services import la_reports_request_monthly

    return la_reports_request_monthly(today=timezone.localdate())


@shared_task(acks_late=True, ignore_result=True)
def refresh_dashboard_figures(_unused: int = 0) -> int:
    """Count the dashboards' figures again (sent on commit after a change that moves them,
    by a page that found them out of date, and nightly by beat). Idempotent: a second run
    makes the same counts. The argument is the id slot of naas.services' sender."""
    from .summaries import figures_refresh, figures_refresh_queued_clear

    figures_refresh_queued_clear()  # a change from now on asks again
    return figures_refresh().pk
