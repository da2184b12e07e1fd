"""Pages for the knowledge test's results: the administrators' upload and the assessors'
and administrators' reading of a candidate's result."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from naas.access import role_required
from naas.forms import submitted, submitted_files

from .. import policies, selectors, services
from ..forms.results_import import ResultsFileForm
from ..models import ImportJob
from .common import ADMIN, ASSESSING, attempt_for, page_of, sitting_or_404

ERRORS_SHOWN = 200


REFRESH_SECONDS = 3


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def results_upload(request, sitting_id: int):
    """The upload only stores the file: the import runs in the background (a national file is
    300,000 rows) and the job's page shows how it is going."""
    sitting = sitting_or_404(sitting_id)
    form = ResultsFileForm(submitted(request), submitted_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["csv_file"]
        job = services.results_file_upload(
            sitting=sitting,
            raw=upload.read(),
            file_name=upload.name,
            actor=request.user,
            is_correction=form.cleaned_data["is_correction"],
            reason=form.cleaned_data["reason"].strip(),
        )
        return redirect("assessment:results_import_job", sitting_id=sitting.pk, pk=job.pk)
    return render(
        request,
        "assessment/results_upload.html",
        {"sitting": sitting, "form": form},
        status=400 if form.errors else 200,
    )


def _job_or_404(sitting_id: int, pk: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("sitting__centre"), pk=pk, sitting_id=sitting_id
    )


@role_required(ADMIN)
def results_import_job(request, sitting_id: int, pk: int):
    job = _job_or_404(sitting_id, pk)
    return render(
        request,
        "assessment/results_import_job.html",
        {
            "job": job,
            "sitting": job.sitting,
            "progress": services.results_file_progress(job),
            "row_errors": job.row_errors[:ERRORS_SHOWN],
            "refresh_seconds": REFRESH_SECONDS,
        },
        status=400 if job.has_row_errors else 200,
    )


@role_required(ADMIN)
@require_POST
def results_import_retry(request, sitting_id: int, pk: int):
    job = _job_or_404(sitting_id, pk)
    services.results_file_import_retry(job=job, actor=request.user)  # the page says how it is
    return redirect("assessment:results_import_job", sitting_id=sitting_id, pk=job.pk)


@role_required(ADMIN)
@require_POST
def results_correction_apply(request, sitting_id: int, pk: int):
    job = _job_or_404(sitting_id, pk)
    services.results_correction_apply(job=job, actor=request.user)  # the page says how it is
    return redirect("assessment:results_import_job", sitting_id=sitting_id, pk=job.pk)


@role_required(*ASSESSING)
def assessor_test_results(request):
    return render(
        request,
        "assessment/assessor_home.html",
        {"page": page_of(request, selectors.test_results_for_assessor(request.user))},
    )


@role_required(*ASSESSING, ADMIN)
def attempt_test_result(request, attempt_id: int):
    attempt = attempt_for(request, attempt_id, check=policies.can_view_test_results)
    result = selectors.test_result_for_attempt(attempt)
    if result is None:
        raise Http404
    level_areas = [
        s for s in result.area_scores.all() if s.area.framework_id == attempt.framework_id
    ]
    other_areas = [
        s for s in result.area_scores.all() if s.area.framework_id != attempt.framework_id
    ]
    return render(
        request,
        "assessment/test_result.html",
        {
            "attempt": attempt,
            "result": result,
            "level_areas": level_areas,
            "other_areas": other_areas,
            "back_url": reverse(
                "assessment:admin_home"
                if policies.is_assessment_administrator(request.user)
                and not policies.is_assessor(request.user)
                else "assessment:assessor_home"
            ),
        },
    )
