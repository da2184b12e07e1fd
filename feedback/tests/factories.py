"""Factories for feedback tests: attempts put straight into a state, outcomes made with the ORM
(the scoring and publishing services belong to the assessment app), and publication simulated
with the `outcome_published` signal inside a transaction, as the publishing service sends it."""

import itertools

from django.db import transaction
from django.utils import timezone

from assessment.models import (
    Allocation,
    AreaOutcome,
    Attempt,
    AttemptArea,
    AttemptState,
    MarkerRole,
    Outcome,
    OutcomeResult,
    OutcomeRuleSet,
)
from assessment.signals import outcome_published
from assessment.tests.factories import SittingFactory, administrator, endorsed
from naas.models import Level, Role
from naas.tests.factories import SocialWorkerFactory, current_framework, staff_user

from ..models import AreaFeedback

_references = itertools.count(1)
MET, PARTIAL, NOT_MET = OutcomeResult.MET, OutcomeResult.PARTIALLY_MET, OutcomeResult.NOT_MET


def make_attempt(
    worker=None, *, state=AttemptState.MODERATED, level=Level.PRACTITIONER, parent=None, areas=None
):
    worker = worker or SocialWorkerFactory()
    framework = current_framework(level)
    attempt = Attempt.objects.create(
        worker=worker,
        level=level,
        framework=framework,
        endorsement=None if parent else endorsed(worker, level=level),
        parent=parent,
        sitting=SittingFactory(),
        booked_by=worker.user,
    )
    for area in areas if areas is not None else framework.areas.all():
        AttemptArea.objects.create(attempt=attempt, area=area)
    set_state(attempt, state)
    return attempt


def set_state(attempt, state) -> Attempt:
    Attempt.objects.filter(pk=attempt.pk).update(state=state)
    attempt.refresh_from_db()
    return attempt


def first_marker(attempt, assessor=None):
    assessor = assessor or staff_user(Role.ASSESSOR)
    Allocation.objects.create(
        attempt=attempt, assessor=assessor, role=MarkerRole.FIRST, allocated_by=administrator()
    )
    return assessor


def rule_set(framework):
    return OutcomeRuleSet.objects.get_or_create(
        framework=framework, version=1, defaults={"parameters": {}}
    )[0]


def make_outcome(attempt, results=None, *, version=1, carried=(), published=False, overall=None):
    """An outcome with one AreaOutcome per area of the attempt's framework. `results` maps an
    area number to its result (met when not given)."""
    results = results or {}
    areas = list(attempt.framework.areas.order_by("number"))
    area_results = {area.number: results.get(area.number, MET) for area in areas}
    if overall is None:
        not_met = sum(1 for value in area_results.values() if value != MET)
        overall = MET if not not_met else (NOT_MET if not_met * 2 > len(areas) else PARTIAL)
    outcome = Outcome.objects.create(
        attempt=attempt,
        version=version,
        rule_set=rule_set(attempt.framework),
        result=overall,
        reference=f"NAAS-2026-{next(_references):06d}-{attempt.pk}-{version}",
        published_at=timezone.now() if published else None,
    )
    AreaOutcome.objects.bulk_create(
        [
            AreaOutcome(
                outcome=outcome,
                area=area,
                result=area_results[area.number],
                carried_forward=area.number in carried,
            )
            for area in areas
        ]
    )
    return outcome


def write_feedback(attempt, by, texts: dict, suggestions: dict | None = None):
    suggestions = suggestions or {}
    for area in attempt.framework.areas.filter(number__in=set(texts) | set(suggestions)):
        AreaFeedback.objects.update_or_create(
            attempt=attempt,
            area=area,
            defaults={
                "feedback": texts.get(area.number, ""),
                "development_suggestions": suggestions.get(area.number, ""),
                "written_by": by,
            },
        )


def publish(outcome) -> Outcome:
    """What the publishing service does: in one transaction, publish and send the signal."""
    with transaction.atomic():
        Outcome.objects.filter(pk=outcome.pk).update(published_at=timezone.now())
        Attempt.objects.filter(pk=outcome.attempt_id).update(state=AttemptState.OUTCOME_PUBLISHED)
        outcome.refresh_from_db()
        outcome_published.send(sender=Outcome, outcome=outcome)
    return outcome


def published_result(results=None, *, worker=None, feedback=None, suggestions=None):
    """A worker with a moderated attempt, its feedback, and a published outcome."""
    attempt = make_attempt(worker)
    assessor = first_marker(attempt)
    outcome = make_outcome(attempt, results)
    texts = (
        feedback
        if feedback is not None
        else {
            number: f"Feedback for area {number}"
            for number, r in (results or {}).items()
            if r != MET
        }
    )
    write_feedback(attempt, assessor, texts, suggestions)
    return publish(outcome), assessor
