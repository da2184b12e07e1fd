"""Results, feedback, support plans, letters and the public accreditation check. Views are
thin: a policy decides access, a form checks input, a service writes, a selector reads."""

from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assessment.models import Attempt, Outcome
from naas.access import role_required, social_worker_required
from naas.flows import AlreadySent, Flow, PendingAnswers
from naas.forms import submitted
from naas.models import DocumentState, LocalAuthority, Role, SocialWorker
from naas.policies import la_ids_where, own_social_worker
from naas.submissions import once_per_submission

from . import lists, policies, selectors, services
from .forms import (
    AreaFeedbackForm,
    CheckAccreditationForm,
    SupportActionForm,
    SupportActionStatusForm,
    SupportRequestForm,
)
from .models import AreaFeedback, Certificate, Letter, SupportAction, SupportRequest
from .throttle import public_check_allowed

GET_POST = ["GET", "POST"]
NOT_FOUND_MESSAGE = (
    "We could not find a current accreditation with that registration number and reference"
)


def _worker_or_404(request, worker_id: int) -> SocialWorker:
    worker = get_object_or_404(
        SocialWorker.objects.select_related("user", "local_authority"), pk=worker_id
    )
    if not policies.can_view_results(request.user, worker):
        raise Http404
    return worker


def _results_context(results, *, viewer_is_worker: bool, can_manage: bool) -> dict:
    return {
        "results": results,
        "worker": results.worker,
        "viewer_is_worker": viewer_is_worker,
        "can_manage_plan": can_manage,
        "needs_plan": selectors.needs_plan(results.current),
    }


# --- The social worker ------------------------------------------------------------------------


@social_worker_required
def my_results(request):
    worker = own_social_worker(request.user)
    results = selectors.worker_results(worker)
    return render(
        request,
        "feedback/my_results.html",
        _results_context(results, viewer_is_worker=True, can_manage=False),
    )


# A review replacing the outcome moves it on: answers kept against the old one are refused.
SUPPORT_REQUEST = Flow(
    "feedback",
    "support_request",
    version_of=attrgetter("superseded_at"),
    url_kwarg="outcome_id",
)


def _own_outcome_or_404(request, outcome_id: int) -> Outcome:
    outcome = get_object_or_404(
        Outcome.objects.select_related("attempt__worker"),
        pk=outcome_id,
        published_at__isnull=False,
    )
    if not policies.can_ask_for_support(request.user, outcome):
        raise Http404
    return outcome


def _support_areas(outcome: Outcome) -> list:
    return sorted(selectors.areas_not_met(outcome), key=attrgetter("number"))


def _support_request_closed_page(request, problems: list[str]):
    return render(
        request,
        "feedback/support_request_closed.html",
        {"problems": problems},
        status=409,
    )


@social_worker_required
@require_http_methods(GET_POST)
def support_request(request, outcome_id: int):
    outcome = _own_outcome_or_404(request, outcome_id)
    closed = services.support_request_closed(outcome)
    if closed:
        return _support_request_closed_page(request, closed)
    pending = PendingAnswers(request, SUPPORT_REQUEST, outcome)
    form = SupportRequestForm(
        request.POST if request.method == "POST" else None,
        initial=pending.answers,
        areas=_support_areas(outcome),
    )
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            {
                "areas": form.cleaned_data["areas"],
                "what_would_help": form.cleaned_data["what_would_help"],
            }
        )
    return render(
        request,
        "feedback/support_request_form.html",
        {"form": form, "outcome": outcome},
        status=400 if form.errors else 200,
    )


@social_worker_required
@require_http_methods(GET_POST)
def support_request_check(request, outcome_id: int):
    outcome = _own_outcome_or_404(request, outcome_id)
    pending = PendingAnswers(request, SUPPORT_REQUEST, outcome)
    answers = pending.answers or {}
    chosen = [area for area in _support_areas(outcome) if area.pk in answers.get("areas", [])]
    context = {"outcome": outcome, "areas": chosen, "answers": answers}

    def refuse(exc):
        if isinstance(exc, AlreadySent):
            # A second click: the first one was sent (or nothing was ever kept).
            sent = SupportRequest.objects.filter(outcome=outcome).exists()
            name = "feedback:support_request_done" if sent else "feedback:support_request"
            return redirect(name, outcome_id=outcome.pk)
        errors = [(None, message) for message in exc.args]
        return render(
            request,
            "feedback/support_request_check.html",
            {**context, "errors": errors},
            status=409,
        )

    return pending.check_then_act(
        show=lambda answers: render(
            request, "feedback/support_request_check.html", {**context, "errors": []}
        ),
        act=lambda answers, expected_version: services.support_request_send(
            outcome=outcome,
            area_ids=answers["areas"],
            what_would_help=answers["what_would_help"],
            actor=request.user,
        ),
        refuse=refuse,
        errors=(services.FeedbackError,),
    )


@social_worker_required
def support_request_done(request, outcome_id: int):
    outcome = _own_outcome_or_404(request, outcome_id)
    sent = selectors.support_requests_for(outcome)
    if not sent:
        return redirect("feedback:support_request", outcome_id=outcome.pk)
    return render(
        request,
        "feedback/support_request_done.html",
        {"outcome": outcome, "support_request": sent[0], "worker": outcome.attempt.worker},
    )


# --- Supervisors and LA leads -----------------------------------------------------------------


@role_required(Role.SUPERVISOR, Role.LA_LEAD)
def results_workers(request):
    lead_las = la_ids_where(request.user, Role.LA_LEAD)
    supervisor_las = la_ids_where(request.user, Role.SUPERVISOR)
    ids = SocialWorker.objects.filter(
        local_authority_id__in=lead_las
    ) | SocialWorker.objects.filter(supervisor=request.user, local_authority_id__in=supervisor_las)
    listing = lists.RESULTS.run(
        request,
        selectors.workers_with_results(ids.values("pk")),
        choices={"la": _la_choices(lead_las | supervisor_las)},
    )
    labels = dict(lists.RESULT_CHOICES)
    for worker in listing.page:
        worker.current_result_label = labels.get(worker.current_result, "")
    return render(
        request, "feedback/results_workers.html", listing.context(), status=listing.status
    )


def _la_choices(la_ids) -> list[tuple[int, str]]:
    return list(
        LocalAuthority.objects.filter(pk__in=la_ids).order_by("name").values_list("pk", "name")
    )


@role_required(Role.SUPERVISOR, Role.LA_LEAD)
def worker_results(request, worker_id: int):
    worker = _worker_or_404(request, worker_id)
    results = selectors.worker_results(worker)
    return render(
        request,
        "feedback/worker_results.html",
        _results_context(
            results,
            viewer_is_worker=False,
            can_manage=policies.can_manage_support_plan(request.user, worker),
        ),
    )


@role_required(Role.SUPERVISOR, Role.LA_LEAD)
@require_http_methods(GET_POST)
@once_per_submission
def support_action_new(request, worker_id: int):
    worker = _worker_or_404(request, worker_id)
    if not policies.can_manage_support_plan(request.user, worker):
        raise Http404
    outcome = selectors.current_outcome(worker)
    areas = selectors.areas_not_met(outcome) if outcome else []
    back = reverse("feedback:worker_results", kwargs={"worker_id": worker.pk})
    if not areas:
        return render(
            request,
            "feedback/no_plan_needed.html",
            {"worker": worker, "back_url": back},
            status=409,
        )
    form = SupportActionForm(submitted(request), areas=areas)
    if request.method == "POST" and form.is_valid():
        area = next(a for a in areas if a.pk == form.cleaned_data["area"])
        try:
            services.support_action_add(
                worker=worker,
                actor=request.user,
                area=area,
                action=form.cleaned_data["action"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        except services.FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Support action added for area {area.number}")
            return redirect(back)
    return render(
        request,
        "feedback/support_action_new.html",
        {"form": form, "worker": worker, "back_url": back},
        status=400 if form.errors else 200,
    )


@role_required(Role.SUPERVISOR, Role.LA_LEAD)
@require_http_methods(GET_POST)
def support_action_status(request, action_id: int):
    item = get_object_or_404(
        SupportAction.objects.select_related("plan__worker__user", "area"), pk=action_id
    )
    worker = item.plan.worker
    if not policies.can_manage_support_plan(request.user, worker):
        raise Http404
    back = reverse("feedback:worker_results", kwargs={"worker_id": worker.pk})
    form = SupportActionStatusForm(submitted(request), initial={"status": item.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.support_action_set_status(
                item=item, actor=request.user, status=form.cleaned_data["status"]
            )
        except services.FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Support action updated")
            return redirect(back)
    return render(
        request,
        "feedback/support_action_status.html",
        {"form": form, "item": item, "worker": worker, "back_url": back},
        status=400 if form.errors else 200,
    )


# --- Assessors --------------------------------------------------------------------------------


@role_required(Role.ASSESSOR, Role.MODERATOR)
@require_http_methods(GET_POST)
def write_feedback(request, attempt_id: int):
    attempt = get_object_or_404(
        Attempt.objects.select_related("framework", "worker__user"), pk=attempt_id
    )
    if not policies.can_write_feedback(request.user, attempt):
        raise Http404
    areas = selectors.attempt_areas(attempt)
    outcome = selectors.draft_outcome(attempt)
    results = {}
    if outcome is not None:
        results = {
            row.area_id: (row.result, row.get_result_display())
            for row in outcome.area_outcomes.all()
        }
    existing = {
        item.area_id: item for item in AreaFeedback.objects.filter(attempt=attempt).order_by()
    }
    is_open = attempt.state in services.FEEDBACK_OPEN_STATES
    form = AreaFeedbackForm(
        request.POST if request.method == "POST" else None,
        areas=areas,
        results=results,
        existing=existing,
    )
    if request.method == "POST" and is_open and form.is_valid():
        try:
            changed = services.area_feedback_save(
                attempt=attempt, actor=request.user, entries=form.entries()
            )
        except services.FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Feedback saved ({changed} area{'s' if changed != 1 else ''} changed)",
            )
            return redirect("feedback:write_feedback", attempt_id=attempt.pk)
    return render(
        request,
        "feedback/write_feedback.html",
        {
            "form": form,
            "attempt": attempt,
            "outcome": outcome,
            "is_open": is_open,
            "existing": [existing[a.pk] for a in areas if a.pk in existing],
        },
        status=400 if form.errors else 200,
    )


# --- Documents --------------------------------------------------------------------------------


def _file_response(document, filename: str):
    if document.state != DocumentState.READY or not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


@login_required
def download_letter(request, letter_id: int):
    letter = get_object_or_404(
        Letter.objects.select_related("outcome__attempt__worker"), pk=letter_id
    )
    if not policies.can_view_results(request.user, letter.outcome.attempt.worker):
        raise Http404
    response = _file_response(letter, f"assessment-result-{letter.outcome.reference}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def download_certificate(request, certificate_id: int):
    certificate = get_object_or_404(
        Certificate.objects.select_related("accreditation__worker"), pk=certificate_id
    )
    if not policies.can_view_results(request.user, certificate.accreditation.worker):
        raise Http404
    response = _file_response(
        certificate, f"accreditation-certificate-{certificate.accreditation.reference}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.ADMINISTRATOR)
def letters(request):
    listing = lists.DOCUMENTS.run(request, selectors.documents_needing_attention())
    return render(request, "feedback/letters.html", listing.context(), status=listing.status)


@role_required(Role.ADMINISTRATOR)
@require_POST
def letter_retry(request, letter_id: int):
    letter = get_object_or_404(Letter, pk=letter_id)
    retry = services.letter_retry(letter=letter, actor=request.user)
    _retry_message(request, retry, f"Letter {letter.pk}")
    return redirect("feedback:letters")


@role_required(Role.ADMINISTRATOR)
@require_POST
def certificate_retry(request, certificate_id: int):
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    retry = services.certificate_retry(certificate=certificate, actor=request.user)
    _retry_message(request, retry, f"Certificate {certificate.pk}")
    return redirect("feedback:letters")


def _retry_message(request, retry, what: str) -> None:
    """Say what the retry did: only a failed (or stuck) document is queued again."""
    if retry.queued:
        messages.success(request, f"{what} has been queued again")
    elif retry.already_ready:
        messages.info(request, f"{what} is already ready: nothing to do")
    else:
        messages.info(request, f"{what} is already being made: nothing to do")


# --- The public check -------------------------------------------------------------------------


@require_http_methods(GET_POST)
def check_accreditation(request):
    """Anyone may check an accreditation. The answer is only valid or not found: nothing else
    about the person, and the same words for every kind of "not found"."""
    form = CheckAccreditationForm(submitted(request))
    answer = None
    if request.method == "POST" and not public_check_allowed(request):
        return render(request, "feedback/check_accreditation_limited.html", status=429)
    if request.method == "POST" and form.is_valid():
        answer = selectors.accreditation_is_valid(
            registration_number=form.cleaned_data["registration_number"],
            reference=form.cleaned_data["reference"],
        )
    return render(
        request,
        "feedback/check_accreditation.html",
        {"form": form, "answer": answer, "not_found_message": NOT_FOUND_MESSAGE},
        status=400 if form.errors else 200,
    )
