"""Reads for the results pages, letters and the public accreditation check, each with a fixed
number of queries however much history a worker has."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from assessment import rules as assessment_rules
from assessment.models import AreaOutcome, Attempt, Outcome, OutcomeResult
from naas.models import DocumentState, KSSArea, SocialWorker

from . import rules
from .models import (
    Accreditation,
    AreaFeedback,
    Certificate,
    Letter,
    SupportAction,
    SupportPlan,
    SupportRequest,
)


def fast_track_deadline(outcome: Outcome) -> date | None:
    """The last day to book a fast-track retake (None if the outcome offers none). The
    assessment app owns the rule and enforces it when the retake is booked."""
    return assessment_rules.fast_track_deadline(outcome)


def review_deadline(outcome: Outcome) -> date | None:
    """The last day to ask for a review. The assessment app owns the rule (working days,
    England bank holidays) and enforces it when the review is asked for."""
    return assessment_rules.review_deadline(outcome)


def _published_of(worker: SocialWorker) -> QuerySet[Outcome]:
    return Outcome.objects.filter(attempt__worker=worker, published_at__isnull=False).order_by(
        "-published_at", "-version", "-id"
    )


def published_outcomes(worker: SocialWorker) -> QuerySet[Outcome]:
    return _published_of(worker).select_related(
        "attempt", "attempt__parent", "attempt__sitting", "attempt__framework"
    )


def current_outcome(worker: SocialWorker) -> Outcome | None:
    """The worker's latest published outcome that no review has replaced."""
    return published_outcomes(worker).filter(superseded_at__isnull=True).first()


@dataclass
class AreaRow:
    area: KSSArea
    result: str
    result_label: str
    carried_forward: bool
    feedback: str = ""
    development_suggestions: str = ""


def _attempt_chains(attempts) -> dict[int, list[int]]:
    """Each attempt with the attempts it retakes, nearest first: one query per generation of
    retakes, however many attempts are asked about."""
    parent_of = {attempt.pk: attempt.parent_id for attempt in attempts}
    missing = {p for p in parent_of.values() if p and p not in parent_of}
    while missing:
        found = dict(Attempt.objects.filter(pk__in=missing).values_list("pk", "parent_id"))
        parent_of.update(found)
        missing = {p for p in found.values() if p and p not in parent_of}
    chains = {}
    for attempt in attempts:
        ids, parent_id = [attempt.pk], attempt.parent_id
        while parent_id and parent_id not in ids:
            ids.append(parent_id)
            parent_id = parent_of.get(parent_id)
        chains[attempt.pk] = ids
    return chains


def area_rows(outcome: Outcome) -> list[AreaRow]:
    """Each area's result with its feedback. A carried-forward area of a fast-track retake
    keeps the feedback written at the attempt where it was met."""
    return area_rows_by_outcome([outcome])[outcome.pk]


def area_rows_by_outcome(outcomes) -> dict[int, list[AreaRow]]:
    """area_rows for many outcomes in a fixed number of queries (the publishing page's
    pre-publish check reads every confirmed outcome)."""
    outcomes = list(outcomes)
    chains = _attempt_chains([outcome.attempt for outcome in outcomes])
    written: dict[tuple[int, int], AreaFeedback] = {}
    in_any_chain = {pk for chain in chains.values() for pk in chain}
    # order_by(): kept by key, so the model's ordering by area number (a join) is not needed.
    for item in AreaFeedback.objects.filter(attempt_id__in=in_any_chain).order_by():
        written[item.attempt_id, item.area_id] = item
    rows: dict[int, list[AreaRow]] = {outcome.pk: [] for outcome in outcomes}
    chain_of = {outcome.pk: chains[outcome.attempt_id] for outcome in outcomes}
    # Each outcome's areas by number. Not the model's ordering: its "outcome" first expands to
    # the outcome's own ordering, which joins the outcomes and attempts tables only to sort.
    area_outcomes = (
        AreaOutcome.objects.filter(outcome__in=outcomes)
        .select_related("area")
        .order_by("outcome_id", "area__number")
    )
    for area_outcome in area_outcomes:
        # the nearest attempt in the chain with feedback for the area
        found = next(
            (
                written[pk, area_outcome.area_id]
                for pk in chain_of[area_outcome.outcome_id]
                if (pk, area_outcome.area_id) in written
            ),
            None,
        )
        rows[area_outcome.outcome_id].append(
            AreaRow(
                area=area_outcome.area,
                result=area_outcome.result,
                result_label=area_outcome.get_result_display(),
                carried_forward=area_outcome.carried_forward,
                feedback=found.feedback if found else "",
                development_suggestions=found.development_suggestions if found else "",
            )
        )
    return rows


def areas_not_met(outcome: Outcome) -> list[KSSArea]:
    return [
        row.area
        for row in AreaOutcome.objects.filter(outcome=outcome)
        .exclude(result=OutcomeResult.MET)
        .select_related("area")
    ]


def attempt_areas(attempt: Attempt) -> list[KSSArea]:
    areas = list(attempt.areas.order_by("number"))
    return areas or list(attempt.framework.areas.order_by("number"))


def draft_outcome(attempt: Attempt) -> Outcome | None:
    """The attempt's current outcome version (published or not)."""
    return attempt.outcomes.filter(superseded_at__isnull=True).order_by("-version").first()


@dataclass
class Results:
    worker: SocialWorker
    current: Outcome | None
    areas: list[AreaRow]
    history: list[Outcome]
    letters: list[Letter]
    accreditation: Accreditation | None
    certificate: Certificate | None
    plan: SupportPlan | None
    fast_track_until: date | None = None
    review_until: date | None = None
    pending_letters: int = 0
    notes: list[str] = field(default_factory=list)
    support_requests: list[SupportRequest] = field(default_factory=list)


def needs_plan(outcome: Outcome | None) -> bool:
    """Whether the results pages show a support plan (and the requests for one): a current
    outcome with areas not met."""
    return outcome is not None and outcome.result != OutcomeResult.MET


def worker_results(worker: SocialWorker) -> Results:
    """What the results pages show, in a fixed number of queries for a given result: the
    support plan and requests are read only when the page shows them (`needs_plan`), and the
    history joins only what the page reads of each outcome (its attempt and letter)."""
    history = list(_published_of(worker).select_related("attempt", "letter"))
    current = next((o for o in history if o.superseded_at is None), None)
    letters = [o.letter for o in history if hasattr(o, "letter")]
    accreditation = (
        Accreditation.objects.filter(worker=worker, withdrawn_at__isnull=True)
        .select_related("certificate", "outcome", "credential")
        .first()
    )
    plan, support_requests = None, []
    if needs_plan(current):
        plan = (
            SupportPlan.objects.filter(outcome=current)
            .prefetch_related(
                Prefetch("actions", queryset=SupportAction.objects.select_related("area"))
            )
            .first()
        )
        support_requests = support_requests_for(current)
    return Results(
        worker=worker,
        current=current,
        areas=area_rows(current) if current else [],
        history=history,
        letters=letters,
        accreditation=accreditation,
        certificate=getattr(accreditation, "certificate", None) if accreditation else None,
        plan=plan,
        fast_track_until=fast_track_deadline(current) if current else None,
        review_until=review_deadline(current) if current else None,
        pending_letters=sum(1 for letter in letters if letter.state != DocumentState.READY),
        support_requests=support_requests,
    )


def support_requests_for(outcome: Outcome) -> list[SupportRequest]:
    """The worker's requests for support with this outcome, newest first, in two queries."""
    return list(
        SupportRequest.objects.filter(outcome=outcome)
        .select_related("sent_to")
        .prefetch_related(Prefetch("areas", queryset=KSSArea.objects.order_by("number")))
    )


def workers_with_results(worker_ids: QuerySet) -> QuerySet[SocialWorker]:
    """Workers (from a queryset of ids), each annotated with `current_result`: the result of
    their current published outcome, or None. One query however many workers, so the list can be
    searched, filtered, sorted and paged in SQL (feedback/lists.py)."""
    current = Outcome.objects.filter(
        attempt__worker=OuterRef("pk"), published_at__isnull=False, superseded_at__isnull=True
    ).order_by("-published_at")
    return (
        SocialWorker.objects.filter(pk__in=worker_ids)
        .select_related("user", "local_authority")
        .annotate(current_result=Subquery(current.values("result")[:1]))
    )


def documents_needing_attention() -> list[tuple[str, object]]:
    """Letters and certificates that are not ready yet or failed, oldest first."""
    waiting = [DocumentState.PENDING, DocumentState.RUNNING, DocumentState.FAILED]
    rows: list[tuple[str, object]] = [
        ("letter", letter)
        for letter in Letter.objects.filter(state__in=waiting).select_related("outcome")
    ]
    rows += [
        ("certificate", certificate)
        for certificate in Certificate.objects.filter(state__in=waiting).select_related(
            "accreditation"
        )
    ]
    rows.sort(key=lambda row: row[1].requested_at)
    return rows


def accreditation_is_valid(
    *, registration_number: str, reference: str, on: date | None = None
) -> bool:
    """Whether a current accreditation with this reference belongs to this registration number
    and is still in date on the day `on` (today by default): the certificate's "valid until"
    is the same rule (feedback.rules)."""
    accredited_on = (
        Accreditation.objects.filter(
            reference=reference.strip().upper(),
            worker__registration_number=registration_number.strip().upper(),
            withdrawn_at__isnull=True,
        )
        .values_list("accredited_on", flat=True)
        .first()
    )
    return accredited_on is not None and rules.accreditation_in_date(
        accredited_on, on=on or timezone.localdate()
    )


def worker_holds_accreditation(worker: SocialWorker, level: str) -> bool:
    return Accreditation.objects.filter(
        worker=worker, level=level, withdrawn_at__isnull=True
    ).exists()
