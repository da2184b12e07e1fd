"""The LA lead's confirmation queue and decision (confirm, return or decline), form → check your
answers → done."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.dates import govuk_date
from naas.flows import PendingAnswers
from naas.forms import submitted
from naas.models import Role

from .. import selectors, services
from ..forms import Decision, DecisionForm
from ..models import Endorsement, EndorsementState
from ..policies import can_confirm
from .common import (
    GET_POST,
    back_to_queue,
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

DECISION = endorsement_flow("decision")


@role_required(Role.LA_LEAD)
def confirmation_queue(request):
    return render(
        request,
        "endorsement/confirmation_queue.html",
        {"endorsements": selectors.confirmation_queue_for(request.user)},
    )


def _decision_context(endorsement: Endorsement, today):
    worker = endorsement.worker
    return {
        "endorsement": endorsement,
        "worker": worker,
        "evidence": selectors.worker_evidence(worker, today=today),
        "problems": selectors.endorsement_problems(endorsement, signer=None, today=today),
        "readiness": selectors.area_readiness(worker, endorsement.level),
        **worker_facts(worker, today),
    }


@role_required(Role.LA_LEAD)
@require_http_methods(GET_POST)
def decision(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_confirm)
    if endorsement.state != EndorsementState.SIGNED_OFF:
        return refusal_page(
            request,
            not_in_state(endorsement, "Only a sign-off waits for your decision"),
            back_to_queue(),
        )
    pending = PendingAnswers(request, DECISION, endorsement)
    form = DecisionForm(submitted(request), initial=pending.initial(decision=None, reason=""))
    if request.method == "POST" and form.is_valid():
        return keep_and_check(pending, form.cleaned_data, "decision", "reason")
    return form_page(
        request,
        form,
        _decision_context(endorsement, timezone.localdate()),
        template="endorsement/decision.html",
    )


def _decide(*, endorsement: Endorsement, actor, expected_version: int, decision: str, reason: str):
    """The LA lead's decision, sent to the service it names."""
    common = {"endorsement": endorsement, "actor": actor, "expected_version": expected_version}
    if decision == Decision.CONFIRM:
        return services.endorsement_confirm(**common)
    if decision == Decision.RETURN:
        return services.endorsement_return(**common, reason=reason)
    return services.endorsement_decline(**common, reason=reason)


DECISION_BUTTONS = {
    Decision.CONFIRM: ("Confirm endorsement", ""),
    Decision.RETURN: ("Return to supervisor", ""),
    Decision.DECLINE: ("Decline endorsement", "govuk-button--warning"),
}


def _decision_warning(endorsement: Endorsement, choice: str) -> str:
    return {
        Decision.CONFIRM: f"{endorsement.worker.full_name} will be able to book an "
        "assessment. We will email them and you.",
        Decision.RETURN: "The supervisor will be able to change and sign off again.",
        Decision.DECLINE: "The endorsement will close and cannot be reopened.",
    }[choice]


def _decision_check_page(request, endorsement: Endorsement, answers: dict):
    choice = answers["decision"]
    change_url = reverse("endorsement:decision", args=[endorsement.pk])
    rows = [
        ("Worker", endorsement.worker.full_name, None),
        ("Level", endorsement.get_level_display(), None),
        ("Supervisor", endorsement.signed_off_by, None),
        ("Decision", Decision.LABELS[choice], change_url),
    ]
    if choice != Decision.CONFIRM:
        rows.append(("Reason", answers["reason"], change_url))
    button, button_class = DECISION_BUTTONS[choice]
    return reason_check_page(
        request,
        endorsement,
        worker=endorsement.worker,
        heading="Check your decision",
        rows=rows,
        warning=_decision_warning(endorsement, choice),
        button=button,
        button_class=button_class,
        cancel_url=back_to_queue().url,
    )


@role_required(Role.LA_LEAD)
@require_http_methods(GET_POST)
def decision_check(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_confirm)
    return send_once(
        request,
        DECISION,
        endorsement,
        service=_decide,
        show=_decision_check_page,
        back=back_to_queue(),
    )


@role_required(Role.LA_LEAD)
def decision_done(request, pk: int):
    endorsement = endorsement_or_404(request, pk, can_confirm)
    name = endorsement.worker.full_name
    until = (
        f"until {govuk_date(endorsement.valid_until)}"
        if endorsement.valid_until
        else "with no end date"
    )
    outcomes = {
        EndorsementState.ENDORSED: (
            "Endorsement confirmed",
            [
                f"{name} is endorsed {until} and can now be booked for an assessment.",
                f"We have emailed {name}.",
            ],
        ),
        EndorsementState.DRAFT: (
            "Returned to the supervisor",
            ["The supervisor can see your reason and sign off again."],
        ),
        EndorsementState.DECLINED: ("Endorsement declined", ["The endorsement is closed."]),
    }
    returned = endorsement.state == EndorsementState.DRAFT and endorsement.last_reason
    if endorsement.state not in outcomes or (
        endorsement.state == EndorsementState.DRAFT and not returned
    ):
        return redirect("endorsement:confirmation_queue")
    panel, body = outcomes[endorsement.state]
    return done_page(request, title=panel, panel=panel, body=body, next_link=back_to_queue())
