from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from naas import policies as core_policies
from naas.access import role_required
from naas.models import LocalAuthority, Role
from naas.submissions import once_per_submission

from . import policies, selectors, services
from .dashboard_tables import TABLE_KEYS, dashboard_tables
from .forms import DashboardFilterForm, LAReportRequestForm
from .models import LAReport

REPORTS_SHOWN = 20


# --- LA reports (LA leads) -------------------------------------------------------------------


@role_required(Role.LA_LEAD)
def la_reports_start(request):
    la_ids = sorted(core_policies.la_ids_where(request.user, Role.LA_LEAD))
    return redirect("reporting:la_reports", la_id=la_ids[0])


@role_required(Role.LA_LEAD)
@require_http_methods(["GET", "POST"])
@once_per_submission
def la_reports(request, la_id: int):
    local_authority = get_object_or_404(LocalAuthority, pk=la_id)
    if not policies.can_request_la_report(request.user, local_authority.pk):
        raise PermissionDenied
    form = LAReportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report, created = services.la_report_request(
                local_authority=local_authority,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                actor=request.user,
            )
        except services.ReportError as exc:
            form.add_error("period_end", str(exc))
        else:
            if created:
                messages.success(request, "Report requested")
            else:
                messages.info(
                    request,
                    "A report for this period is already being made: this is its progress",
                )
            return redirect("reporting:la_report", pk=report.pk)
    reports = LAReport.objects.filter(local_authority=local_authority)[:REPORTS_SHOWN]
    return render(
        request,
        "reporting/la_reports.html",
        {"local_authority": local_authority, "form": form, "reports": reports},
        status=400 if form.errors else 200,
    )


def _report_or_404(request, pk: int) -> LAReport:
    report = get_object_or_404(LAReport.objects.select_related("local_authority"), pk=pk)
    if not policies.can_view_la_report(request.user, report):
        raise Http404
    return report


@role_required(Role.LA_LEAD)
def la_report(request, pk: int):
    report = _report_or_404(request, pk)
    return render(request, "reporting/la_report.html", {"report": report})


@role_required(Role.LA_LEAD)
def la_report_status(request, pk: int):
    """For the progress page's script: the state and how far along it is."""
    report = _report_or_404(request, pk)
    response = JsonResponse({"state": report.state, "progress": report.progress})
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.LA_LEAD)
def la_report_download(request, pk: int, kind: str):
    report = _report_or_404(request, pk)
    file = report.file if kind == "pdf" else report.csv_file
    if not report.is_ready or not file.name:
        raise Http404
    filename = report.document_filename() if kind == "pdf" else report.csv_filename()
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf" if kind == "pdf" else "text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.LA_LEAD)
@require_POST
def la_report_retry(request, pk: int):
    report = _report_or_404(request, pk)
    retry = services.la_report_retry(report=report, actor=request.user)
    if retry.queued:
        messages.success(request, "Report requested again")
    elif retry.already_ready:
        messages.info(request, "This report is already ready: nothing to do")
    else:
        messages.info(request, "This report is already being made: nothing to do")
    return redirect("reporting:la_report", pk=retry.document.pk)


# --- DfE dashboards -----------------------------------------------------------------------------


def _filters(request) -> tuple[DashboardFilterForm, selectors.Filters | None]:
    form = DashboardFilterForm(request.GET or None)
    if not request.GET:
        return form, selectors.Filters()
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, selectors.Filters(
        phase=data["phase"],
        local_authority=data["local_authority"],
        region=data["region"],
        level=data["level"],
        start=data["start"],
        end=data["end"],
    )


@role_required(Role.DFE)
def dashboard(request):
    form, filters = _filters(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if filters is None:
        return render(request, "reporting/dashboard.html", context, status=400)
    today = timezone.localdate()
    board = selectors.dashboard(filters, today=today)
    context.update(board=board, tables=dashboard_tables(board), end=filters.end_or(today))
    return render(request, "reporting/dashboard.html", context)


@role_required(Role.DFE)
def dashboard_csv(request, table: str):
    if table not in TABLE_KEYS:
        raise Http404
    form, filters = _filters(request)
    if filters is None:
        return render(
            request,
            "reporting/dashboard.html",
            {"form": form, "query": request.GET.urlencode()},
            status=400,
        )
    board = selectors.dashboard(
        filters, today=timezone.localdate(), with_groups=table in selectors.GROUPINGS
    )
    chosen = next(t for t in dashboard_tables(board) if t.key == table)
    response = HttpResponse(chosen.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chosen.filename}"'
    return response
