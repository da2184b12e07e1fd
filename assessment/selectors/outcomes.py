"""Reads about outcomes: the rules in force, the current outcome, and what a candidate may do
next (a fast-track retake, a review) and until when."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from naas.dates import govuk_date
from naas.models import KSSArea, KSSFramework

from .. import rules
from ..models import (
    Attempt,
    AttemptState,
    Outcome,
    OutcomeResult,
    OutcomeRuleSet,
    ReviewRequest,
)
from ..outcome_rules import (
    RuleParameters,
)


def rules_in_force(framework: KSSFramework) -> tuple[int, RuleParameters]:
    """The version and numbers of the outcome rules in force for a framework, for reading: the
    newest version, or version 1's defaults. Never writes, so a page can show them on a GET."""
    latest = OutcomeRuleSet.objects.filter(framework=framework).order_by("-version").first()
    if latest is None:
        return 1, RuleParameters()
    return latest.version, RuleParameters.from_json(latest.parameters)


def rule_parameters_current(framework: KSSFramework) -> RuleParameters:
    """The numbers of the outcome rules in force for a framework (see rules_in_force)."""
    return rules_in_force(framework)[1]


def current_outcome(attempt: Attempt) -> Outcome | None:
    return attempt.outcomes.filter(superseded_at__isnull=True).first()


def fast_track_problems(parent: Attempt, *, today: date | None = None, areas=None) -> list[str]:
    """Why the worker cannot book a fast-track retake of `parent` (empty when they can)."""
    return _fast_track_problems(
        parent,
        current_outcome(parent),
        today=today or timezone.localdate(),
        areas=areas,
        has_retake=lambda: parent.retakes.exclude(state=AttemptState.CANCELLED).exists(),
    )


def _fast_track_problems(parent, outcome, *, today, areas, has_retake) -> list[str]:
    """The rule, given the current outcome; `has_retake()` asks only when it must."""
    if (
        parent.state != AttemptState.OUTCOME_PUBLISHED
        or outcome is None
        or not outcome.is_published
    ):
        return ["A fast-track retake can be booked only once the outcome has been published"]
    if outcome.result == OutcomeResult.MET:
        return ["You met the standard in every area, so there is nothing to retake"]
    if outcome.result == OutcomeResult.NOT_MET:
        return [
            "A not met outcome has no fast track: your employer must endorse you again before "
            "you can be assessed"
        ]
    if parent.is_retake:
        return [
            "You have already had your fast-track retake; only one is allowed. Your employer "
            "must endorse you again before you can be assessed"
        ]
    if has_retake():
        return ["You have already booked a fast-track retake; only one is allowed"]
    closes = rules.fast_track_last_day(outcome.published_at)
    if not rules.still_open(closes, on=today):
        return [
            f"The fast-track window closed on {govuk_date(closes)}, "
            f"{rules.fast_track_months()} months after your outcome was published. Your "
            "employer must endorse you again"
        ]
    if areas is not None:
        met = {
            row.area_id: row.area
            for row in outcome.area_outcomes.select_related("area")
            if row.result == OutcomeResult.MET
        }
        already = [met[a.pk] for a in areas if a.pk in met]
        if already:
            return [
                f"Area {a.number} ({a.title}) was already met, so it cannot be retaken"
                for a in already
            ]
        if not areas:
            return ["Choose at least one area to retake"]
    return []


def fast_track_closes(parent: Attempt) -> date | None:
    """The last day to book a fast-track retake of `parent` (None if its outcome offers none):
    the rule in assessment.rules, for the attempt's current outcome."""
    return rules.fast_track_deadline(current_outcome(parent))


def areas_not_met(parent: Attempt) -> list[KSSArea]:
    outcome = current_outcome(parent)
    if outcome is None:
        return []
    return [
        row.area
        for row in outcome.area_outcomes.select_related("area").order_by("area__number")
        if row.result != OutcomeResult.MET
    ]


def review_deadline(outcome: Outcome) -> date | None:
    """The last day to ask for a review of `outcome`: the rule in assessment.rules."""
    return rules.review_deadline(outcome)


def review_problems(attempt: Attempt, *, today: date | None = None) -> list[str]:
    outcome = current_outcome(attempt)
    return _review_problems(
        attempt,
        outcome,
        today=today or timezone.localdate(),
        reviewed=lambda: ReviewRequest.objects.filter(outcome=outcome).exists(),
    )


def _review_problems(attempt, outcome, *, today, reviewed) -> list[str]:
    """The rule, given the current outcome; `reviewed()` asks only when it must."""
    if attempt.state == AttemptState.UNDER_REVIEW:
        return ["Your outcome is already being reviewed"]
    if (
        attempt.state != AttemptState.OUTCOME_PUBLISHED
        or outcome is None
        or not outcome.is_published
    ):
        return ["A review can be asked for only once the outcome has been published"]
    if reviewed():
        return ["You have already asked for a review of this outcome"]
    deadline = review_deadline(outcome)
    if not rules.still_open(deadline, on=today):
        return [
            f"The deadline for asking for a review was {govuk_date(deadline)}, "
            f"{rules.review_window_working_days()} working days after your outcome "
            "was published"
        ]
    return []


@dataclass(frozen=True)
class NextSteps:
    """What a candidate may do next about one attempt's outcome, and until when."""

    fast_track_problems: list[str]
    fast_track_closes: date | None
    review_problems: list[str]


def next_steps_by_attempt(attempts, *, today: date) -> dict[int, NextSteps]:
    """fast_track_problems, fast_track_closes and review_problems for each of a candidate's
    attempts in two queries, whatever their number (the candidate's outcome page). The
    attempts' `retakes` must be prefetched, as worker_outcomes does."""
    current: dict[int, Outcome] = {}
    for outcome in Outcome.objects.filter(
        attempt__in=attempts, superseded_at__isnull=True
    ).order_by("-version"):
        current.setdefault(outcome.attempt_id, outcome)
    reviewed = set(
        ReviewRequest.objects.filter(outcome__in=current.values()).values_list(
            "outcome_id", flat=True
        )
    )
    steps = {}
    for attempt in attempts:
        outcome = current.get(attempt.pk)
        if outcome is not None:
            outcome.attempt = attempt  # the deadlines read it: not one query per outcome
        steps[attempt.pk] = NextSteps(
            fast_track_problems=_fast_track_problems(
                attempt,
                outcome,
                today=today,
                areas=None,
                has_retake=lambda a=attempt: any(
                    r.state != AttemptState.CANCELLED for r in a.retakes.all()
                ),
            ),
            fast_track_closes=rules.fast_track_deadline(outcome),
            review_problems=_review_problems(
                attempt, outcome, today=today, reviewed=lambda o=outcome: o.pk in reviewed
            ),
        )
    return steps
