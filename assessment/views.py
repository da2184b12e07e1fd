"""Pages for booking assessment days, deciding adjustments, attendance, the item bank, test
forms, results upload and the assessor's view of test results. Each view checks access,
validates input, calls one service or selector and renders."""

import itertools
from contextlib import contextmanager
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from endorsement.models import Endorsement
from endorsement.selectors import endorsements_bookable
from naas.access import role_required, social_worker_required
from naas.csv_export import csv_response
from naas.dates import govuk_date
from naas.models import KSSFramework, Level, Role, SocialWorker
from naas.submissions import once_per_submission

from . import policies, selectors, services
from .forms import (
    AdjustmentDecisionForm,
    AllocationForm,
    AttendanceForm,
    BookingForm,
    CancelForm,
    CentreForm,
    FastTrackForm,
    ItemForm,
    MarksForm,
    RebookForm,
    ResultsUploadForm,
    ReviewDecisionForm,
    ReviewRequestForm,
    RuleSetForm,
    ScenarioForm,
    SittingForm,
    TestFormForm,
    sitting_label,
)
from .models import (
    MARK_RUBRIC,
    AdjustmentDecision,
    AdjustmentKind,
    AdjustmentRequest,
    AssessmentCentre,
    Attempt,
    AttemptState,
    Item,
    MarkerRole,
    Outcome,
    PracticeTask,
    ReviewRequest,
    ReviewState,
    Scenario,
    Sitting,
    TestForm,
)
from .outcome_rules import RuleParameters
from .services import AdjustmentAsk, AssessmentError

PAGE_SIZE = 50
ERRORS_SHOWN = 200
ADMIN = Role.ADMINISTRATOR
ASSESSING = (Role.ASSESSOR, Role.MODERATOR)


@contextmanager
def _refusal_shown_on(form):
    """Run a valid form's service call: if the service refuses, its messages go on the form
    (for the error summary) and the rest of the block is skipped, so the page shows again."""
    try:
        yield
    except AssessmentError as exc:
        for message in exc.messages:
            form.add_error(None, message)


def _form_page(request, template: str, form, context: dict):
    """A form page: 400 while the form shows errors, so a failed send is never a 200."""
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def _check_page(request, template: str, context: dict, *, act, done, pending=None):
    """A check your answers page: GET shows it; POST calls `act()` once and, when the service
    accepts, forgets the pending answers and returns `done(result)`. A refusal shows the page
    again with the service's messages and status 409."""
    errors = []
    if request.method == "POST":
        try:
            result = act()
        except AssessmentError as exc:
            errors = exc.messages
        else:
            if pending is not None:
                pending.forget()
            return done(result)
    return render(
        request,
        template,
        {**context, "errors": [("", message) for message in errors]},
        status=409 if errors else 200,
    )


class PendingAnswers:
    """A consequential action's answers, kept in the session between its form page and its
    check your answers page under `assessment:<flow>:<pk>`."""

    def __init__(self, request, flow: str, pk: int):
        self.request = request
        self.key = f"assessment:{flow}:{pk}"

    @property
    def answers(self) -> dict | None:
        return self.request.session.get(self.key)

    def keep(self, answers: dict, then: str, **url_kwargs):
        """Stash a valid form's answers and go on to check them."""
        self.request.session[self.key] = answers
        return redirect(then, **url_kwargs)

    def forget(self) -> None:
        del self.request.session[self.key]


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- Candidates and LA leads: booking -------------------------------------------------------


@social_worker_required
def my_assessment(request):
    worker = SocialWorker.objects.select_related("local_authority").get(user=request.user)
    return render(
        request,
        "assessment/my_assessment.html",
        {
            "worker": worker,
            "attempts": selectors.attempts_for_worker(worker),
            "bookable": selectors.bookable_endorsements_for_worker(worker),
        },
    )


@role_required(Role.LA_LEAD)
def la_bookings(request):
    return render(request, "assessment/la_bookings.html", selectors.la_lead_overview(request.user))


def _endorsement_to_book(request, endorsement_id: int) -> Endorsement:
    if not request.user.is_authenticated:
        raise PermissionDenied
    endorsement = get_object_or_404(
        Endorsement.objects.select_related("worker__user", "worker__local_authority"),
        pk=endorsement_id,
    )
    if not policies.can_book_for(request.user, endorsement.worker):
        raise PermissionDenied
    return endorsement


def _back_to_bookings(request, endorsement: Endorsement) -> str:
    if endorsement.worker.user_id == request.user.pk:
        return reverse("assessment:my_assessment")
    return reverse("assessment:la_bookings")


def _cannot_book(request, endorsement):
    return render(
        request,
        "assessment/cannot_book.html",
        {"endorsement": endorsement, "back_url": _back_to_bookings(request, endorsement)},
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request, endorsement_id: int):
    endorsement = _endorsement_to_book(request, endorsement_id)
    if not endorsements_bookable().filter(pk=endorsement.pk).exists():
        return _cannot_book(request, endorsement)
    pending = PendingAnswers(request, "booking", endorsement.pk)
    form = BookingForm(
        request.POST or None,
        initial=pending.answers,
        sittings=selectors.sittings_open_for_booking(),
    )
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            {
                "sitting": form.cleaned_data["sitting"].pk,
                "adjustments": form.cleaned_data["adjustments"],
                "other_detail": form.cleaned_data["other_detail"].strip(),
                "adjustment_notes": form.cleaned_data["adjustment_notes"].strip(),
            },
            "assessment:book_check",
            endorsement_id=endorsement.pk,
        )
    return _form_page(
        request,
        "assessment/book.html",
        form,
        {
            "endorsement": endorsement,
            "for_self": endorsement.worker.user_id == request.user.pk,
            "back_url": _back_to_bookings(request, endorsement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book_check(request, endorsement_id: int):
    endorsement = _endorsement_to_book(request, endorsement_id)
    pending = PendingAnswers(request, "booking", endorsement.pk)
    answers = pending.answers
    if not answers:
        return redirect("assessment:book", endorsement_id=endorsement.pk)
    sitting = selectors.sittings_with_counts().filter(pk=answers["sitting"]).first()
    if sitting is None:
        return redirect("assessment:book", endorsement_id=endorsement.pk)
    asks = [
        AdjustmentAsk(kind, answers["other_detail"] if kind == AdjustmentKind.OTHER else "")
        for kind in answers["adjustments"]
    ]
    return _check_page(
        request,
        "assessment/book_check.html",
        {
            "endorsement": endorsement,
            "sitting": sitting,
            "sitting_label": sitting_label(sitting),
            "adjustments": [AdjustmentKind(a.kind).label for a in asks],
            "answers": answers,
            "back_url": reverse("assessment:book", kwargs={"endorsement_id": endorsement.pk}),
        },
        act=partial(
            services.attempt_book,
            endorsement=endorsement,
            sitting=sitting,
            actor=request.user,
            adjustments=asks,
            adjustment_notes=answers["adjustment_notes"],
        ),
        done=lambda attempt: redirect("assessment:booked", attempt_id=attempt.pk),
        pending=pending,
    )


def _attempt_for(request, attempt_id: int, check=policies.can_view_attempt) -> Attempt:
    if not request.user.is_authenticated:
        raise PermissionDenied
    attempt = get_object_or_404(
        Attempt.objects.select_related(
            "worker__user", "worker__local_authority", "sitting__centre", "endorsement"
        ),
        pk=attempt_id,
    )
    if not check(request.user, attempt):
        raise PermissionDenied
    return attempt


@login_required
def booked(request, attempt_id: int):
    attempt = _attempt_for(request, attempt_id)
    return render(request, "assessment/booked.html", {"attempt": attempt})


@login_required
def attempt_detail(request, attempt_id: int):
    attempt = _attempt_for(request, attempt_id)
    attempt = selectors.attempt_detail(attempt.pk)
    return render(
        request,
        "assessment/attempt_detail.html",
        {
            "attempt": attempt,
            "can_change": attempt.state == AttemptState.BOOKED
            and attempt.sitting.date > timezone.localdate(),
            "is_admin": policies.is_assessment_administrator(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def attempt_cancel(request, attempt_id: int):
    attempt = _attempt_for(request, attempt_id, check=policies.can_change_booking)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.attempt_cancel(
                attempt=attempt, actor=request.user, reason=form.cleaned_data["reason"].strip()
            )
            messages.success(request, "The booking has been cancelled")
            return redirect("assessment:attempt_detail", attempt_id=attempt.pk)
    return _form_page(request, "assessment/attempt_cancel.html", form, {"attempt": attempt})


@login_required
@require_http_methods(["GET", "POST"])
def attempt_rebook(request, attempt_id: int):
    attempt = _attempt_for(request, attempt_id, check=policies.can_change_booking)
    form = RebookForm(
        request.POST or None,
        sittings=selectors.sittings_open_for_booking(exclude_pk=attempt.sitting_id),
    )
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.attempt_rebook(
                attempt=attempt, sitting=form.cleaned_data["sitting"], actor=request.user
            )
            messages.success(request, "The booking has been moved to the new sitting")
            return redirect("assessment:attempt_detail", attempt_id=attempt.pk)
    return _form_page(request, "assessment/attempt_rebook.html", form, {"attempt": attempt})


# --- Administrators: sittings, attendance, results --------------------------------------------


@role_required(ADMIN)
def admin_home(request):
    return render(
        request,
        "assessment/admin_home.html",
        {
            "page": _page(request, selectors.sittings_upcoming(), 25),
            "past": selectors.sittings_past()[:10],
            "pending_count": selectors.adjustments_pending().count(),
        },
    )


@role_required(ADMIN)
def sittings_past(request):
    return render(
        request,
        "assessment/sittings_past.html",
        {"page": _page(request, selectors.sittings_past())},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def centres(request):
    form = CentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.centre_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"{form.cleaned_data['name']} has been added")
            return redirect("assessment:centres")
    return _form_page(
        request, "assessment/centres.html", form, {"centres": AssessmentCentre.objects.all()}
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def sitting_create(request):
    form = SittingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            sitting = services.sitting_create(
                actor=request.user,
                centre=form.cleaned_data["centre"],
                on=form.cleaned_data["on"],
                slot=form.cleaned_data["slot"],
                capacity=form.cleaned_data["capacity"],
            )
            messages.success(request, f"Sitting added: {sitting}")
            return redirect("assessment:sitting_detail", sitting_id=sitting.pk)
    return _form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Add a sitting",
            "back_url": reverse("assessment:admin_home"),
        },
    )


def _sitting(sitting_id: int) -> Sitting:
    sitting = selectors.sittings_with_counts().filter(pk=sitting_id).first()
    if sitting is None:
        raise Http404
    return sitting


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def sitting_detail(request, sitting_id: int):
    sitting = _sitting(sitting_id)
    candidates = list(selectors.sitting_attendance(sitting))
    booked = [a for a in candidates if a.state == AttemptState.BOOKED]
    day_reached = sitting.date <= timezone.localdate()
    form = None
    if day_reached and booked:
        form = AttendanceForm(request.POST or None, attempts=booked)
        if request.method == "POST" and form.is_valid():
            attendance = form.attendance()
            if not attendance:
                form.add_error(None, "Record attendance for at least one candidate")
            else:
                with _refusal_shown_on(form):
                    services.sitting_record_attendance(
                        sitting=sitting, attendance=attendance, actor=request.user
                    )
                    messages.success(
                        request,
                        f"Attendance recorded for {len(attendance)} candidate"
                        f"{'s' if len(attendance) != 1 else ''}",
                    )
                    return redirect("assessment:sitting_detail", sitting_id=sitting.pk)
    elif request.method == "POST":
        return redirect("assessment:sitting_detail", sitting_id=sitting.pk)
    return render(
        request,
        "assessment/sitting_detail.html",
        {
            "sitting": sitting,
            "candidates": candidates,
            "form": form,
            "day_reached": day_reached,
            "latest_import": selectors.latest_import_for_sitting(sitting),
        },
        status=400 if form is not None and form.errors else 200,
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def results_upload(request, sitting_id: int):
    sitting = _sitting(sitting_id)
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


# --- Administrators: adjustments --------------------------------------------------------------


@role_required(ADMIN)
def adjustment_queue(request):
    return render(
        request,
        "assessment/adjustment_queue.html",
        {"page": _page(request, selectors.adjustments_pending())},
    )


def _decision_answers(form) -> dict:
    """A decision form's answers (the choice and its reason), ready to check."""
    return {
        "decision": form.cleaned_data["decision"],
        "reason": form.cleaned_data["reason"].strip(),
    }


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def adjustment_decide(request, adjustment_id: int):
    adjustment = _adjustment(adjustment_id)
    if adjustment.decision != AdjustmentDecision.PENDING:
        return redirect("assessment:adjustment_decided", adjustment_id=adjustment.pk)
    pending = PendingAnswers(request, "decision", adjustment.pk)
    form = AdjustmentDecisionForm(request.POST or None, initial=pending.answers)
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            _decision_answers(form), "assessment:adjustment_check", adjustment_id=adjustment.pk
        )
    return _form_page(
        request, "assessment/adjustment_decide.html", form, {"adjustment": adjustment}
    )


def _adjustment(adjustment_id: int) -> AdjustmentRequest:
    try:
        return selectors.adjustment_for_decision(adjustment_id)
    except AdjustmentRequest.DoesNotExist:
        raise Http404 from None


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def adjustment_check(request, adjustment_id: int):
    adjustment = _adjustment(adjustment_id)
    pending = PendingAnswers(request, "decision", adjustment.pk)
    answers = pending.answers
    if not answers:
        return redirect("assessment:adjustment_decide", adjustment_id=adjustment.pk)
    return _check_page(
        request,
        "assessment/adjustment_check.html",
        {"adjustment": adjustment, "answers": answers},
        act=partial(
            services.adjustment_decide,
            adjustment=adjustment,
            approve=answers["decision"] == "approve",
            reason=answers["reason"],
            actor=request.user,
        ),
        done=lambda _: redirect("assessment:adjustment_decided", adjustment_id=adjustment.pk),
        pending=pending,
    )


@role_required(ADMIN)
def adjustment_decided(request, adjustment_id: int):
    adjustment = _adjustment(adjustment_id)
    if adjustment.decision == AdjustmentDecision.PENDING:
        return redirect("assessment:adjustment_decide", adjustment_id=adjustment.pk)
    return render(request, "assessment/adjustment_decided.html", {"adjustment": adjustment})


@role_required(ADMIN)
def adjustment_decisions(request):
    decision = request.GET.get("decision", "")
    if decision not in (AdjustmentDecision.APPROVED, AdjustmentDecision.DECLINED):
        decision = ""
    decisions = selectors.adjustment_decisions(decision or None)
    if request.GET.get("format") == "csv":
        return _decisions_csv(decisions)
    return render(
        request,
        "assessment/adjustment_decisions.html",
        {
            "page": _page(request, decisions),
            "decision": decision,
            "query_string": f"decision={decision}" if decision else "",
        },
    )


def _decisions_csv(decisions) -> HttpResponse:
    header = [
        "registration_number",
        "local_authority",
        "sitting_date",
        "centre",
        "adjustment",
        "decision",
        "reason",
        "requested_at",
        "decided_at",
        "hours_to_decision",
        "decided_by",
    ]
    rows = (
        [
            request.attempt.worker.registration_number,
            request.attempt.worker.local_authority.name,
            request.attempt.sitting.date.isoformat(),
            request.attempt.sitting.centre.name,
            request.get_kind_display(),
            request.get_decision_display(),
            request.decision_reason,
            timezone.localtime(request.requested_at).isoformat(timespec="minutes"),
            timezone.localtime(request.decided_at).isoformat(timespec="minutes"),
            round(request.time_to_decision.total_seconds() / 3600, 1),
            request.decided_by.full_name if request.decided_by else "",
        ]
        for request in decisions.iterator(chunk_size=2000)
    )
    return csv_response("adjustment-decisions.csv", itertools.chain([header], rows))


# --- Administrators: item bank and test forms -------------------------------------------------


@role_required(ADMIN)
def item_list(request):
    level = request.GET.get("level", "")
    status = request.GET.get("status", "active")
    if level not in Level.values:
        level = ""
    if status not in ("active", "inactive", "all"):
        status = "active"
    items = selectors.items_filtered(level=level, status=status)
    return render(
        request,
        "assessment/item_list.html",
        {
            "page": _page(request, items),
            "level": level,
            "status": status,
            "levels": Level.choices,
            "query_string": f"level={level}&status={status}",
        },
    )


def _item_ask(form: ItemForm) -> dict:
    return {
        "area": form.cleaned_data["area"],
        "scenario": form.cleaned_data["scenario"],
        "item_format": form.cleaned_data["format"],
        "stem": form.cleaned_data["stem"].strip(),
        "options": form.option_texts(),
        "correct": "".join(form.cleaned_data["correct"]),
    }


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def item_create(request):
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            item = services.item_create(
                actor=request.user, code=form.cleaned_data["code"], **_item_ask(form)
            )
            messages.success(request, f"Question {item.code} has been added")
            return redirect("assessment:item_detail", item_id=item.pk)
    return _form_page(
        request,
        "assessment/form_page.html",
        form,
        {"title": "Add a question", "back_url": reverse("assessment:item_list")},
    )


@role_required(ADMIN)
def item_detail(request, item_id: int):
    item = get_object_or_404(
        Item.objects.select_related("area__framework", "scenario", "created_by"), pk=item_id
    )
    versions = Item.objects.filter(code=item.code).order_by("-version")
    return render(request, "assessment/item_detail.html", {"item": item, "versions": versions})


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def item_revise(request, item_id: int):
    item = get_object_or_404(Item.objects.select_related("area", "scenario"), pk=item_id)
    initial = {
        "area": item.area_id,
        "scenario": item.scenario_id,
        "format": item.format,
        "stem": item.stem,
        "correct": list(item.correct_options),
        **{f"option_{letter.lower()}": text for letter, text, _ in item.lettered_options()},
    }
    form = ItemForm(request.POST or None, initial=initial, revising=True)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            revised = services.item_revise(actor=request.user, item=item, **_item_ask(form))
            messages.success(
                request, f"Question {revised.code} version {revised.version} is now in use"
            )
            return redirect("assessment:item_detail", item_id=revised.pk)
    return _form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": f"Edit question {item.code}",
            "intro": "Saving makes a new version of the question. The current version is kept "
            "for the test forms and results that use it.",
            "back_url": reverse("assessment:item_detail", kwargs={"item_id": item.pk}),
        },
    )


@role_required(ADMIN)
@require_POST
def item_set_active(request, item_id: int):
    item = get_object_or_404(Item, pk=item_id)
    active = request.POST.get("active") == "1"
    services.item_set_active(actor=request.user, item=item, active=active)
    messages.success(
        request,
        f"Question {item.code} version {item.version} is "
        + ("now in use" if active else "no longer in use"),
    )
    return redirect("assessment:item_detail", item_id=item.pk)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def scenarios(request):
    form = ScenarioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            scenario = services.scenario_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Scenario {scenario.code} has been added")
            return redirect("assessment:scenarios")
    return _form_page(
        request, "assessment/scenarios.html", form, {"scenarios": Scenario.objects.all()}
    )


@role_required(ADMIN)
def test_form_list(request):
    return render(
        request, "assessment/test_form_list.html", {"forms": selectors.test_forms_with_counts()}
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def test_form_create(request):
    form = TestFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            test_form = services.test_form_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                title=form.cleaned_data["title"].strip(),
                level=form.cleaned_data["level"],
                scenario=form.cleaned_data["scenario"],
                general_codes=form.general(),
                applied_codes=form.applied(),
                three_of_eight_scoring=form.cleaned_data["three_of_eight_scoring"],
            )
            messages.success(
                request, f"Test form {test_form.code} follows the blueprint and is saved"
            )
            return redirect("assessment:test_form_detail", form_id=test_form.pk)
    return _form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Make a test form",
            "intro": "A test form has 30 questions: 18 general questions and 12 applied to one "
            "scenario. Every KSS area of the level must be covered; practice supervisor forms use "
            "practitioner-level general questions. A form that breaks these rules is refused with "
            "the reasons.",
            "back_url": reverse("assessment:test_form_list"),
        },
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def test_form_detail(request, form_id: int):
    test_form = get_object_or_404(
        TestForm.objects.select_related("scenario", "framework", "created_by"), pk=form_id
    )
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        services.test_form_set_active(actor=request.user, form=test_form, active=active)
        messages.success(
            request,
            f"Test form {test_form.code} is " + ("in use" if active else "no longer in use"),
        )
        return redirect("assessment:test_form_detail", form_id=test_form.pk)
    return render(
        request,
        "assessment/test_form_detail.html",
        {"test_form": test_form, "form_items": selectors.test_form_items(test_form)},
    )


# --- Assessors and moderators -----------------------------------------------------------------


@role_required(*ASSESSING, ADMIN)
def attempt_test_result(request, attempt_id: int):
    attempt = _attempt_for(request, attempt_id, check=policies.can_view_test_results)
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


# --- Simulated practice: allocation and marking -----------------------------------------------


def _posted(request):
    """The POST data when the form was sent (even empty, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


MARKING_ROLES_SHOWN = {
    MarkerRole.FIRST: "Attempts to mark",
    MarkerRole.SECOND: "Second marking",
    MarkerRole.MODERATOR: "Moderation",
    MarkerRole.REVIEWER: "Reviews",
}


def _marking_page(request, roles, title):
    allocations = [a for a in selectors.allocations_for_assessor(request.user) if a.role in roles]
    groups = [
        (role, MARKING_ROLES_SHOWN[role], [a for a in allocations if a.role == role])
        for role in roles
    ]
    return render(
        request,
        "assessment/marking_queue.html",
        {"groups": groups, "title": title, "is_home": len(roles) > 1},
    )


@role_required(*ASSESSING)
def assessor_home(request):
    return _marking_page(request, list(MARKING_ROLES_SHOWN), "Your allocated attempts")


@role_required(*ASSESSING)
def second_marking_queue(request):
    return _marking_page(request, [MarkerRole.SECOND], "Second marking")


@role_required(*ASSESSING)
def moderation_queue(request):
    return _marking_page(request, [MarkerRole.MODERATOR], "Moderation")


@role_required(*ASSESSING)
def assessor_test_results(request):
    return render(
        request,
        "assessment/assessor_home.html",
        {"page": _page(request, selectors.test_results_for_assessor(request.user))},
    )


def _attempt_for_marking(attempt_id: int) -> Attempt:
    try:
        return selectors.attempt_for_marking(attempt_id)
    except Attempt.DoesNotExist:
        raise Http404 from None


def _marks_of(allocation) -> dict:
    return {m.area_id: m for m in allocation.marks.all()} if allocation else {}


@role_required(*ASSESSING)
@require_http_methods(["GET", "POST"])
def attempt_mark(request, attempt_id: int):
    """The scoring form for the user's own part in the attempt. A second marker sees only
    their own marks (blind); a moderator or reviewer also sees the earlier marks."""
    attempt = _attempt_for_marking(attempt_id)
    mine = next(
        (a for a in attempt.allocations.all() if a.active and a.assessor_id == request.user.pk),
        None,
    )
    if mine is None or not policies.can_mark(request.user, mine):
        raise PermissionDenied
    needs_reason = mine.role in (MarkerRole.MODERATOR, MarkerRole.REVIEWER)
    problem = selectors.marking_problem(attempt, mine)
    form = MarksForm(
        _posted(request),
        areas=attempt.areas.all(),
        needs_reason=needs_reason,
        initial_marks=_marks_of(mine),
    )
    if request.method == "POST" and not problem and form.is_valid():
        with _refusal_shown_on(form):
            services.marks_submit(
                allocation=mine,
                marks=form.entries(),
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
            messages.success(
                request, f"Your marks for {attempt.worker.user.full_name} have been submitted"
            )
            return redirect("assessment:assessor_home")
    others = []
    if policies.can_view_all_marks(request.user, attempt):
        others = [
            a
            for a in attempt.allocations.all()
            if a.pk != mine.pk and a.submitted_at and a.role != MarkerRole.REVIEWER
        ]
    return _form_page(
        request,
        "assessment/attempt_mark.html",
        form,
        {
            "attempt": attempt,
            "allocation": mine,
            "problem": problem,
            "others": others,
            "test_result": selectors.test_result_for_attempt(attempt),
            "rubric": MARK_RUBRIC.items(),
            "tasks": PracticeTask.labels,
        },
    )


@role_required(*ASSESSING, ADMIN)
def attempt_marks(request, attempt_id: int):
    """Every marker's marks side by side: never for the first or second marker."""
    attempt = _attempt_for_marking(attempt_id)
    if not policies.can_view_all_marks(request.user, attempt):
        raise PermissionDenied
    allocations = [a for a in attempt.allocations.all() if a.submitted_at]
    return render(
        request,
        "assessment/attempt_marks.html",
        {
            "attempt": attempt,
            "allocations": allocations,
            "tasks": PracticeTask.labels,
            "outcomes": selectors.outcome_history(attempt),
        },
    )


@role_required(ADMIN)
def allocation_queue(request):
    page = _page(request, selectors.attempts_to_allocate())
    rows = []
    for attempt in page:
        allocations = list(attempt.allocations.all())
        step = selectors.attempt_next_step(attempt, allocations)
        holder = next((a for a in allocations if a.role == step), None)
        rows.append((attempt, step and MarkerRole(step), holder, allocations))
    return render(request, "assessment/allocation_queue.html", {"page": page, "rows": rows})


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def attempt_allocate(request, attempt_id: int):
    attempt = _attempt_for_marking(attempt_id)
    step = selectors.attempt_next_step(attempt)
    if not step or any(a.active and a.role == step for a in attempt.allocations.all()):
        messages.info(request, "That attempt does not need anyone allocated now")
        return redirect("assessment:allocation_queue")
    role = MarkerRole(step)
    form = AllocationForm(
        _posted(request),
        people=selectors.eligible_markers(attempt, role),
        role_label=role.label,
    )
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.allocation_create(
                attempt=attempt,
                assessor=form.cleaned_data["assessor"],
                role=role,
                actor=request.user,
            )
            messages.success(
                request,
                f"{form.cleaned_data['assessor'].full_name} is now the {role.label.lower()} "
                f"for {attempt.worker.user.full_name}",
            )
            return redirect("assessment:allocation_queue")
    return _form_page(
        request, "assessment/attempt_allocate.html", form, {"attempt": attempt, "role": role}
    )


# --- Outcome rules ------------------------------------------------------------------------------


@role_required(ADMIN)
def rule_sets(request):
    return render(
        request, "assessment/rule_sets.html", {"frameworks": selectors.rule_sets_by_framework()}
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def rule_set_create(request, framework_id: int):
    framework = get_object_or_404(KSSFramework, pk=framework_id, is_current=True)
    version, parameters = selectors.rules_in_force(framework)
    form = RuleSetForm(
        _posted(request),
        initial={
            "observation_threshold": float(parameters.observation_threshold),
            "knowledge_cut_percent": float(parameters.knowledge_cut_percent),
            "partially_met_fraction": str(parameters.partially_met_fraction),
        },
    )
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            rule_set = services.rule_set_create(
                framework=framework,
                parameters=form.parameters(),
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
            messages.success(
                request,
                f"Version {rule_set.version} of the rules for {framework.title} is now in use "
                "for new outcomes",
            )
            return redirect("assessment:rule_sets")
    return _form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Create a new version of the outcome rules",
            "caption": framework.title,
            "intro": f"Version {version} is in use now. Outcomes already made keep the "
            "version that produced them.",
            "back_url": reverse("assessment:rule_sets"),
        },
    )


# --- Outcomes: confirming and publishing -----------------------------------------------------


def _outcome(request, outcome_id: int, check=policies.can_view_outcome):
    if not request.user.is_authenticated:
        raise PermissionDenied
    try:
        outcome = selectors.outcome_detail(outcome_id)
    except Outcome.DoesNotExist:
        raise Http404 from None
    if not check(request.user, outcome):
        if _is_candidate(request.user, outcome.attempt):
            raise Http404
        raise PermissionDenied
    return outcome


def _is_candidate(user, attempt) -> bool:
    return attempt.worker.user_id == user.pk


@role_required(ADMIN, Role.MODERATOR)
def outcome_list(request):
    conflicted = policies.attempts_conflicted_for(request.user, prefix="attempt__")
    return render(
        request,
        "assessment/outcome_list.html",
        {
            # never a candidate in whom the user has a conflict of interest
            "to_confirm": selectors.outcomes_to_confirm().exclude(conflicted),
            "to_publish": selectors.outcomes_to_publish().exclude(conflicted),
            "can_publish": policies.can_publish_outcomes(request.user),
        },
    )


@login_required
def outcome_detail(request, outcome_id: int):
    outcome = _outcome(request, outcome_id)
    rules = RuleParameters.from_json(outcome.rule_set.parameters)
    is_candidate = _is_candidate(request.user, outcome.attempt)
    return render(
        request,
        "assessment/outcome_detail.html",
        {
            "outcome": outcome,
            "rules": rules,
            "rules_text": _rules_text(rules),
            "history": [] if is_candidate else selectors.outcome_history(outcome.attempt),
            "is_candidate": is_candidate,
            "can_confirm": not is_candidate
            and outcome.confirmed_at is None
            and outcome.superseded_at is None
            and policies.can_confirm_outcome(request.user, outcome),
            "can_view_marks": policies.can_view_all_marks(request.user, outcome.attempt),
        },
    )


def _rules_text(rules: RuleParameters) -> dict:
    def fmt(value):
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")
        return text

    fraction = rules.partially_met_fraction
    return {
        "threshold": fmt(rules.observation_threshold),
        "cut": fmt(rules.knowledge_cut_percent),
        "fraction": f"{fraction.numerator}/{fraction.denominator}"
        if fraction.denominator != 1
        else "all",
    }


@role_required(ADMIN, Role.MODERATOR)
@require_http_methods(["GET", "POST"])
def outcome_confirm(request, outcome_id: int):
    """Check your answers for an outcome, then confirm it ready to publish."""
    outcome = _outcome(request, outcome_id, check=policies.can_confirm_outcome)

    def confirmed(_):
        messages.success(request, f"Outcome {outcome.reference} confirmed: it is ready to publish")
        return redirect("assessment:outcome_list")

    return _check_page(
        request,
        "assessment/outcome_confirm.html",
        {
            "outcome": outcome,
            "rules_text": _rules_text(RuleParameters.from_json(outcome.rule_set.parameters)),
        },
        act=partial(services.outcome_confirm, outcome=outcome, actor=request.user),
        done=confirmed,
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def outcomes_publish(request):
    """Check the confirmed outcomes, then publish them together (never those of a candidate
    in whom the administrator has a conflict of interest)."""
    ready = list(
        selectors.outcomes_to_publish().exclude(
            policies.attempts_conflicted_for(request.user, prefix="attempt__")
        )
    )

    def published(outcomes):
        request.session["assessment:published"] = [o.pk for o in outcomes]
        return redirect("assessment:outcomes_published")

    return _check_page(
        request,
        "assessment/outcomes_publish.html",
        {"ready": ready},
        act=partial(
            services.outcomes_publish,
            # a tampered id (not ASCII digits, or beyond any key) names no outcome: dropped
            outcome_ids=[
                int(v)
                for v in request.POST.getlist("outcome")
                if v.isascii() and v.isdigit() and len(v) <= 18
            ],
            actor=request.user,
        ),
        done=published,
    )


@role_required(ADMIN)
def outcomes_published(request):
    ids = request.session.get("assessment:published") or []
    outcomes = Outcome.objects.filter(pk__in=ids).select_related("attempt__worker__user")
    return render(request, "assessment/outcomes_published.html", {"outcomes": outcomes})


# --- Candidates: outcome, fast-track retake, review -------------------------------------------


@social_worker_required
def my_outcome(request):
    worker = SocialWorker.objects.get(user=request.user)
    attempts = selectors.worker_outcomes(worker)
    today = timezone.localdate()
    for attempt in attempts:
        attempt.fast_track_problems = selectors.fast_track_problems(attempt, today=today)
        attempt.fast_track_closes = selectors.fast_track_closes(attempt)
        attempt.review_problems = selectors.review_problems(attempt, today=today)
        attempt.review_deadline = selectors.review_deadline(attempt.outcome)
        attempt.live_retake = next(
            (r for r in attempt.retakes.all() if r.state != AttemptState.CANCELLED), None
        )
    return render(request, "assessment/my_outcome.html", {"attempts": attempts})


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = _attempt_for(request, attempt_id, check=policies.can_view_attempt)
    if not policies.can_act_for_own_outcome(request.user, attempt):
        raise PermissionDenied
    return attempt


def _cannot(request, attempt, title, problems):
    return render(
        request,
        "assessment/cannot.html",
        {"attempt": attempt, "title": title, "problems": problems},
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def fast_track(request, attempt_id: int):
    parent = _own_attempt(request, attempt_id)
    problems = selectors.fast_track_problems(parent)
    if problems:
        return _cannot(request, parent, "You cannot book a fast-track retake", problems)
    pending = PendingAnswers(request, "fast_track", parent.pk)
    form = FastTrackForm(
        _posted(request),
        initial=pending.answers,
        sittings=selectors.sittings_open_for_booking(),
    )
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            {"sitting": form.cleaned_data["sitting"].pk},
            "assessment:fast_track_check",
            attempt_id=parent.pk,
        )
    return _form_page(
        request,
        "assessment/fast_track.html",
        form,
        {"parent": parent, "areas": selectors.areas_not_met(parent)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fast_track_check(request, attempt_id: int):
    parent = _own_attempt(request, attempt_id)
    pending = PendingAnswers(request, "fast_track", parent.pk)
    answers = pending.answers
    sitting = answers and selectors.sittings_with_counts().filter(pk=answers["sitting"]).first()
    if not sitting:
        return redirect("assessment:fast_track", attempt_id=parent.pk)
    return _check_page(
        request,
        "assessment/fast_track_check.html",
        {
            "parent": parent,
            "sitting_label": sitting_label(sitting),
            "areas": selectors.areas_not_met(parent),
        },
        act=partial(
            services.attempt_book_fast_track, parent=parent, sitting=sitting, actor=request.user
        ),
        done=lambda retake: redirect("assessment:booked", attempt_id=retake.pk),
        pending=pending,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_request(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    problems = selectors.review_problems(attempt)
    if problems:
        return _cannot(request, attempt, "You cannot ask for a review", problems)
    pending = PendingAnswers(request, "review", attempt.pk)
    form = ReviewRequestForm(_posted(request), initial=pending.answers)
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            {"grounds": form.cleaned_data["grounds"].strip()},
            "assessment:review_check",
            attempt_id=attempt.pk,
        )
    outcome = selectors.current_outcome(attempt)
    return _form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Ask for a review of your outcome",
            "caption": f"Outcome {outcome.reference}",
            "intro": "An independent reviewer who did not mark your assessment will look at "
            f"how you were assessed. You can ask until {govuk_date(selectors.review_deadline(outcome))}.",
            "back_url": reverse("assessment:my_outcome"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_check(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    pending = PendingAnswers(request, "review", attempt.pk)
    answers = pending.answers
    if not answers:
        return redirect("assessment:review_request", attempt_id=attempt.pk)
    return _check_page(
        request,
        "assessment/review_check.html",
        {
            "attempt": attempt,
            "outcome": selectors.current_outcome(attempt),
            "answers": answers,
        },
        act=partial(
            services.review_request, attempt=attempt, grounds=answers["grounds"], actor=request.user
        ),
        done=lambda review: redirect("assessment:review_requested", review_id=review.pk),
        pending=pending,
    )


def _review(request, review_id: int) -> ReviewRequest:
    try:
        return selectors.review_detail(review_id)
    except ReviewRequest.DoesNotExist:
        raise Http404 from None


@login_required
def review_requested(request, review_id: int):
    review = _review(request, review_id)
    if not policies.can_act_for_own_outcome(request.user, review.attempt):
        raise PermissionDenied
    return render(request, "assessment/review_requested.html", {"review": review})


def _reviewer_review(request, review_id: int) -> ReviewRequest:
    review = _review(request, review_id)
    allocation = policies.allocation_of(request.user, review.attempt, MarkerRole.REVIEWER)
    if allocation is None or not policies.can_mark(request.user, allocation):
        raise PermissionDenied
    return review


@role_required(*ASSESSING)
@require_http_methods(["GET", "POST"])
def review_decide(request, review_id: int):
    review = _reviewer_review(request, review_id)
    if review.state != ReviewState.REQUESTED:
        return redirect("assessment:review_decided", review_id=review.pk)
    pending = PendingAnswers(request, "review_decision", review.pk)
    form = ReviewDecisionForm(_posted(request), initial=pending.answers)
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            _decision_answers(form), "assessment:review_decide_check", review_id=review.pk
        )
    return _form_page(request, "assessment/review_decide.html", form, {"review": review})


@role_required(*ASSESSING)
@require_http_methods(["GET", "POST"])
def review_decide_check(request, review_id: int):
    review = _reviewer_review(request, review_id)
    pending = PendingAnswers(request, "review_decision", review.pk)
    answers = pending.answers
    if not answers:
        return redirect("assessment:review_decide", review_id=review.pk)
    return _check_page(
        request,
        "assessment/review_decide_check.html",
        {"review": review, "answers": answers},
        act=partial(
            services.review_decide,
            review=review,
            uphold=answers["decision"] == "uphold",
            reason=answers["reason"],
            actor=request.user,
        ),
        done=lambda _: redirect("assessment:review_decided", review_id=review.pk),
        pending=pending,
    )


@role_required(*ASSESSING)
def review_decided(request, review_id: int):
    review = _reviewer_review(request, review_id)
    if review.state == ReviewState.REQUESTED:
        return redirect("assessment:review_decide", review_id=review.pk)
    return render(request, "assessment/review_decided.html", {"review": review})
