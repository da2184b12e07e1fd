"""Pages for assessor calibration: administrators build and activate sets, see each
assessor's standing and give overrides; assessors mark their cases blind and then see how
their marks compare with the agreed marks."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.flows import Flow, PendingAnswers
from naas.models import User
from naas.submissions import once_per_submission

from .. import policies, services
from ..forms.calibration import CalibrationSetForm, CaseAddForm, OverrideForm
from ..forms.marking import MarksForm
from ..models import (
    MARK_RUBRIC,
    AreaMark,
    CalibrationCase,
    CalibrationMarking,
    CalibrationSet,
    PracticeTask,
)
from ..selectors import calibration as calibration_selectors
from .common import (
    ADMIN,
    ASSESSING,
    check_answers_page,
    confirm_page,
    form_page,
    posted,
    refusal_shown_on,
)


def _set_stamp(calibration_set) -> tuple:
    """An override is checked against the set as it was: activated, retired or replaced in
    between, the answers are refused."""
    return (calibration_set.active, calibration_set.activated_at)


OVERRIDE = Flow(
    "assessment",
    "calibration_override",
    version_of=_set_stamp,
    url_kwarg="set_id",
    check_url="assessment:calibration_override_check",
)


def _set_or_404(set_id: int) -> CalibrationSet:
    try:
        return calibration_selectors.calibration_set_detail(set_id)
    except CalibrationSet.DoesNotExist:
        raise Http404 from None


@role_required(ADMIN)
def calibration_sets(request):
    return render(
        request,
        "assessment/psychometrics/calibration_sets.html",
        {"sets": calibration_selectors.calibration_sets()},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def calibration_set_create(request):
    form = CalibrationSetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            created = services.calibration_set_create(
                framework=form.cleaned_data["framework"],
                name=form.cleaned_data["name"],
                actor=request.user,
            )
            return redirect("assessment:calibration_set_detail", set_id=created.pk)
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {"title": "New calibration set", "back_url": reverse("assessment:calibration_sets")},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def calibration_set_detail(request, set_id: int):
    """The set's cases (with candidates: only administrators see this page) and, while the
    set is not active, a form to add a case."""
    calibration_set = _set_or_404(set_id)
    form = None
    if not calibration_set.active:
        form = CaseAddForm(
            posted(request), attempts=calibration_selectors.attempts_for_cases(calibration_set)
        )
        if request.method == "POST" and form.is_valid():
            with refusal_shown_on(form):
                services.calibration_case_add(
                    calibration_set=calibration_set,
                    attempt=form.cleaned_data["attempt"],
                    actor=request.user,
                )
                messages.success(request, "The case has been added with its agreed marks")
                return redirect("assessment:calibration_set_detail", set_id=set_id)
    elif request.method == "POST":
        raise PermissionDenied("Cases cannot be added to an active set")
    context = {"calibration_set": calibration_set, "cases": calibration_set.cases.all()}
    template = "assessment/psychometrics/calibration_set.html"
    if form is None:
        return render(request, template, {**context, "form": None})
    return form_page(request, template, form, context)


def _agreed_as_initial(case) -> dict:
    """The case's agreed marks in the shape the marks form starts from."""
    return {
        int(area_id): SimpleNamespace(**dict(zip(AreaMark.TASK_FIELDS, marks, strict=True)))
        for area_id, marks in case.agreed_marks.items()
    }


def _without_judgements(form) -> None:
    """Agreed marks are task marks only: the live form's overall judgement is not asked."""
    for area in form.areas:
        name = getattr(form, "judgement_name", None)
        if name and name(area) in form.fields:
            form.fields[name(area)].required = False
            form.fields[name(area)].empty_value = None


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def calibration_case_agreed(request, case_id: int):
    """Enter a case's agreed marks by hand, while its set has never been in use."""
    try:
        case = calibration_selectors.case_for_marking(case_id)
    except CalibrationCase.DoesNotExist:
        raise Http404 from None
    form = MarksForm(
        posted(request),
        areas=calibration_selectors.case_areas(case),
        initial_marks=_agreed_as_initial(case),
    )
    _without_judgements(form)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.calibration_case_agreed_marks_change(
                case=case, marks=form.entries(), actor=request.user
            )
            messages.success(request, "The agreed marks have been saved")
            return redirect("assessment:calibration_set_detail", set_id=case.calibration_set_id)
    return form_page(
        request,
        "assessment/psychometrics/calibration_mark.html",
        form,
        {
            "case": case,
            "rows": _form_rows(form),
            "rubric": MARK_RUBRIC.items(),
            "tasks": PracticeTask.labels,
            "title": "Enter the agreed marks",
            "intro": "These replace the marks copied from the attempt. Give the rationale for "
            "each area: it is kept in the audit trail with the change.",
            "back_url": reverse(
                "assessment:calibration_set_detail", args=[case.calibration_set_id]
            ),
            "submit": "Save agreed marks",
        },
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def calibration_set_activate(request, set_id: int):
    calibration_set = _set_or_404(set_id)

    def done(activated):
        messages.success(request, f"{activated.name} is now the active calibration set")
        return redirect("assessment:calibration_standings", set_id=set_id)

    return confirm_page(
        request,
        "assessment/psychometrics/calibration_activate.html",
        {"calibration_set": calibration_set, "cases": calibration_set.cases.all()},
        act=lambda: services.calibration_set_activate(
            calibration_set=calibration_set, actor=request.user
        ),
        done=done,
    )


@role_required(ADMIN)
def calibration_standings(request, set_id: int):
    calibration_set = _set_or_404(set_id)
    min_exact, min_adjacent = calibration_selectors.pass_bar()
    return render(
        request,
        "assessment/psychometrics/calibration_standings.html",
        {
            "calibration_set": calibration_set,
            "standings": calibration_selectors.assessor_standings(calibration_set),
            "min_exact": min_exact,
            "min_adjacent": min_adjacent,
        },
    )


def _needing_override(calibration_set):
    standings = calibration_selectors.assessor_standings(calibration_set)
    ids = [s.assessor.pk for s in standings if not s.standing.may_mark_live]
    return User.objects.filter(pk__in=ids).order_by("full_name", "pk")


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def calibration_override(request, set_id: int):
    calibration_set = _set_or_404(set_id)
    if not calibration_set.active:
        raise Http404
    pending = PendingAnswers(request, OVERRIDE, calibration_set)
    initial = pending.initial()
    if request.GET.get("assessor"):
        initial.setdefault("assessor", request.GET["assessor"])
    form = OverrideForm(posted(request), people=_needing_override(calibration_set), initial=initial)
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            {"assessor": form.cleaned_data["assessor"].pk, "reason": form.cleaned_data["reason"]}
        )
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Let an assessor mark live without passing calibration",
            "caption": calibration_set.name,
            "back_url": reverse("assessment:calibration_standings", args=[set_id]),
        },
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def calibration_override_check(request, set_id: int):
    calibration_set = _set_or_404(set_id)
    pending = PendingAnswers(request, OVERRIDE, calibration_set)
    answers = pending.answers or {}
    assessor = User.objects.filter(pk=answers.get("assessor")).first()
    if pending.answers and assessor is None:
        pending.forget()
        return redirect("assessment:calibration_override", set_id=set_id)

    def done(override):
        messages.success(
            request, f"{override.assessor.full_name} may now be allocated live marking"
        )
        return redirect("assessment:calibration_standings", set_id=set_id)

    return check_answers_page(
        request,
        pending,
        "assessment/psychometrics/calibration_override_check.html",
        {"calibration_set": calibration_set, "assessor": assessor, "answers": answers},
        act=lambda: services.calibration_override_grant(
            calibration_set=calibration_set,
            assessor=assessor,
            reason=answers.get("reason", ""),
            actor=request.user,
        ),
        done=done,
    )


# --- Assessors and moderators ----------------------------------------------------------------


@role_required(*ASSESSING)
def my_calibration(request):
    return render(
        request,
        "assessment/psychometrics/calibration_mine.html",
        {"sets": calibration_selectors.calibration_cases_for(request.user)},
    )


def _case_for(request, case_id: int) -> CalibrationCase:
    """A case the user may mark: in an active set and not an attempt they marked live."""
    try:
        case = calibration_selectors.case_for_marking(case_id)
    except CalibrationCase.DoesNotExist:
        raise Http404 from None
    if (
        not case.calibration_set.active
        or case.attempt.allocations.filter(assessor=request.user).exists()
    ):
        raise Http404
    return case


@role_required(*ASSESSING)
@require_http_methods(["GET", "POST"])
def calibration_case_mark(request, case_id: int):
    """Blind: the page shows the case's areas and nothing about the candidate, their LA,
    the live markers or the agreed marks."""
    if not policies.can_mark_calibration(request.user):
        raise PermissionDenied
    case = _case_for(request, case_id)
    done = case.markings.filter(assessor=request.user).first()
    if done is not None:
        return redirect("assessment:calibration_marking", marking_id=done.pk)
    form = MarksForm(posted(request), areas=calibration_selectors.case_areas(case))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            marking = services.calibration_marking_submit(
                case=case, marks=form.entries(), actor=request.user
            )
            messages.success(request, "Your calibration marks have been submitted")
            return redirect("assessment:calibration_marking", marking_id=marking.pk)
    return form_page(
        request,
        "assessment/psychometrics/calibration_mark.html",
        form,
        {
            "case": case,
            "rows": _form_rows(form),
            "rubric": MARK_RUBRIC.items(),
            "tasks": PracticeTask.labels,
            "title": "Mark a calibration case",
            "intro": "Mark the case blind, on the evidence, as you would a live attempt. You "
            "see the agreed marks once you submit.",
            "back_url": reverse("assessment:my_calibration"),
            "submit": "Submit marks",
        },
    )


def _form_rows(form):
    """(area, mark fields, judgement field or None, evidence field), whatever shape the live
    marks form's rows take."""
    rows = []
    for area in form.areas:
        marks = [form[form.mark_name(area, name)] for name in AreaMark.TASK_FIELDS]
        judgement_name = getattr(form, "judgement_name", None)
        judgement = form[judgement_name(area)] if judgement_name else None
        rows.append((area, marks, judgement, form[form.evidence_name(area)]))
    return rows


@role_required(*ASSESSING)
def calibration_marking(request, marking_id: int):
    """The assessor's own marks beside the agreed marks, after submission only."""
    try:
        marking = calibration_selectors.marking_detail(marking_id)
    except CalibrationMarking.DoesNotExist:
        raise Http404 from None
    if not policies.can_view_calibration_marking(request.user, marking):
        raise Http404
    areas = calibration_selectors.case_areas(marking.case)
    rows = [
        (area, list(zip(marking.marks[key], marking.case.agreed_marks[key], strict=True)))
        for area in areas
        for key in [str(area.pk)]
    ]
    return render(
        request,
        "assessment/psychometrics/calibration_marking.html",
        {
            "marking": marking,
            "rows": rows,
            "tasks": PracticeTask.labels,
            "case_agreement": calibration_selectors.agreement_of([marking]),
            "standing": calibration_selectors.assessor_standing(
                marking.case.calibration_set, request.user
            ),
        },
    )
