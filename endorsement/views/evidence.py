"""The evidence a supervisor records: reflective supervision sessions and service-user feedback,
and marking feedback as considered."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.dates import govuk_date
from naas.forms import submitted
from naas.models import Level, Role
from naas.submissions import once_per_submission

from .. import selectors, services
from ..forms import ConsideredForm, FeedbackForm, SupervisionSessionForm
from ..models import ServiceUserFeedback
from ..services import EndorsementChanged, EndorsementError
from .common import GET_POST, back_to_worker, form_page, refusal_page, supervisee_or_404


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
@once_per_submission
def supervision_new(request, worker_id: int):
    worker = supervisee_or_404(request, worker_id)
    back = reverse("endorsement:supervisee", args=[worker.pk])
    areas = selectors.current_framework_areas(worker.job_level)
    form = SupervisionSessionForm(submitted(request), areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_session_record(
                worker=worker,
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                reflection=form.cleaned_data["reflection"],
                area_views=form.area_views(),
            )
        except EndorsementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Supervision session recorded")
            return redirect(back)
    return form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": worker.full_name,
            "heading": "Record a reflective supervision session",
            "intro": f"Areas from the {Level(worker.job_level).label.lower()} knowledge and "
            "skills statement. Choose a readiness view for each area you discussed.",
            "back_url": back,
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
@once_per_submission
def feedback_new(request, worker_id: int):
    worker = supervisee_or_404(request, worker_id)
    back = reverse("endorsement:supervisee", args=[worker.pk])
    form = FeedbackForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_user_feedback_record(
                worker=worker,
                actor=request.user,
                received_on=form.cleaned_data["received_on"],
                source_type=form.cleaned_data["source_type"],
                summary=form.cleaned_data["summary"],
            )
        except EndorsementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Feedback recorded. Mark it as considered once you have discussed it."
            )
            return redirect(back)
    return form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": worker.full_name,
            "heading": "Record service-user feedback",
            "back_url": back,
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def feedback_considered(request, worker_id: int, feedback_id: int):
    worker = supervisee_or_404(request, worker_id)
    feedback = get_object_or_404(ServiceUserFeedback, pk=feedback_id, worker=worker)
    back = back_to_worker(worker)
    if feedback.considered_on is not None:
        return refusal_page(
            request,
            EndorsementError(
                f"This feedback was already marked as considered on "
                f"{govuk_date(feedback.considered_on)}"
            ),
            back,
        )
    form = ConsideredForm(submitted(request), received_on=feedback.received_on)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_user_feedback_mark_considered(
                feedback=feedback,
                actor=request.user,
                considered_on=form.cleaned_data["considered_on"],
            )
        except EndorsementChanged as exc:
            return refusal_page(request, exc, back)
        except EndorsementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Feedback marked as considered")
            return redirect(back.url)
    return form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": worker.full_name,
            "heading": "Mark feedback as considered",
            "feedback": feedback,
            "back_url": back.url,
        },
    )
