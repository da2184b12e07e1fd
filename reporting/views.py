import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from naas import policies as core_policies
from naas.access import role_required
from naas.models import LocalAuthority, Role
from naas.speedup_cache import cache_read, cache_write
from naas.submissions import once_per_submission

from . import policies, selectors, services, summaries
from .dashboard_tables import SECTION_SLUGS, SECTIONS, TABLE_KEYS, dashboard_tables, table_for
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

DASHBOARD_CACHE_SECONDS = 60 * 60  # a new figures run changes the key long before this


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


def _board(filters, *, with_groups: bool = True):
    today = timezone.localdate()
    run = summaries.current_run(today=today)
    return run, selectors.dashboard(filters, today=today, with_groups=with_groups, run=run)


def _fragment_key(run, section: str, request) -> str:
    """The rendered page body depends only on the figures' version, the page and the filters
    (it names no one, so every DfE user may share it)."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"reporting:dashboard:{run.pk}:{section}:{digest}"


SECTION_URL_NAMES = {
    "pipeline": "reporting:dashboard_pipeline",
    "outcomes": "reporting:dashboard_outcomes",
    "areas": "reporting:dashboard_areas",
    "local-authorities": "reporting:dashboard_local_authorities",
    "equality": "reporting:dashboard_equality",
    "funding": "reporting:dashboard_funding",
}


def _pages(request, current: str) -> list[dict]:
    """The contents list: every sub-page, each link keeping the filters."""
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    pages = [
        {"slug": "overview", "title": "Overview", "description": "The headline figures"},
        *({"slug": s, "title": t, "description": d} for s, t, d in SECTIONS),
    ]
    for page in pages:
        name = SECTION_URL_NAMES.get(page["slug"], "reporting:dashboard")
        page["url"] = reverse(name) + query
        page["current"] = page["slug"] == current
    return pages


def _dashboard_page(request, section: str):
    form, filters = _filters(request)
    context = {
        "form": form,
        "query": request.GET.urlencode(),
        "pages": _pages(request, section),
        "section": section,
        "section_title": dict((s, t) for s, t, _ in SECTIONS).get(section, ""),
    }
    if filters is None:
        return render(request, "reporting/dashboard.html", context, status=400)
    today = timezone.localdate()
    run = summaries.current_run(today=today)
    cacheable = filters.start is None and filters.end is None
    key = _fragment_key(run, section, request) if cacheable else None
    body = _cached_body(key)
    if body is None:
        board = selectors.dashboard(
            filters, today=today, with_groups=section == "equality", run=run
        )
        body = render_to_string(
            "reporting/_dashboard_body.html",
            {
                **context,
                "board": board,
                "tables": dashboard_tables(board, None if section == "overview" else section),
                "end": filters.end_or(today),
            },
            request=None,
        )
        _cache_body(key, body)
    context["body"] = body
    return render(request, "reporting/dashboard.html", context)


@role_required(Role.DFE)
def dashboard(request):
    return _dashboard_page(request, "overview")


@role_required(Role.DFE)
def dashboard_section(request, section: str):
    if section not in SECTION_SLUGS:
        raise Http404
    return _dashboard_page(request, section)


@role_required(Role.DFE)
def dashboard_csv(request, table: str):
    if table not in TABLE_KEYS:
        raise Http404
    form, filters = _filters(request)
    if filters is None:
        return render(
            request,
            "reporting/dashboard.html",
            {"form": form, "query": request.GET.urlencode(), "pages": _pages(request, "")},
            status=400,
        )
    _, board = _board(filters, with_groups=table in selectors.GROUPINGS)
    chosen = table_for(board, table)
    response = HttpResponse(chosen.csv(board), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chosen.filename}"'
    return response


def _cached_body(key: str | None) -> str | None:
    return cache_read(key, what="dashboard") if key else None


def _cache_body(key: str | None, body: str) -> None:
    if key:
        cache_write(key, body, DASHBOARD_CACHE_SECONDS, what="dashboard")
