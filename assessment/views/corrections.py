"""Pages for correcting one candidate's knowledge-test answer: form → check your answers →
confirmation (what happened to the outcome)."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.flows import Flow, PendingAnswers

from .. import policies, selectors, services
from ..forms.corrections import ResponseCorrectionForm
from ..models import Attempt, Item, TestResult
from ..services.corrections import answers_on_result, score_text
from .common import ADMIN, check_answers_page, form_page, posted

DONE_KEY = "assessment:corrected"


def _result_version(attempt: Attempt) -> list:
    """The result's version for check your answers: any rescoring or correction meanwhile
    refuses the send."""
    result = TestResult.objects.filter(attempt=attempt).first()
    return [result.answers_digest, str(result.raw_score)] if result else []


RESULT_CORRECTION = Flow(
    "assessment", "result_correct", version_of=_result_version, url_kwarg="attempt_id"
)


def _attempt_for(request, attempt_id: int) -> Attempt:
    attempt = get_object_or_404(
        Attempt.objects.select_related("worker__user", "sitting__centre"), pk=attempt_id
    )
    if not policies.can_correct_result(request.user, attempt):
        raise PermissionDenied
    return attempt


def _result(attempt: Attempt) -> TestResult | None:
    return TestResult.objects.filter(attempt=attempt).select_related("test_form").first()


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def result_correct(request, attempt_id: int):
    attempt = _attempt_for(request, attempt_id)
    result = _result(attempt)
    cannot = services.attempt_correction_problems(attempt=attempt, result=result)
    if cannot:
        # Nothing to correct on this attempt: say why, with no form.
        return render(
            request, "assessment/correct_answer.html", {"attempt": attempt, "cannot": cannot}
        )
    pending = PendingAnswers(request, RESULT_CORRECTION, attempt)
    answers = answers_on_result(result)
    form = ResponseCorrectionForm(
        posted(request),
        initial=pending.answers,
        questions=selectors.form_questions(result.test_form),
        answers=answers,
        option_counts={item.pk: item.option_count for item in result.test_form.items.all()},
    )
    if request.method == "POST" and form.is_valid():
        return pending.keep(form.answers)
    return form_page(
        request,
        "assessment/correct_answer.html",
        form,
        {"attempt": attempt, "result": result, "score": score_text(result)},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def result_correct_check(request, attempt_id: int):
    attempt = _attempt_for(request, attempt_id)
    pending = PendingAnswers(request, RESULT_CORRECTION, attempt)
    answers = pending.answers
    result = _result(attempt)
    item = Item.objects.filter(pk=(answers or {}).get("item")).select_related("area").first()
    if not answers or result is None or item is None:
        pending.forget()
        return redirect("assessment:result_correct", attempt_id=attempt.pk)

    def corrected(done):
        request.session[DONE_KEY] = _done_summary(done)
        return redirect("assessment:result_correct_done", attempt_id=attempt.pk)

    return check_answers_page(
        request,
        pending,
        "assessment/correct_answer_check.html",
        {
            "attempt": attempt,
            "item": item,
            "answers": answers,
            "recorded": answers_on_result(result).get(item.pk, ""),
            "score": score_text(result),
        },
        act=partial(
            services.test_response_correct,
            attempt=attempt,
            item=item,
            chosen=answers["chosen"],
            reason=answers["reason"],
            actor=request.user,
        ),
        done=corrected,
    )


def _done_summary(done: services.ResponseCorrection) -> dict:
    """What the confirmation page says, kept in the session (ids and words, no personal data)."""
    outcome = done.recomputed.outcome
    shown = outcome or done.recomputed.previous
    return {
        "attempt": done.attempt.pk,
        "item": done.item.code,
        "before": done.chosen_before,
        "after": done.chosen_after,
        "score_before": done.score_before,
        "score_after": done.score_after,
        "kind": done.recomputed.kind,
        "outcome": outcome.pk if outcome else None,
        "reference": shown.reference if shown else "",
        "problems": [str(p) for p in done.recomputed.problems],
    }


@role_required(ADMIN)
def result_correct_done(request, attempt_id: int):
    attempt = _attempt_for(request, attempt_id)
    summary = request.session.get(DONE_KEY) or {}
    if summary.get("attempt") != attempt.pk:
        return redirect("assessment:result_correct", attempt_id=attempt.pk)
    return render(
        request,
        "assessment/correct_answer_done.html",
        {
            "attempt": attempt,
            "summary": summary,
            "what_happened": WHAT_HAPPENED[summary["kind"]].format(ref=summary["reference"]),
            "outcome_url": reverse("assessment:outcome_detail", args=[summary["outcome"]])
            if summary["outcome"]
            else "",
            "publish_url": reverse("assessment:outcomes_publish")
            if summary["kind"] == services.Recompute.AWAITING_PUBLICATION
            else "",
        },
    )


WHAT_HAPPENED = {
    services.Recompute.NO_OUTCOME: "This assessment has no outcome yet: the corrected score "
    "will be used when it is worked out.",
    services.Recompute.UNDER_REVIEW: "This assessment is under review: the review will use "
    "the corrected score.",
    services.Recompute.UNCHANGED: "The correction changes no area's result, so outcome {ref} "
    "stays as it is.",
    services.Recompute.TO_CONFIRM: "A new outcome version, {ref}, has been made from the "
    "corrected score. It must be confirmed before it is published.",
    services.Recompute.REPUBLISHED: "A new outcome version, {ref}, has been published. The "
    "candidate can see it now, and a new letter is being made.",
    services.Recompute.AWAITING_PUBLICATION: "A new outcome version, {ref}, has been made and "
    "confirmed, but it cannot be published yet.",
}
