"""The supervisor's consequential actions on a draft, each form → check your answers → done:
signing it off for the LA lead, or declining it."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.flows import PendingAnswers
from naas.forms import submitted
from naas.models import Role

from .. import selectors, services
from ..forms import ReasonForm, SignOffForm
from ..models import Endorsement, EndorsementState
from ..policies import can_act_as_supervisor
from ..services import EndorsementNotEligible
from .common import (
    GET_POST,
    Link,
    back_to_worker,
    done_page,
    endorsement_flow,
    endorsement_or_404,
    form_page,
    keep_and_check,
    not_in_state,
    reason_check_page,
    refusal_page,
    send_once,
    worker_facts,
)

SIGN_OFF = endorsement_flow("sign_off")
DECLINE = endorsement_flow("decline")


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def sign_off(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_act_as_supervisor)
    worker = endorsement.worker
    back = back_to_worker(worker)
    if endorsement.state != EndorsementState.DRAFT:
        return refusal_page(
            request, not_in_state(endorsement, "Only a draft can be signed off"), back
        )
    problems = selectors.endorsement_problems(
        endorsement, signer=request.user, today=timezone.localdate()
    )
    if problems:
        return refusal_page(request, EndorsementNotEligible(problems), back)
    pending = PendingAnswers(request, SIGN_OFF, endorsement)
    form = SignOffForm(
        submitted(request),
        initial=pending.initial(statement=""),
        worker_name=worker.full_name,
    )
    if request.method == "POST" and form.is_valid():
        return keep_and_check(pending, form.cleaned_data, "statement")
    return form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": f"{worker.full_name} – {endorsement.get_level_display()}",
            "heading": "Sign off for assessment",
            "intro": "Every eligibility check has passed. Your sign-off goes to your LA lead "
            "to confirm for the employer.",
            "back_url": back.url,
        },
    )


def _sign_off_check_page(request, endorsement: Endorsement, answers: dict):
    worker = endorsement.worker
    today = timezone.localdate()
    return render(
        request,
        "endorsement/sign_off_check.html",
        {
            "endorsement": endorsement,
            "worker": worker,
            "statement": answers["statement"],
            "evidence": selectors.worker_evidence(worker, today=today),
            **worker_facts(worker, today),
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def sign_off_check(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_act_as_supervisor)
    return send_once(
        request,
        SIGN_OFF,
        endorsement,
        service=services.endorsement_sign_off,
        show=_sign_off_check_page,
        back=back_to_worker(endorsement.worker),
    )


@role_required(Role.SUPERVISOR)
def sign_off_done(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_act_as_supervisor)
    if endorsement.state not in (EndorsementState.SIGNED_OFF, EndorsementState.ENDORSED):
        return redirect("endorsement:supervisee", worker_id=endorsement.worker_id)
    name = endorsement.worker.full_name
    return done_page(
        request,
        title="Sign-off sent",
        panel=f"{name} has been signed off",
        body=[
            "Your LA lead will now confirm the endorsement for the employer.",
            f"We have emailed {name} and your LA lead.",
        ],
        next_link=Link(reverse("endorsement:supervisees"), "Back to your supervisees"),
    )


# --- Supervisor: decline a draft ---------------------------------------------------------------


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def decline(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_act_as_supervisor)
    worker = endorsement.worker
    back = back_to_worker(worker)
    if endorsement.state != EndorsementState.DRAFT:
        return refusal_page(
            request,
            not_in_state(endorsement, "Only a draft can be declined by its supervisor"),
            back,
        )
    pending = PendingAnswers(request, DECLINE, endorsement)
    form = ReasonForm(
        submitted(request),
        initial=pending.initial(reason=""),
        label=f"Why is {worker.full_name} not ready?",
        help_text=f"{worker.full_name} and your LA lead can see this.",
        required_message="Enter why the worker is not ready",
    )
    if request.method == "POST" and form.is_valid():
        return keep_and_check(pending, form.cleaned_data, "reason")
    return form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": f"{worker.full_name} – {endorsement.get_level_display()}",
            "heading": "Decline this endorsement",
            "intro": "The endorsement will close. You can start a new one later.",
            "back_url": back.url,
        },
    )


def _decline_check_page(request, endorsement: Endorsement, answers: dict):
    worker = endorsement.worker
    return reason_check_page(
        request,
        endorsement,
        worker=worker,
        heading="Check before you decline",
        rows=[
            ("Worker", worker.full_name, None),
            ("Level", endorsement.get_level_display(), None),
            ("Reason", answers["reason"], reverse("endorsement:decline", args=[endorsement.pk])),
        ],
        warning="The endorsement will close and cannot be reopened.",
        button="Decline endorsement",
        button_class="govuk-button--warning",
        cancel_url=back_to_worker(worker).url,
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def decline_check(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_act_as_supervisor)
    return send_once(
        request,
        DECLINE,
        endorsement,
        service=services.endorsement_decline,
        show=_decline_check_page,
        back=back_to_worker(endorsement.worker),
    )


@role_required(Role.SUPERVISOR)
def decline_done(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_act_as_supervisor)
    if endorsement.state != EndorsementState.DECLINED:
        return redirect("endorsement:supervisee", worker_id=endorsement.worker_id)
    return done_page(
        request,
        title="Endorsement declined",
        panel="Endorsement declined",
        body=[f"You can start a new endorsement for {endorsement.worker.full_name} later."],
        next_link=back_to_worker(endorsement.worker),
    )
