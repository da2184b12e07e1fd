from celery import shared_task

from naas.tasks import DocumentTask


@shared_task(base=DocumentTask)
def build_technical_report(report_id: int) -> None:
    """Make one technical report's PDF (acknowledged late, retried, marked failed on the row
    if it gives up: see naas.tasks.DocumentTask)."""
    from .services.technical_report import technical_report_build

    technical_report_build(report_id=report_id)
