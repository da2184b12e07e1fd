"""Pages for what a candidate may do after an outcome (a fast-track retake, a review) and
for the reviewer's decision."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.dates import govuk_date
from naas.flows import Flow, PendingAnswers

from .. import policies, selectors, services
from ..forms.appeals import FastTrackForm, ReviewDecisionForm, ReviewRequestForm
from ..forms.scheduling import adjustment_answers, adjustment_asks, sitting_label
from ..models import AdjustmentKind, Attempt, MarkerRole, ReviewRequest, ReviewState
from .common import (
    ASSESSING,
    attempt_for,
    check_answers_page,
    decision_answers,
    form_page,
    posted,
    state_stamp,
)


def _review_stamp(review: ReviewRequest) -> tuple:
    """A review changes only when it is decided, so its state and when stand for a version."""
    return (review.state, review.decided_at)


EMPTY_ADJUSTMENTS = {"adjustments": [], "other_detail": "", "adjustment_notes": ""}
FAST_TRACK = Flow(
    "assessment",
    "fast_track",
    version_of=state_stamp,
    url_kwarg="attempt_id",
    check_url="assessment:fast_track_check",
)
REVIEW_REQUEST = Flow(
    "assessment",
    "review",
    version_of=state_stamp,
    url_kwarg="attempt_id",
    form_url="assessment:review_request",
    check_url="assessment:review_check",
)
REVIEW_DECISION = Flow(
    "assessment",
    "review_decision",
    version_of=_review_stamp,
    url_kwarg="review_id",
    form_url="assessment:review_decide",
    check_url="assessment:review_decide_check",
)


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = attempt_for(request, attempt_id, check=policies.can_view_attempt)
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
    pending = PendingAnswers(request, FAST_TRACK, parent)
    form = FastTrackForm(
        posted(request),
        initial=pending.answers,
        sittings=selectors.sittings_open_for_booking(),
    )
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            {"sitting": form.cleaned_data["sitting"].pk, **adjustment_answers(form.cleaned_data)}
        )
    return form_page(
        request,
        "assessment/fast_track.html",
        form,
        {"parent": parent, "areas": selectors.areas_not_met(parent)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fast_track_check(request, attempt_id: int):
    parent = _own_attempt(request, attempt_id)
    pending = PendingAnswers(request, FAST_TRACK, parent)
    answers = pending.answers
    sitting = answers and selectors.sittings_with_counts().filter(pk=answers["sitting"]).first()
    if not sitting:
        return redirect("assessment:fast_track", attempt_id=parent.pk)
    # Answers kept before adjustments were asked for here count as asking for none.
    answers = {**EMPTY_ADJUSTMENTS, **answers}
    asks = adjustment_asks(answers)
    return check_answers_page(
        request,
        pending,
        "assessment/fast_track_check.html",
        {
            "parent": parent,
            "sitting_label": sitting_label(sitting),
            "areas": selectors.areas_not_met(parent),
            "adjustments": [AdjustmentKind(a.kind).label for a in asks],
            "answers": answers,
        },
        act=partial(
            services.attempt_book_fast_track,
            parent=parent,
            sitting=sitting,
            actor=request.user,
            adjustments=asks,
            adjustment_notes=answers["adjustment_notes"],
        ),
        done=lambda retake: redirect("assessment:booked", attempt_id=retake.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_request(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    problems = selectors.review_problems(attempt)
    if problems:
        return _cannot(request, attempt, "You cannot ask for a review", problems)
    pending = PendingAnswers(request, REVIEW_REQUEST, attempt)
    form = ReviewRequestForm(posted(request), initial=pending.answers)
    if request.method == "POST" and form.is_valid():
        return pending.keep({"grounds": form.cleaned_data["grounds"].strip()})
    outcome = selectors.current_outcome(attempt)
    return form_page(
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
    pending = PendingAnswers(request, REVIEW_REQUEST, attempt)
    answers = pending.answers
    if not answers:
        return redirect("assessment:review_request", attempt_id=attempt.pk)
    return check_answers_page(
        request,
        pending,
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
    pending = PendingAnswers(request, REVIEW_DECISION, review)
    form = ReviewDecisionForm(posted(request), initial=pending.answers)
    if request.method == "POST" and form.is_valid():
        return pending.keep(decision_answers(form))
    return form_page(request, "assessment/review_decide.html", form, {"review": review})


@role_required(*ASSESSING)
@require_http_methods(["GET", "POST"])
def review_decide_check(request, review_id: int):
    review = _reviewer_review(request, review_id)
    pending = PendingAnswers(request, REVIEW_DECISION, review)
    answers = pending.answers
    if not answers:
        return redirect("assessment:review_decide", review_id=review.pk)
    return check_answers_page(
        request,
        pending,
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
    )


@role_required(*ASSESSING)
def review_decided(request, review_id: int):
    review = _reviewer_review(request, review_id)
    if review.state == ReviewState.REQUESTED:
        return redirect("assessment:review_decide", review_id=review.pk)
    return render(request, "assessment/review_decided.html", {"review": review})
