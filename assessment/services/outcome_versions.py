"""READY: recompute_as_new_version(*, attempt, actor, action, detail) -> Recomputed

Recomputing an attempt's outcome after its evidence was corrected (an item withdrawn from
scoring, a corrected answer, a corrected results file), as a NEW outcome version: the old
version is kept, superseded.

- The recompute uses the outcome's own rule-set version: the rules did not change, the
  evidence did (services.outcome_compute with `rule_set` and `correction`).
- An outcome counts as changed when its overall result or any area's result differs; an
  unchanged outcome keeps its version.
- A new version of a published outcome is confirmed and published at once, so the candidate
  gets a new letter (feedback's receiver of signals.outcome_published). When a pre-publish
  check refuses (feedback missing for a newly not-met area) or the actor has a conflict of
  interest, it stays confirmed but unpublished, listed on the publish page with the reason.
- A new version of an outcome not yet published is left computed, to be confirmed as usual.
- An attempt under review is not recomputed: the review will use the corrected evidence.
"""

from dataclasses import dataclass, field

from django.db import transaction

from naas.services import audit_event_record

from .. import policies, signals
from ..audit import AssessmentAction
from ..models import Attempt, AttemptState, Outcome
from ..selectors.outcomes import current_outcome
from .common import lock_attempt
from .outcomes import outcome_compute, outcome_confirm_after_correction, outcomes_publish

CONFLICTED_MESSAGE = (
    "You have a conflict of interest in this candidate: another administrator must confirm "
    "and publish this version"
)


class Recompute:
    """What happened to one attempt's outcome (Recomputed.kind)."""

    NO_OUTCOME = "no_outcome"
    UNDER_REVIEW = "under_review"
    UNCHANGED = "unchanged"
    TO_CONFIRM = "to_confirm"
    REPUBLISHED = "republished"
    AWAITING_PUBLICATION = "awaiting_publication"


@dataclass
class Recomputed:
    kind: str
    previous: Outcome | None = None
    outcome: Outcome | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.kind in (
            Recompute.TO_CONFIRM,
            Recompute.REPUBLISHED,
            Recompute.AWAITING_PUBLICATION,
        )


class _Unchanged(Exception):
    """Rolls back a recomputed outcome whose results match the one it would replace."""


@transaction.atomic
def recompute_as_new_version(
    *, attempt: Attempt, actor, action: AssessmentAction, detail: dict
) -> Recomputed:
    """Recompute the attempt's current outcome from its (corrected) evidence as a new
    version (see the module docstring). `action` is the audit action recorded on the new
    version, with `detail` (what caused it) plus what it replaces, was and is now. Call it
    after the corrected evidence is saved, inside the same transaction."""
    attempt = lock_attempt(Attempt(pk=attempt.pk))
    previous = current_outcome(attempt)
    if previous is None:
        return Recomputed(Recompute.NO_OUTCOME)
    if attempt.state == AttemptState.UNDER_REVIEW:
        return Recomputed(Recompute.UNDER_REVIEW, previous=previous)
    try:
        # A savepoint: the new version (with its audit rows) is rolled back when the results
        # did not change.
        with transaction.atomic():
            outcome = outcome_compute(
                attempt=attempt, actor=actor, rule_set=previous.rule_set, correction=True
            )
            if _results(outcome) == _results(previous):
                raise _Unchanged
    except _Unchanged:
        return Recomputed(Recompute.UNCHANGED, previous=previous)
    audit_event_record(
        actor=actor,
        subject=outcome,
        action=action,
        detail={
            **detail,
            "replaces": previous.reference,
            "was": previous.result,
            "now": outcome.result,
        },
    )
    if not previous.is_published:
        return Recomputed(Recompute.TO_CONFIRM, previous=previous, outcome=outcome)
    return _republish(previous, outcome, actor)


def _results(outcome: Outcome) -> tuple:
    areas = sorted(outcome.area_outcomes.values_list("area_id", "result"))
    return outcome.result, areas


def _republish(previous: Outcome, outcome: Outcome, actor) -> Recomputed:
    """Publish the new version of a published outcome, so the candidate gets a new letter;
    when publication would be refused, leave it confirmed for the administrator to publish."""
    if not policies.can_confirm_outcome(actor, outcome):
        return Recomputed(
            Recompute.AWAITING_PUBLICATION,
            previous=previous,
            outcome=outcome,
            problems=[CONFLICTED_MESSAGE],
        )
    outcome = outcome_confirm_after_correction(outcome=outcome, actor=actor)
    problems = signals.publication_problems(outcome)
    if problems:
        return Recomputed(
            Recompute.AWAITING_PUBLICATION, previous=previous, outcome=outcome, problems=problems
        )
    outcomes_publish(outcome_ids=[outcome.pk], actor=actor)
    outcome.refresh_from_db()
    return Recomputed(Recompute.REPUBLISHED, previous=previous, outcome=outcome)
