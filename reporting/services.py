"""Every write in reporting: asking for LA reports (on demand and monthly), building them."""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from naas import pdf
from naas.csv_export import csv_bytes
from naas.models import DocumentState, LocalAuthority
from naas.services import (
    DocumentRetry,
    audit_event_record,
    document_build,
    document_queue,
    document_report_progress,
    document_retry,
)

from . import selectors
from .audit import ReportingAction
from .models import UNFINISHED_STATES, LAReport, ReportKind


class ReportError(Exception):
    """A request that cannot be met, with a message for the person who made it."""


def _unfinished(local_authority: LocalAuthority, start: date, end: date) -> LAReport | None:
    return (
        LAReport.objects.filter(
            local_authority=local_authority,
            period_start=start,
            period_end=end,
            state__in=UNFINISHED_STATES,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def la_report_request(
    *, local_authority: LocalAuthority, period_start: date, period_end: date, actor
) -> tuple[LAReport, bool]:
    """Ask for an LA report. If one for the same LA and period is still being made, that one
    is returned (and `created` is False): never a duplicate."""
    if period_end < period_start:
        raise ReportError("The end of the period must be the same as or after the start")
    # Requests for one LA queue up behind this lock; the partial unique constraint backs it up.
    LocalAuthority.objects.select_for_update().get(pk=local_authority.pk)
    existing = _unfinished(local_authority, period_start, period_end)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = LAReport.objects.create(
                local_authority=local_authority,
                period_start=period_start,
                period_end=period_end,
                kind=ReportKind.ON_DEMAND,
                requested_by=actor,
            )
    except IntegrityError:
        existing = _unfinished(local_authority, period_start, period_end)
        if existing is None:
            raise
        return existing, False
    audit_event_record(
        actor=actor,
        subject=report,
        action=ReportingAction.LA_REPORT_REQUESTED,
        to_state=DocumentState.PENDING,
        detail={"period_start": period_start.isoformat(), "period_end": period_end.isoformat()},
    )
    document_queue(document=report)
    return report, True


def previous_month(today: date) -> tuple[date, date]:
    """The first and last day of the month before `today`'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def la_reports_request_monthly(*, today: date) -> int:
    """Ask for last month's report for every LA, once: running it again adds nothing. An
    LA's own request for the same month that is still being made becomes the monthly one."""
    start, end = previous_month(today)
    created = 0
    for la_id in LocalAuthority.objects.order_by("pk").values_list("pk", flat=True):
        created += _la_report_request_monthly(la_id=la_id, start=start, end=end)
    return created


@transaction.atomic
def _la_report_request_monthly(*, la_id: int, start: date, end: date) -> int:
    local_authority = LocalAuthority.objects.select_for_update().get(pk=la_id)
    same_period = LAReport.objects.filter(
        local_authority=local_authority, period_start=start, period_end=end
    )
    if same_period.filter(kind=ReportKind.MONTHLY).exists():
        return 0
    unfinished = _unfinished(local_authority, start, end)
    if unfinished is not None:
        LAReport.objects.filter(pk=unfinished.pk).update(kind=ReportKind.MONTHLY)
        return 0
    report = LAReport.objects.create(
        local_authority=local_authority,
        period_start=start,
        period_end=end,
        kind=ReportKind.MONTHLY,
    )
    audit_event_record(
        actor=None,
        subject=report,
        action=ReportingAction.LA_REPORT_REQUESTED,
        to_state=DocumentState.PENDING,
        detail={"period_start": start.isoformat(), "period_end": end.isoformat(), "monthly": True},
    )
    document_queue(document=report)
    return 1


@transaction.atomic
def la_report_retry(*, report: LAReport, actor) -> DocumentRetry:
    """Ask again for a report that failed (or is stuck unfinished). If another report for the
    same LA and period is being made meanwhile, that one is the answer; a ready one is left as
    it is."""
    LocalAuthority.objects.select_for_update().get(pk=report.local_authority_id)
    other = _unfinished(report.local_authority, report.period_start, report.period_end)
    if other is not None and other.pk != report.pk:
        return DocumentRetry(document=other, queued=False)
    return document_retry(document=report, actor=actor)


# --- Building -------------------------------------------------------------------------------

PROGRESS_FIGURES = 30
PROGRESS_CSV = 50
PROGRESS_PDF = 90


def la_report_build(*, report_id: int) -> LAReport:
    """Make the report's CSV and PDF (run by reporting.tasks.build_la_report). Running it
    twice, or after a worker died mid-way, still leaves one report with one PDF and one CSV."""
    return document_build(model=LAReport, document_id=report_id, render=_render)


def _render(report: LAReport) -> bytes:
    today = timezone.localdate()
    data = selectors.la_report_data(
        report.local_authority, report.period_start, report.period_end, today=today
    )
    document_report_progress(model=LAReport, document_id=report.pk, percent=PROGRESS_FIGURES)
    _save_csv(report, la_report_csv(data))
    document_report_progress(model=LAReport, document_id=report.pk, percent=PROGRESS_CSV)
    content = pdf.render_pdf(
        template_name="pdf/la_report.html",
        context={**data, "report": report, "generated_on": today},
        title=f"Accreditation report for {report.local_authority.name}",
    )
    document_report_progress(model=LAReport, document_id=report.pk, percent=PROGRESS_PDF)
    return content


def _save_csv(report: LAReport, content: bytes) -> None:
    """Write the CSV under a name fixed by the report, replacing any earlier run's, so a
    report never has two CSV files. The row is ready only once document_build saves the PDF."""
    storage = LAReport._meta.get_field("csv_file").storage
    name = f"reports/{report.csv_filename()}"
    with transaction.atomic():
        locked = LAReport.objects.select_for_update().get(pk=report.pk)
        if locked.state == DocumentState.READY:
            return
        if locked.csv_file.name and storage.exists(locked.csv_file.name):
            storage.delete(locked.csv_file.name)
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(content))
        LAReport.objects.filter(pk=report.pk).update(csv_file=saved)


def la_report_csv(data: dict) -> bytes:
    """The report's figures as one CSV: a section column, then the figures."""
    rows: list[list] = [["Section", "Item", "Detail", "Value"]]
    la = data["local_authority"]
    rows.append(["Report", "Local authority", la.ons_code, la.name])
    rows.append(["Report", "Period", "From", data["start"].isoformat()])
    rows.append(["Report", "Period", "To", data["end"].isoformat()])
    for label, count in data["funnel"]:
        rows.append(["Pipeline", label, "Workers", count])
    for kind, label in (("first", "First attempts"), ("retake", "Fast-track retakes")):
        for result, count in data[kind].items():
            rows.append(["Outcomes", label, result.label, count])
    for area in data["areas"]:
        title = f"{area['level']}: {area['number']}. {area['title']}"
        for key, text in (
            ("total", "Assessed"),
            ("met", "Met"),
            ("partially_met", "Partially met"),
            ("not_met", "Not met"),
        ):
            rows.append(["KSS area", title, text, area[key]])
    support = data["support"]
    if support is not None:
        rows.append(["Support", "Support plans", "Plans", support["plans"]])
        rows.append(["Support", "Support plans", "Workers with a plan", support["workers"]])
        for label, count in support["statuses"]:
            rows.append(["Support", "Actions", label, count])
        rows.append(["Support", "Actions", "Overdue", support["overdue"]])
    rows.append([])
    rows.append(
        [
            "Staff",
            "Name",
            "Registration number",
            "Employment type",
            "Eligible by tenure",
            "Status",
        ]
    )
    for worker in data["staff"]:
        rows.append(
            [
                "Staff",
                worker.user.full_name,
                worker.registration_number,
                worker.get_employment_type_display(),
                worker.tenure_reached,
                selectors.worker_status(worker),
            ]
        )
    return csv_bytes(rows)
