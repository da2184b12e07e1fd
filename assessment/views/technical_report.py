"""Pages for the technical report: ask for one for a sitting window, follow its progress (the
page reloads itself with JavaScript, or the reader checks again), download it, retry it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from naas.access import role_required
from naas.models import Role
from naas.submissions import once_per_submission

from .. import policies, services
from ..forms.technical_report import TechnicalReportRequestForm
from ..models import TechnicalReport
from .common import ADMIN, refusal_shown_on

REPORT_ROLES = (ADMIN, Role.DFE)
REPORTS_SHOWN = 20
REFRESH_SECONDS = 5


def _require_report_user(request) -> None:
    if not policies.can_use_technical_reports(request.user):
        raise PermissionDenied


@role_required(*REPORT_ROLES)
@require_http_methods(["GET", "POST"])
@once_per_submission
def technical_reports(request):
    _require_report_user(request)
    form = TechnicalReportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            report, created = services.technical_report_request(
                window_start=form.cleaned_data["window_start"],
                window_end=form.cleaned_data["window_end"],
                actor=request.user,
            )
            if created:
                messages.success(request, "Technical report requested")
            else:
                messages.info(
                    request,
                    "A report for this window is already being made: this is its progress",
                )
            return redirect("assessment:technical_report", pk=report.pk)
    reports = TechnicalReport.objects.all()[:REPORTS_SHOWN]
    return render(
        request,
        "assessment/psychometrics/report_list.html",
        {
            "form": form,
            "reports": reports,
            "show_admin_links": policies.is_assessment_administrator(request.user),
        },
        status=400 if form.errors else 200,
    )


def _report_or_404(request, pk: int) -> TechnicalReport:
    _require_report_user(request)
    return get_object_or_404(TechnicalReport, pk=pk)


@role_required(*REPORT_ROLES)
def technical_report(request, pk: int):
    report = _report_or_404(request, pk)
    response = render(
        request,
        "assessment/psychometrics/report_detail.html",
        {"report": report, "refresh_seconds": REFRESH_SECONDS},
    )
    # The progress must be fresh on every refresh, never a cached copy.
    response["Cache-Control"] = "no-store"
    return response


@role_required(*REPORT_ROLES)
def technical_report_download(request, pk: int):
    report = _report_or_404(request, pk)
    if not report.is_ready or not report.file.name:
        raise Http404
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.document_filename(),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*REPORT_ROLES)
@require_POST
def technical_report_retry(request, pk: int):
    report = _report_or_404(request, pk)
    retry = services.technical_report_retry(report=report, actor=request.user)
    if retry.queued:
        messages.success(request, "Technical report requested again")
    elif retry.already_ready:
        messages.info(request, "This report is already ready: nothing to do")
    else:
        messages.info(request, "This report is already being made: nothing to do")
    return redirect("assessment:technical_report", pk=retry.document.pk)
