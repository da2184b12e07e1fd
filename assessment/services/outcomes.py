"""Writes for outcomes: outcome rule sets, computing, confirming and publishing outcomes."""

from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from naas.models import KSSFramework
from naas.services import audit_event_record
from naas.transitions import transition_apply

from .. import policies, signals
from ..audit import AssessmentAction
from ..models import (
    AreaOutcome,
    Attempt,
    AttemptState,
    Outcome,
    OutcomeRuleSet,
)
from ..outcome_rules import (
    AreaEvidence,
    RuleParameters,
    area_result,
    merge_retake,
    observation_mean,
    overall_result,
)
from ..selectors.marking import final_marks, knowledge_by_area
from ..selectors.outcomes import current_outcome
from .common import AssessmentError, lock_attempt, refused


def rule_set_current(framework: KSSFramework) -> OutcomeRuleSet:
    """The newest rule set version for a framework, for a write that must record it. Version 1
    comes from a data migration; a framework loaded later gets it here, inside the write."""
    latest = OutcomeRuleSet.objects.filter(framework=framework).order_by("-version").first()
    if latest is not None:
        return latest
    rule_set, _ = OutcomeRuleSet.objects.get_or_create(
        framework=framework,
        version=1,
        defaults={"parameters": RuleParameters().to_json(), "notes": "Default rules"},
    )
    return rule_set


@transaction.atomic
def rule_set_create(
    *, framework: KSSFramework, parameters: RuleParameters, notes: str, actor
) -> OutcomeRuleSet:
    """Make a new version of a framework's outcome rules. Earlier versions never change, and
    every outcome keeps the version that produced it."""
    if not policies.can_manage_rules(actor):
        raise PermissionDenied("Only assessment administrators can change the outcome rules")
    problems = []
    if not 1 <= parameters.observation_threshold <= 4:
        problems.append("The observation threshold must be between 1 and 4")
    if not 0 <= parameters.knowledge_cut_percent <= 100:
        problems.append("The knowledge-test cut must be between 0% and 100%")
    if not 0 < parameters.partially_met_fraction <= 1:
        problems.append("The share of areas for partially met must be more than 0 and at most 1")
    if problems:
        raise AssessmentError(*problems)
    rule_set_current(framework)
    latest = (
        OutcomeRuleSet.objects.select_for_update()
        .filter(framework=framework)
        .order_by("-version")
        .first()
    )
    rule_set = OutcomeRuleSet.objects.create(
        framework=framework,
        version=latest.version + 1,
        parameters=parameters.to_json(),
        notes=notes.strip(),
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        subject=rule_set,
        action=AssessmentAction.RULE_SET_CREATED,
        detail={"framework": framework.pk, "version": rule_set.version, **rule_set.parameters},
    )
    return rule_set


def outcome_compute(
    *, attempt: Attempt, actor, rule_set: OutcomeRuleSet | None = None, correction: bool = False
) -> Outcome:
    """Turn the final marks and the knowledge test into a new outcome version (not yet
    confirmed). A retake's areas are merged with the earlier attempt's met areas. Call inside
    the transaction that locked the attempt. A `correction` of the evidence (an item withdrawn
    from scoring) may replace a published outcome, under the `rule_set` that outcome used:
    the rules did not change, the evidence did."""
    rule_set = rule_set or rule_set_current(attempt.framework)
    rules = RuleParameters.from_json(rule_set.parameters)
    marks = final_marks(attempt)
    knowledge = knowledge_by_area(attempt)
    areas = list(attempt.areas.order_by("number"))
    rows = []
    for area in areas:
        mark = marks.get(area.pk)
        mean = observation_mean(mark.task_marks() if mark else [])
        judged = area_result(AreaEvidence(area.number, mean, knowledge.get(area.pk)), rules)
        rows.append(
            AreaOutcome(
                area=area,
                result=judged.result,
                observation_mean=_two_places(mean),
                knowledge_percent=_two_places(knowledge.get(area.pk)),
                explanation=judged.explanation,
            )
        )
    results = {row.area.number: row.result for row in rows}
    if attempt.parent_id:
        earlier_outcome = current_outcome(attempt.parent)
        earlier_rows = list(earlier_outcome.area_outcomes.select_related("area"))
        merged = merge_retake({r.area.number: r.result for r in earlier_rows}, results)
        for row in earlier_rows:
            if row.area.number not in results:
                rows.append(
                    AreaOutcome(
                        area=row.area,
                        result=row.result,
                        observation_mean=row.observation_mean,
                        knowledge_percent=row.knowledge_percent,
                        explanation=f"Met at the earlier attempt (outcome {earlier_outcome.reference}); "
                        "carried forward. " + row.explanation,
                        carried_forward=True,
                    )
                )
        results = merged
    overall = overall_result(list(results.values()), rules)
    now = timezone.now()
    previous = attempt.outcomes.select_for_update().filter(superseded_at__isnull=True).first()
    version = (attempt.outcomes.aggregate(v=Max("version"))["v"] or 0) + 1
    if previous is not None:
        if previous.is_published and attempt.state != AttemptState.UNDER_REVIEW and not correction:
            raise AssessmentError("A published outcome cannot be changed")
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
        audit_event_record(
            actor=actor,
            subject=previous,
            action=AssessmentAction.OUTCOME_SUPERSEDED,
            detail={"by_version": version},
        )
    outcome = Outcome.objects.create(
        attempt=attempt,
        version=version,
        rule_set=rule_set,
        result=overall,
        reference=f"NAAS-{attempt.pk:06d}-{version}",
    )
    for row in rows:
        row.outcome = outcome
    AreaOutcome.objects.bulk_create(sorted(rows, key=lambda r: r.area.number))
    audit_event_record(
        actor=actor,
        subject=outcome,
        action=AssessmentAction.OUTCOME_COMPUTED,
        detail={
            "attempt": attempt.pk,
            "version": version,
            "rule_set": rule_set.pk,
            "rule_version": rule_set.version,
            "result": overall,
        },
    )
    return outcome


def _two_places(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _outcome_to_confirm(outcome: Outcome, actor) -> Outcome:
    """Lock the outcome and check it may be confirmed by `actor` now."""
    locked = (
        Outcome.objects.select_for_update().select_related("attempt__worker").get(pk=outcome.pk)
    )
    if not policies.can_confirm_outcome(actor, locked):
        raise PermissionDenied(
            "Only a moderator or an administrator without a conflict of interest in the "
            "candidate can confirm this outcome"
        )
    if locked.is_published:
        raise AssessmentError("This outcome has been published, so it cannot be changed")
    if locked.superseded_at is not None:
        raise AssessmentError("A newer version of this outcome has replaced it")
    if locked.confirmed_at is not None:
        raise AssessmentError("This outcome has already been confirmed")
    return locked


def _confirmed(locked: Outcome, actor) -> Outcome:
    locked.confirmed_by = actor
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_event_record(actor=actor, subject=locked, action=AssessmentAction.OUTCOME_CONFIRMED)
    return locked


@transaction.atomic
def outcome_confirm(*, outcome: Outcome, actor) -> Outcome:
    """A moderator or administrator confirms a computed outcome, ready to publish. Refused
    while a later app's pre-publish check finds something missing (feedback for an area not
    met): the same checks, in signals.publication_problems, that publishing asks."""
    locked = _outcome_to_confirm(outcome, actor)
    problems = signals.publication_problems(locked)
    if problems:
        raise AssessmentError(*problems)
    return _confirmed(locked, actor)


@transaction.atomic
def outcome_confirm_after_correction(*, outcome: Outcome, actor) -> Outcome:
    """A corrected version of a published outcome is confirmed by the correction itself, even
    when it now needs feedback: it then waits, confirmed, on the publish page, which links to
    what is missing (services.outcome_versions)."""
    return _confirmed(_outcome_to_confirm(outcome, actor), actor)


def publication_problems_by_outcome(outcomes) -> dict[int, list[str]]:
    """Each outcome's reasons it cannot be published now (an empty list when it can). Each
    reason is a signals.PublicationProblem: its `fix_url` is the page that fixes it."""
    return signals.publication_problems_by_outcome(outcomes)


@transaction.atomic
def outcomes_publish(*, outcome_ids: list[int], actor) -> list[Outcome]:
    """Publish the chosen confirmed outcomes that nothing holds back, and return them. Each
    attempt moves to outcome_published, with its audit events, and `signals.outcome_published`
    is sent inside this transaction. An outcome a later app's pre-publish check refuses
    (feedback missing) is left as it is, without holding back the others; outcomes already
    published (a double click, another administrator) are skipped. When none is left to
    publish, nothing happens and the reasons are raised."""
    if not policies.can_publish_outcomes(actor):
        raise PermissionDenied("Only assessment administrators can publish outcomes")
    locked = list(
        Outcome.objects.select_for_update(of=("self",))
        .filter(pk__in=outcome_ids)
        .select_related("attempt__worker")
        .order_by("pk")
    )
    confirmed = [
        o
        for o in locked
        if o.published_at is None and o.superseded_at is None and o.confirmed_at is not None
    ]
    if not confirmed:
        raise AssessmentError("These outcomes have already been published, or are not confirmed")
    if not all(policies.can_publish_outcome(actor, outcome) for outcome in confirmed):
        raise PermissionDenied("You have a conflict of interest in one of these candidates")
    problems = publication_problems_by_outcome(confirmed)
    ready = [outcome for outcome in confirmed if not problems[outcome.pk]]
    if not ready:
        raise AssessmentError(
            *(
                signals.PublicationProblem(f"{outcome.reference}: {problem}", problem.fix_url)
                for outcome in confirmed
                for problem in problems[outcome.pk]
            )
        )
    now = timezone.now()
    for outcome in ready:
        _publish(outcome, actor, now)
    return ready


def _publish(outcome: Outcome, actor, now) -> None:
    attempt = lock_attempt(outcome.attempt)
    superseded = list(
        attempt.outcomes.filter(published_at__isnull=False, superseded_at__isnull=False)
    )
    # A corrected version of an outcome already published leaves the attempt where it is.
    if attempt.state != AttemptState.OUTCOME_PUBLISHED:
        transition_apply(
            attempt,
            "publish_outcome",
            actor=actor,
            action=AssessmentAction.ATTEMPT_OUTCOME_PUBLISHED,
            refuse=refused(),
        )
    outcome.attempt = attempt
    outcome.published_at = now
    outcome.save(update_fields=["published_at"])
    audit_event_record(
        actor=actor,
        subject=outcome,
        action=AssessmentAction.OUTCOME_PUBLISHED,
        detail={
            "result": outcome.result,
            "replaces": [o.reference for o in superseded],
        },
    )
    signals.outcome_published.send(sender=Outcome, outcome=outcome)
