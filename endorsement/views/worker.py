"""The worker's own accreditation page: giving consent, and withdrawing (form → check your
answers → done)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from naas.access import social_worker_required
from naas.flows import PendingAnswers
from naas.forms import submitted

from .. import selectors, services
from ..forms import ConsentForm, ReasonForm
from ..models import Endorsement, EndorsementState
from ..policies import is_own_endorsement
from ..services import EndorsementError
from .common import (
    GET_POST,
    back_to_my_page,
    done_page,
    endorsement_flow,
    endorsement_or_404,
    form_page,
    keep_and_check,
    reason_check_page,
    refusal_page,
    send_once,
)

WITHDRAW = endorsement_flow("withdraw")


def _my_page(request, *, consent_form=None, status=200):
    endorsements = list(selectors.endorsements_of_user(request.user))
    job_level = endorsements[0].worker.job_level if endorsements else ""
    current = selectors.current_endorsement(endorsements, job_level)
    if consent_form is None and current and current.state == EndorsementState.DRAFT:
        consent_form = ConsentForm(initial={"version": current.version})
    return render(
        request,
        "endorsement/my_endorsement.html",
        {
            "current": current,
            "history": [e for e in endorsements if e is not current],
            "consent_form": consent_form,
            "can_withdraw": current is not None and current.used_at is None,
        },
        status=status,
    )


@social_worker_required
def my_endorsement(request):
    return _my_page(request)


@social_worker_required
@require_POST
def consent(request, pk: int):
    endorsement = endorsement_or_404(request, pk, is_own_endorsement)
    back = back_to_my_page()
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _my_page(request, consent_form=form, status=400)
    try:
        services.endorsement_record_consent(
            endorsement=endorsement,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except EndorsementError as exc:
        return refusal_page(request, exc, back)
    messages.success(request, "Your consent has been recorded")
    return redirect(back.url)


@social_worker_required
@require_http_methods(GET_POST)
def withdraw(request, pk: int):
    endorsement = endorsement_or_404(request, pk, is_own_endorsement)
    back = back_to_my_page()
    if not endorsement.is_open or endorsement.used_at is not None:
        return refusal_page(
            request,
            EndorsementError(
                "You can only withdraw from an open endorsement before an assessment is booked"
            ),
            back,
        )
    pending = PendingAnswers(request, WITHDRAW, endorsement)
    form = ReasonForm(
        submitted(request),
        initial=pending.initial(reason=""),
        label="Why are you withdrawing? (optional)",
        help_text="Your supervisor and your LA lead can see this.",
        required_message="",
        required=False,
    )
    if request.method == "POST" and form.is_valid():
        return keep_and_check(pending, form.cleaned_data, "reason")
    return form_page(
        request,
        form,
        {
            "caption": endorsement.get_level_display(),
            "heading": "Withdraw from your endorsement",
            "intro": "You can withdraw your consent at any time before an assessment is "
            "booked. Your supervisor and LA will see that you have withdrawn.",
            "back_url": back.url,
        },
    )


def _withdraw_check_page(request, endorsement: Endorsement, answers: dict):
    return reason_check_page(
        request,
        endorsement,
        heading="Check before you withdraw",
        rows=[
            ("Level", endorsement.get_level_display(), None),
            ("Status now", endorsement.get_state_display(), None),
            (
                "Reason",
                answers["reason"] or "None given",
                reverse("endorsement:withdraw", args=[endorsement.pk]),
            ),
        ],
        warning="Your endorsement will close. Your supervisor would need to start a new "
        "one, and you would need to give your consent again.",
        button="Withdraw",
        button_class="govuk-button--warning",
        cancel_url=back_to_my_page().url,
    )


@social_worker_required
@require_http_methods(GET_POST)
def withdraw_check(request, pk: int):
    endorsement = endorsement_or_404(request, pk, is_own_endorsement)
    return send_once(
        request,
        WITHDRAW,
        endorsement,
        service=services.endorsement_withdraw,
        show=_withdraw_check_page,
        back=back_to_my_page(),
    )


@social_worker_required
def withdraw_done(request, pk: int):
    endorsement = endorsement_or_404(request, pk, is_own_endorsement)
    if endorsement.state != EndorsementState.WITHDRAWN:
        return redirect("endorsement:my_endorsement")
    return done_page(
        request,
        title="You have withdrawn",
        panel="You have withdrawn from your endorsement",
        body=["Talk to your supervisor if you change your mind."],
        next_link=back_to_my_page(),
    )
