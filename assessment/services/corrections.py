"""Correcting one candidate's knowledge-test answer on a sitting (the test platform recorded
it wrongly): the answer is changed, the test scored again, and the outcome recomputed as a new
version (services.outcome_versions, shared with withdrawing an item from scoring).

Decisions:
- A score is always what the answers earn, so a wrong score is corrected by correcting the
  answer behind it: the service never stores a score its answers do not add up to.
- The answers' fingerprint is updated too, so uploading the platform's original file again is
  seen as different from what is recorded, not as the same results.
- An attempt under review, cancelled or without a test result cannot be corrected.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from naas.services import audit_event_record

from .. import policies
from ..audit import AssessmentAction
from ..models import (
    OPTION_LETTERS,
    Attempt,
    AttemptState,
    Item,
    TestAreaScore,
    TestFormItem,
    TestResponse,
    TestResult,
)
from ..results_csv import answers_digest
from ..scoring import OptionsError, TestScorer, parse_options, to_decimal
from .common import AssessmentError, insert_rows, lock_attempt
from .item_withdrawal import withdrawn_item_ids
from .outcome_versions import Recomputed, recompute_as_new_version

NOT_CORRECTABLE_STATES = (AttemptState.UNDER_REVIEW, AttemptState.CANCELLED)


@dataclass
class ResponseCorrection:
    """What correcting an answer did, for the confirmation page and the tests."""

    attempt: Attempt
    item: Item
    chosen_before: str
    chosen_after: str
    score_before: str
    score_after: str
    recomputed: Recomputed


def answers_on_result(result: TestResult) -> dict[int, str]:
    """The candidate's recorded answers: item id -> letters ("" or missing: left blank)."""
    return dict(TestResponse.objects.filter(result=result).values_list("item_id", "chosen"))


def score_text(result: TestResult) -> str:
    return f"{Decimal(result.raw_score).normalize():f} out of {Decimal(result.max_score).normalize():f}"


def attempt_correction_problems(*, attempt: Attempt, result: TestResult | None) -> list[str]:
    """Why no answer of this attempt can be corrected (empty when one can)."""
    if attempt.state in NOT_CORRECTABLE_STATES:
        return [
            f"This assessment is {attempt.get_state_display().lower()}, so its test answers "
            "cannot be corrected"
        ]
    if result is None:
        return ["There is no knowledge-test result for this assessment to correct"]
    return []


def correction_problems(
    *, attempt: Attempt, result: TestResult | None, item: Item | None, chosen: str, reason: str
) -> list[str]:
    """Why the answer cannot be corrected as asked (empty when it can)."""
    problems = attempt_correction_problems(attempt=attempt, result=result)
    if problems:
        return problems
    if not reason.strip():
        problems.append("Enter the reason for the correction")
    if (
        item is None
        or not TestFormItem.objects.filter(form_id=result.test_form_id, item=item).exists()
    ):
        return [*problems, "Select a question that is on this candidate's test form"]
    try:
        letters = parse_options(chosen)
    except OptionsError as exc:
        return [*problems, f"The corrected answer {exc}"]
    last = OPTION_LETTERS[item.option_count - 1]
    if letters and max(letters) > last:
        problems.append(f"Question {item.code} has options A to {last} only")
    elif letters == answers_on_result(result).get(item.pk, ""):
        problems.append(f"The recorded answer to question {item.code} is already that")
    return problems


@transaction.atomic
def test_response_correct(
    *, attempt: Attempt, item: Item | None, chosen: str, reason: str, actor
) -> ResponseCorrection:
    """Correct the candidate's answer to one question, score the test again and recompute the
    outcome as a new version, with an audit event holding the answer and score before and
    after and the reason."""
    if not policies.can_correct_result(actor, attempt):
        raise PermissionDenied("Only an administrator without a conflict of interest can do this")
    result = _lock_result(attempt)
    locked = lock_attempt(attempt)
    problems = correction_problems(
        attempt=locked, result=result, item=item, chosen=chosen, reason=reason
    )
    if problems:
        raise AssessmentError(*problems)
    letters = parse_options(chosen)
    before = answers_on_result(result).get(item.pk, "")
    score_before = score_text(result)
    _rescore(result, item, letters)
    audit_event_record(
        actor=actor,
        subject=locked,
        action=AssessmentAction.ATTEMPT_TEST_RESPONSE_CORRECTED,
        reason=reason.strip(),
        detail={
            "item": item.code,
            "item_id": item.pk,
            "before": {"chosen": before, "score": score_before},
            "after": {"chosen": letters, "score": score_text(result)},
        },
    )
    recomputed = recompute_as_new_version(
        attempt=locked,
        actor=actor,
        action=AssessmentAction.OUTCOME_RECOMPUTED_AFTER_CORRECTION,
        detail={"item": item.code, "reason": reason.strip()},
    )
    return ResponseCorrection(
        attempt=locked,
        item=item,
        chosen_before=before,
        chosen_after=letters,
        score_before=score_before,
        score_after=score_text(result),
        recomputed=recomputed,
    )


def _lock_result(attempt: Attempt) -> TestResult | None:
    """Lock the test form, then the result, in the order item_withdraw locks them (form,
    results, attempts), so a correction and a withdrawal on the same form take turns."""
    result = TestResult.objects.filter(attempt_id=attempt.pk).only("test_form_id").first()
    if result is None:
        return None
    withdrawn_item_ids([result.test_form_id], lock=True)
    return (
        TestResult.objects.select_for_update(of=("self",))
        .select_related("test_form")
        .get(pk=result.pk)
    )


def _rescore(result: TestResult, item: Item, letters: str) -> None:
    """Save the corrected answer and score the whole test again from its answers, leaving out
    items withdrawn from scoring on the form, as the results import does."""
    form = result.test_form
    items = [link.item for link in form.form_items.select_related("item").order_by("position")]
    answers = answers_on_result(result)
    answers[item.pk] = letters
    scorer = TestScorer()
    scored = scorer.score(
        items=items,
        answers=answers,
        three_of_eight=form.three_of_eight_scoring,
        leave_out=withdrawn_item_ids([form.pk])[form.pk],
    )
    TestResponse.objects.update_or_create(
        result=result,
        item=item,
        defaults={"chosen": letters, "marks": scorer.item_decimal(scored.item_marks[item.pk])},
    )
    result.raw_score = to_decimal(scored.raw_score)
    result.max_score = scored.max_score
    codes = {i.pk: i.code for i in items}
    result.answers_digest = answers_digest(
        form.code, {codes[item_id]: chosen for item_id, chosen in answers.items()}
    )
    result.save(update_fields=["raw_score", "max_score", "answers_digest"])
    TestAreaScore.objects.filter(result=result).delete()
    insert_rows(
        TestAreaScore,
        ["result_id", "area_id", "marks", "max_marks", "percent", "item_count"],
        (
            (result.pk, area_id, to_decimal(t.marks), t.max_marks, t.percent, t.item_count)
            for area_id, t in scored.areas.items()
        ),
    )
