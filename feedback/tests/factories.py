"""Factories for feedback tests. Every outcome comes from the assessment app's services (see
assessment/tests/factories.py): marks entered, the outcome computed by the outcome rules,
confirmed and published by the publishing service, with its pre-publish checks (feedback for
every area not met, which the helpers here write through this app's service first) and its
audit events. Only the feedback-specific steps live here."""

from assessment.models import Allocation, Attempt, MarkerRole, OutcomeResult
from assessment.tests.factories import (
    administrator,
    allocate,
    draft_outcome,
    published_outcome,
    sat_attempt,
)

from .. import services

MET, PARTIAL, NOT_MET = OutcomeResult.MET, OutcomeResult.PARTIALLY_MET, OutcomeResult.NOT_MET


def first_marker_of(attempt):
    return Allocation.objects.get(attempt=attempt, role=MarkerRole.FIRST, active=True).assessor


def marking_attempt(worker=None, *, assessor=None, admin=None):
    """An attempt that has been sat, with its first marker allocated (not yet marked)."""
    admin = admin or administrator()
    attempt = sat_attempt(worker, admin=admin, percent=None)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin, assessor=assessor)
    return Attempt.objects.get(pk=attempt.pk), allocation.assessor


def write_feedback(attempt, by, texts: dict, suggestions: dict | None = None) -> int:
    """The first marker `by` saves feedback (area number -> text) through the service."""
    suggestions = suggestions or {}
    numbers = set(texts) | set(suggestions)
    return services.area_feedback_save(
        attempt=attempt,
        actor=by,
        entries=[
            services.FeedbackEntry(
                area_id=area.pk,
                feedback=texts.get(area.number, ""),
                development_suggestions=suggestions.get(area.number, ""),
            )
            for area in attempt.framework.areas.filter(number__in=numbers)
        ],
    )


def feedback_writer(texts: dict | None = None, suggestions: dict | None = None):
    """A `before_publish` step for the assessment factories: the first marker writes `texts`,
    or "Feedback for area N" for every area the computed outcome did not meet."""

    def write(outcome) -> None:
        attempt = outcome.attempt
        chosen = texts
        if chosen is None:
            chosen = {
                row.area.number: f"Feedback for area {row.area.number}"
                for row in outcome.area_outcomes.select_related("area")
                if row.result != MET and not row.carried_forward
            }
        if chosen or suggestions:
            write_feedback(attempt, first_marker_of(attempt), chosen, suggestions)

    return write


def published_result(
    results=None, *, worker=None, feedback=None, suggestions=None, overall=None, assessor=None
):
    """A worker's published outcome (met in every area not named in `results`), with the first
    marker's feedback; returns the outcome and the first marker."""
    outcome = published_outcome(
        worker,
        results=results,
        overall=overall,
        assessor=assessor,
        before_publish=feedback_writer(feedback, suggestions),
    )
    return outcome, first_marker_of(outcome.attempt)


def draft_result(results=None, *, worker=None, assessor=None):
    """A worker's outcome computed from the marks, not yet confirmed; and the first marker."""
    outcome = draft_outcome(worker, results=results, assessor=assessor)
    return outcome, first_marker_of(outcome.attempt)
