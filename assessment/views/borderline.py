"""Pages for borderline regression: the stored analyses, running one for a window of sittings,
its per-area cuts, and adopting them into the outcome rules (check your answers, once)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from naas.access import role_required
from naas.flows import Flow, PendingAnswers
from naas.submissions import once_per_submission

from .. import selectors, services
from ..forms.borderline import BorderlineRunForm
from ..models import BorderlineAnalysis
from ..outcome_rules import RuleParameters
from ..services.borderline import adoptable_cuts, adoption_parameters, adoption_problems
from .common import ADMIN, check_answers_page, form_page, posted, refusal_shown_on

ADOPTION = Flow(
    "assessment",
    "borderline_adopt",
    # An analysis changes only when it is adopted, so that stands for its version.
    version_of=lambda analysis: analysis.adopted_rule_set_id,
    url_kwarg="analysis_id",
    form_url="assessment:borderline_detail",
    check_url="assessment:borderline_adopt_check",
    done_url="assessment:borderline_adopted",
)


def _analysis(analysis_id: int) -> BorderlineAnalysis:
    try:
        return selectors.borderline_analysis(analysis_id)
    except BorderlineAnalysis.DoesNotExist:
        raise Http404 from None


@role_required(ADMIN)
def borderline_list(request):
    return render(
        request,
        "assessment/psychometrics/borderline_list.html",
        {"analyses": selectors.borderline_analyses()},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def borderline_run(request):
    form = BorderlineRunForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            analysis = services.borderline_analysis_run(
                framework=form.cleaned_data["framework"],
                window_start=form.cleaned_data["window_start"],
                window_end=form.cleaned_data["window_end"],
                actor=request.user,
            )
            return redirect("assessment:borderline_detail", analysis_id=analysis.pk)
    return form_page(request, "assessment/psychometrics/borderline_run.html", form, {})


@role_required(ADMIN)
def borderline_detail(request, analysis_id: int):
    analysis = _analysis(analysis_id)
    return render(
        request,
        "assessment/psychometrics/borderline_detail.html",
        {"analysis": analysis, "problems": adoption_problems(analysis)},
    )


@role_required(ADMIN)
@require_POST
def borderline_adopt(request, analysis_id: int):
    """The analysis page's "Adopt" button: keep the choice, then check it."""
    analysis = _analysis(analysis_id)
    return PendingAnswers(request, ADOPTION, analysis).keep({"adopt": True})


def _threshold_rows(analysis: BorderlineAnalysis) -> tuple[int, list[tuple]]:
    """The version in force and, per area, (number, title, threshold now, threshold after)."""
    version, current = selectors.rules_in_force(analysis.framework)
    after = adoption_parameters(analysis, current)
    cuts = adoptable_cuts(analysis)
    rows = [
        (
            row["number"],
            row["title"],
            current.observation_threshold_for(row["number"]),
            after.observation_threshold_for(row["number"]),
            row["number"] in cuts,
        )
        for row in analysis.results
    ]
    return version, rows


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def borderline_adopt_check(request, analysis_id: int):
    analysis = _analysis(analysis_id)
    pending = PendingAnswers(request, ADOPTION, analysis)
    if not pending.answers:
        return redirect("assessment:borderline_detail", analysis_id=analysis.pk)
    version, rows = _threshold_rows(analysis)
    return check_answers_page(
        request,
        pending,
        "assessment/psychometrics/borderline_adopt_check.html",
        {"analysis": analysis, "version": version, "rows": rows},
        act=lambda: services.borderline_analysis_adopt(analysis=analysis, actor=request.user),
        done=lambda rule_set: _adopted(request, analysis, rule_set),
    )


def _adopted(request, analysis, rule_set):
    messages.success(
        request,
        f"Version {rule_set.version} of the rules for {analysis.framework.title} is now in use "
        "for new outcomes",
    )
    return redirect("assessment:borderline_adopted", analysis_id=analysis.pk)


@role_required(ADMIN)
def borderline_adopted(request, analysis_id: int):
    analysis = _analysis(analysis_id)
    if not analysis.is_adopted:
        return redirect("assessment:borderline_detail", analysis_id=analysis.pk)
    thresholds = RuleParameters.from_json(analysis.adopted_rule_set.parameters)
    return render(
        request,
        "assessment/psychometrics/borderline_adopted.html",
        {"analysis": analysis, "thresholds": thresholds.area_observation_thresholds},
    )
