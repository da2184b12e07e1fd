"""Withdrawing an item from scoring on one test form: every result on the form is rescored
without it, and every outcome the rescoring changes gets a new version.

How each changed outcome gets its new version (the rules it uses, when it is published again
with a new letter, when it waits for feedback or a review) is services.outcome_versions, shared
with correcting one candidate's answer. An unchanged outcome keeps its version (its stored
knowledge percentages are those it was published with).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from naas.services import audit_event_record, audit_events_record_for_ids

from .. import policies
from ..audit import AssessmentAction
from ..models import (
    Attempt,
    Item,
    ItemWithdrawal,
    Outcome,
    TestAreaScore,
    TestForm,
    TestFormItem,
    TestResponse,
    TestResult,
)
from ..scoring import TestScorer, to_decimal
from .common import AssessmentError, insert_rows, lock_attempt
from .outcome_versions import Recompute, recompute_as_new_version


@dataclass
class WithdrawalOutcome:
    """What withdrawing an item did, for the confirmation page and the tests."""

    withdrawal: ItemWithdrawal
    results_rescored: int = 0
    unchanged: list[Outcome] = field(default_factory=list)
    republished: list[Outcome] = field(default_factory=list)
    awaiting_publication: dict[int, list[str]] = field(default_factory=dict)
    to_confirm: list[Outcome] = field(default_factory=list)
    under_review: list[Attempt] = field(default_factory=list)


def withdrawn_item_ids(form_ids, *, lock: bool = False) -> dict[int, frozenset[int]]:
    """The items withdrawn from scoring on each form. With `lock`, the forms are locked first,
    so a results import and a withdrawal on the same form take turns (neither scores with a
    list of withdrawals the other is changing)."""
    form_ids = list(form_ids)
    if lock:
        list(TestForm.objects.select_for_update().filter(pk__in=form_ids).values_list("pk"))
    found: dict[int, set[int]] = {form_id: set() for form_id in form_ids}
    for form_id, item_id in ItemWithdrawal.objects.filter(test_form_id__in=form_ids).values_list(
        "test_form_id", "item_id"
    ):
        found[form_id].add(item_id)
    return {form_id: frozenset(ids) for form_id, ids in found.items()}


def withdrawal_problems(*, test_form: TestForm, item: Item, reason: str) -> list[str]:
    """Why the item cannot be withdrawn from the form (empty when it can)."""
    problems = []
    if not reason.strip():
        problems.append("Enter the reason for withdrawing this question")
    on_form = list(
        TestFormItem.objects.filter(form=test_form, item__area_id=item.area_id).values_list(
            "item_id", flat=True
        )
    )
    if item.pk not in on_form:
        return [*problems, f"Question {item.code} is not on test form {test_form.code}"]
    withdrawn = withdrawn_item_ids([test_form.pk])[test_form.pk]
    if item.pk in withdrawn:
        problems.append(f"Question {item.code} has already been withdrawn from this form")
    elif not set(on_form) - withdrawn - {item.pk}:
        problems.append(
            f"Question {item.code} is the last question scored for KSS area "
            f"{item.area.number} on this form, so it cannot be withdrawn"
        )
    return problems


@transaction.atomic
def item_withdraw(*, test_form: TestForm, item: Item, reason: str, actor) -> WithdrawalOutcome:
    """Withdraw an item from scoring on a form, rescore every result on the form and give each
    outcome the rescoring changes a new version (see the module docstring)."""
    if not policies.can_withdraw_items(actor):
        raise PermissionDenied("Only assessment administrators can withdraw a question")
    form = TestForm.objects.select_for_update().get(pk=test_form.pk)
    problems = withdrawal_problems(test_form=form, item=item, reason=reason)
    if problems:
        raise AssessmentError(*problems)
    withdrawal = ItemWithdrawal.objects.create(
        test_form=form, item=item, reason=reason.strip(), withdrawn_by=actor
    )
    audit_event_record(
        actor=actor,
        subject=withdrawal,
        action=AssessmentAction.ITEM_WITHDRAWN_FROM_FORM,
        reason=withdrawal.reason,
        detail={"test_form": form.code, "item": item.code, "item_id": item.pk},
    )
    done = WithdrawalOutcome(withdrawal=withdrawal)
    attempt_ids = _rescore_form(form, withdrawal, actor)
    done.results_rescored = len(attempt_ids)
    for attempt_id in attempt_ids:
        _recompute_outcome(attempt_id, withdrawal, actor, done)
    return done


def _rescore_form(form: TestForm, withdrawal: ItemWithdrawal, actor) -> list[int]:
    """Score every result on the form again from its stored answers, leaving out the withdrawn
    items; returns the attempt ids rescored. Answers (TestResponse rows) are kept as they are."""
    results = list(
        TestResult.objects.select_for_update().filter(test_form=form).order_by("attempt_id")
    )
    if not results:
        return []
    items = [link.item for link in form.form_items.select_related("item").order_by("position")]
    answers: dict[int, dict[int, str]] = {result.pk: {} for result in results}
    for result_id, item_id, chosen in TestResponse.objects.filter(
        result__test_form=form
    ).values_list("result_id", "item_id", "chosen"):
        answers[result_id][item_id] = chosen
    leave_out = withdrawn_item_ids([form.pk])[form.pk]
    scorer = TestScorer()
    scored = [
        scorer.score(
            items=items,
            answers=answers[result.pk],
            three_of_eight=form.three_of_eight_scoring,
            leave_out=leave_out,
        )
        for result in results
    ]
    before = {result.attempt_id: f"{result.raw_score}/{result.max_score}" for result in results}
    for result, test in zip(results, scored, strict=True):
        result.raw_score = to_decimal(test.raw_score)
        result.max_score = test.max_score
    TestResult.objects.bulk_update(results, ["raw_score", "max_score"])
    TestAreaScore.objects.filter(result__in=results).delete()
    insert_rows(
        TestAreaScore,
        ["result_id", "area_id", "marks", "max_marks", "percent", "item_count"],
        (
            (
                result.pk,
                area_id,
                to_decimal(total.marks),
                total.max_marks,
                total.percent,
                total.item_count,
            )
            for result, test in zip(results, scored, strict=True)
            for area_id, total in test.areas.items()
        ),
    )
    audit_events_record_for_ids(
        actor=actor,
        model=Attempt,
        ids=[result.attempt_id for result in results],
        action=AssessmentAction.ATTEMPT_TEST_RESULT_RESCORED,
        detail_for={
            result.attempt_id: {
                "withdrawal": withdrawal.pk,
                "before": before[result.attempt_id],
                "after": f"{result.raw_score}/{result.max_score}",
            }
            for result in results
        },
    )
    return [result.attempt_id for result in results]


def _recompute_outcome(attempt_id: int, withdrawal, actor, done: WithdrawalOutcome) -> None:
    recomputed = recompute_as_new_version(
        attempt=Attempt(pk=attempt_id),
        actor=actor,
        action=AssessmentAction.OUTCOME_RECOMPUTED_AFTER_WITHDRAWAL,
        detail={"withdrawal": withdrawal.pk},
    )
    if recomputed.kind == Recompute.UNDER_REVIEW:
        done.under_review.append(lock_attempt(Attempt(pk=attempt_id)))
    elif recomputed.kind == Recompute.UNCHANGED:
        done.unchanged.append(recomputed.previous)
    elif recomputed.kind == Recompute.TO_CONFIRM:
        done.to_confirm.append(recomputed.outcome)
    elif recomputed.kind == Recompute.REPUBLISHED:
        done.republished.append(recomputed.outcome)
    elif recomputed.kind == Recompute.AWAITING_PUBLICATION:
        done.awaiting_publication[recomputed.outcome.pk] = recomputed.problems
