"""Pages for the knowledge test's results: the administrators' upload and the assessors'
and administrators' reading of a candidate's result."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naas.access import role_required

from .. import policies, selectors, services
from ..forms.results_import import ResultsUploadForm
from .common import ADMIN, ASSESSING, attempt_for, page_of, sitting_or_404

ERRORS_SHOWN = 200


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def results_upload(request, sitting_id: int):
    sitting = sitting_or_404(sitting_id)
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        outcome = services.test_results_import(
            sitting=sitting,
            records=form.records,
            actor=request.user,
            file_name=form.cleaned_data["csv_file"].name,
            file_sha256=form.sha256,
        )
        if outcome.is_valid:
            if outcome.recorded:
                messages.success(
                    request,
                    f"Results imported: {outcome.recorded} candidate"
                    f"{'s' if outcome.recorded != 1 else ''} recorded, "
                    f"{outcome.unchanged} already recorded and unchanged",
                )
            else:
                messages.info(
                    request,
                    f"Nothing changed: the results of all {outcome.unchanged} candidates in "
                    "the file were already recorded",
                )
            return redirect("assessment:sitting_detail", sitting_id=sitting.pk)
        row_errors = outcome.errors
    return render(
        request,
        "assessment/results_upload.html",
        {
            "sitting": sitting,
            "form": form,
            "row_errors": row_errors[:ERRORS_SHOWN],
            "error_count": len(row_errors),
            "bad_lines": len({line for line, _ in row_errors}),
        },
        status=400 if (form.errors or row_errors) else 200,
    )


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
