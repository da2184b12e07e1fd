"""Pages for reasonable adjustments (part of scheduling, kept apart for size): the
administrators' queue, deciding a request through check your answers, and the decisions list and
its CSV download."""

import itertools
from functools import partial

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.csv_export import csv_response
from naas.flows import Flow, PendingAnswers
from naas.forms import submitted

from .. import lists, selectors, services
from ..forms.scheduling import AdjustmentDecisionForm
from ..models import AdjustmentDecision, AdjustmentRequest
from .common import ADMIN, check_answers_page, decision_answers, form_page


@role_required(ADMIN)
def adjustment_queue(request):
    listing = lists.ADJUSTMENTS_PENDING.run(
        request, selectors.adjustments_pending(), choices={"centre": selectors.centre_choices()}
    )
    return render(
        request, "assessment/adjustment_queue.html", listing.context(), status=listing.status
    )


def _decision_stamp(adjustment: AdjustmentRequest) -> tuple:
    """A request changes only when it is decided, so its decision and when stand for a version."""
    return (adjustment.decision, adjustment.decided_at)


ADJUSTMENT_DECISION = Flow(
    "assessment",
    "decision",
    version_of=_decision_stamp,
    url_kwarg="adjustment_id",
    form_url="assessment:adjustment_decide",
    check_url="assessment:adjustment_check",
)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def adjustment_decide(request, adjustment_id: int):
    adjustment = _adjustment(adjustment_id)
    if adjustment.decision != AdjustmentDecision.PENDING:
        return redirect("assessment:adjustment_decided", adjustment_id=adjustment.pk)
    pending = PendingAnswers(request, ADJUSTMENT_DECISION, adjustment)
    form = AdjustmentDecisionForm(submitted(request), initial=pending.answers)
    if request.method == "POST" and form.is_valid():
        return pending.keep(decision_answers(form))
    return form_page(request, "assessment/adjustment_decide.html", form, {"adjustment": adjustment})


def _adjustment(adjustment_id: int) -> AdjustmentRequest:
    try:
        return selectors.adjustment_for_decision(adjustment_id)
    except AdjustmentRequest.DoesNotExist:
        raise Http404 from None


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def adjustment_check(request, adjustment_id: int):
    adjustment = _adjustment(adjustment_id)
    pending = PendingAnswers(request, ADJUSTMENT_DECISION, adjustment)
    answers = pending.answers
    if not answers:
        return redirect("assessment:adjustment_decide", adjustment_id=adjustment.pk)
    return check_answers_page(
        request,
        pending,
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
    )


@role_required(ADMIN)
def adjustment_decided(request, adjustment_id: int):
    adjustment = _adjustment(adjustment_id)
    if adjustment.decision == AdjustmentDecision.PENDING:
        return redirect("assessment:adjustment_decide", adjustment_id=adjustment.pk)
    return render(request, "assessment/adjustment_decided.html", {"adjustment": adjustment})


@role_required(ADMIN)
def adjustment_decisions(request):
    listing = lists.ADJUSTMENT_DECISIONS.run(
        request,
        selectors.adjustment_decisions(),
        choices={"la": selectors.local_authority_choices()},
    )
    if request.GET.get("format") == "csv" and not listing.errors:
        # the download is the list as filtered and sorted, every page of it
        return _decisions_csv(listing.page.paginator.object_list)
    return render(
        request, "assessment/adjustment_decisions.html", listing.context(), status=listing.status
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
