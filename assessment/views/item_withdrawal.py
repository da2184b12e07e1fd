"""Pages for withdrawing a question from scoring on a test form (form → check your answers →
confirmation) and the DIF review queue that points to the questions to consider."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.flows import Flow, PendingAnswers

from .. import policies, selectors, services
from ..forms.item_withdrawal import ItemWithdrawalForm
from ..models import Item, ItemWithdrawal, TestForm
from ..selectors.item_withdrawal import dif_min_group_size
from .common import ADMIN, check_answers_page, form_page, posted


def _withdrawn_ids(test_form: TestForm) -> list[int]:
    """The form's version for check your answers: a withdrawal made meanwhile refuses the send."""
    return sorted(test_form.withdrawals.values_list("item_id", flat=True))


ITEM_WITHDRAWAL = Flow(
    "assessment",
    "item_withdraw",
    version_of=_withdrawn_ids,
    url_kwarg="form_id",
)


def _form_for(request, form_id: int) -> TestForm:
    if not policies.can_withdraw_items(request.user):
        raise PermissionDenied
    return get_object_or_404(TestForm, pk=form_id)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def item_withdraw(request, form_id: int):
    test_form = _form_for(request, form_id)
    pending = PendingAnswers(request, ITEM_WITHDRAWAL, test_form)
    chosen = request.GET.get("item", "")
    initial = pending.answers or ({"item": int(chosen)} if chosen.isdigit() else None)
    form = ItemWithdrawalForm(
        posted(request), initial=initial, questions=selectors.form_questions(test_form)
    )
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            {"item": form.cleaned_data["item"], "reason": form.cleaned_data["reason"]}
        )
    return form_page(
        request,
        "assessment/psychometrics/withdrawal_form.html",
        form,
        {"test_form": test_form, "withdrawals": selectors.form_withdrawals(test_form)},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def item_withdraw_check(request, form_id: int):
    test_form = _form_for(request, form_id)
    pending = PendingAnswers(request, ITEM_WITHDRAWAL, test_form)
    answers = pending.answers
    if not answers:
        return redirect("assessment:item_withdraw", form_id=test_form.pk)
    item = Item.objects.filter(pk=answers["item"]).select_related("area").first()
    if item is None:
        pending.forget()
        return redirect("assessment:item_withdraw", form_id=test_form.pk)
    return check_answers_page(
        request,
        pending,
        "assessment/psychometrics/withdrawal_check.html",
        {
            "test_form": test_form,
            "item": item,
            "answers": answers,
            "results_on_form": test_form.results.count(),
        },
        act=partial(
            services.item_withdraw,
            test_form=test_form,
            item=item,
            reason=answers["reason"],
            actor=request.user,
        ),
        done=lambda done: redirect("assessment:item_withdrawn", withdrawal_id=done.withdrawal.pk),
    )


@role_required(ADMIN)
def item_withdrawn(request, withdrawal_id: int):
    if not policies.can_withdraw_items(request.user):
        raise PermissionDenied
    try:
        summary = selectors.withdrawal_summary(withdrawal_id)
    except ItemWithdrawal.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "assessment/psychometrics/withdrawal_done.html",
        {"summary": summary, "outcomes_url": reverse("assessment:outcome_list")},
    )


@role_required(ADMIN)
def dif_review_queue(request):
    if not policies.can_withdraw_items(request.user):
        raise PermissionDenied
    return render(
        request,
        "assessment/psychometrics/withdrawal_dif_queue.html",
        {
            "forms": selectors.dif_review_queue(),
            "min_group_size": dif_min_group_size(),
        },
    )
