"""Reads of endorsements and their evidence, shaped so each page's query count stays constant."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from naas.models import EmploymentType, KSSArea, KSSFramework, Role, SocialWorker, User
from naas.policies import can_supervise, la_ids_where

from .eligibility import Evidence, Problem, Rule, eligibility_problems, problems_for, unmet_rules
from .models import (
    OPEN_STATES,
    Endorsement,
    EndorsementState,
    ServiceUserFeedback,
    SupervisionAreaView,
    SupervisionSession,
)


def endorsements_bookable() -> QuerySet[Endorsement]:
    """Endorsed, not lapsed, and not yet used by a booking."""
    today = timezone.localdate()
    return Endorsement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        state=EndorsementState.ENDORSED,
        used_at__isnull=True,
    )


def endorsement_bookable_for(worker, level: str) -> Endorsement | None:
    return endorsements_bookable().filter(worker=worker, level=level).first()


# --- The accreditation hook -------------------------------------------------------------------
# Endorsement sits below assessment, so it cannot ask about accreditations itself. The app that
# owns accreditations registers a check here (from its AppConfig.ready()):
#
#     from endorsement.selectors import register_accreditation_check
#     register_accreditation_check(lambda worker, level: <holds a current accreditation>)
#
# Until one is registered, nobody holds a current accreditation.

AccreditationCheck = Callable[[SocialWorker, str], bool]
_accreditation_checks: list[AccreditationCheck] = []


def register_accreditation_check(check: AccreditationCheck) -> None:
    if check not in _accreditation_checks:
        _accreditation_checks.append(check)


def worker_has_current_accreditation(worker: SocialWorker, level: str) -> bool:
    """Whether the worker already holds a current accreditation at `level`."""
    return any(check(worker, level) for check in _accreditation_checks)


# --- Evidence and eligibility -----------------------------------------------------------------


def worker_evidence(worker: SocialWorker, *, today: date) -> Evidence:
    sessions = SupervisionSession.objects.filter(worker=worker, held_on__lte=today).count()
    latest = ServiceUserFeedback.objects.filter(
        worker=worker, considered_on__isnull=False, considered_on__lte=today
    ).aggregate(latest=Max("considered_on"))["latest"]
    return Evidence(supervision_sessions=sessions, latest_feedback_considered_on=latest)


def other_open_endorsement_exists(endorsement: Endorsement) -> bool:
    return (
        Endorsement.objects.filter(
            worker_id=endorsement.worker_id, level=endorsement.level, state__in=OPEN_STATES
        )
        .exclude(pk=endorsement.pk)
        .exists()
    )


def endorsement_problems(
    endorsement: Endorsement, *, signer: User | None, today: date
) -> list[Problem]:
    """What stops this endorsement being signed off (or confirmed) today. With `signer`
    None, the rule that the signer supervises the worker is not asked (confirmation)."""
    worker = endorsement.worker
    return eligibility_problems(
        worker=worker,
        level=endorsement.level,
        consent_recorded=endorsement.has_consent,
        evidence=worker_evidence(worker, today=today),
        today=today,
        signer_supervises=signer is None or can_supervise(signer, worker),
        has_other_open_endorsement=other_open_endorsement_exists(endorsement),
        has_current_accreditation=worker_has_current_accreditation(worker, endorsement.level),
    )


def _stage(endorsement: Endorsement) -> int:
    """How far an open endorsement still has to go: a draft (waiting for consent or sign-off)
    first, then one signed off, then one endorsed and unbooked, then one already booked."""
    if endorsement.state == EndorsementState.DRAFT:
        return 0
    if endorsement.state == EndorsementState.SIGNED_OFF:
        return 1
    return 2 if endorsement.used_at is None else 3


def current_first(endorsements, job_level: str) -> list[Endorsement]:
    """The open endorsements, the current one first: the one still furthest from an assessment
    (a draft waiting for the worker's consent is what she acts on), then the worker's role
    level, then the newest. Every page that shows "the" endorsement asks this."""
    open_ones = [e for e in endorsements if e.is_open]
    return sorted(
        open_ones, key=lambda e: (_stage(e), e.level != job_level, -e.created_at.timestamp(), -e.pk)
    )


def current_endorsement(endorsements, job_level: str) -> Endorsement | None:
    ordered = current_first(endorsements, job_level)
    return ordered[0] if ordered else None


class SuperviseeRow:
    """One supervisee on the supervisor's list. The list is searched, filtered, sorted and paged
    on what every row has (name, LA); building the worker objects and messages for all of a
    large LA's supervisees took most of the page's time, so the rows shown get them
    (`show_supervisees`), and a row works out its endorsement and the rules it does not yet meet
    only when asked (by the status and "what is missing" filters, the status sort, the page)."""

    def __init__(self, facts: dict, endorsements: list[Endorsement], today: date):
        self.worker_id: int = facts["pk"]
        self.name: str = facts["user__full_name"]
        self.la_id: int = facts["local_authority_id"]
        self.la_name: str = facts["local_authority__name"]
        self.worker: SocialWorker | None = None  # the rows shown only
        self.problems: list[Problem] = []  # the rows shown only
        self._facts, self._endorsements, self._today = facts, endorsements, today

    @cached_property
    def _open(self) -> list[Endorsement]:
        return current_first(self._endorsements, self._facts["job_level"])

    @property
    def endorsement(self) -> Endorsement | None:
        """The current open endorsement."""
        return self._open[0] if self._open else None

    @property
    def latest(self) -> Endorsement | None:
        """The newest endorsement of any state."""
        return self._endorsements[0] if self._endorsements else None

    @property
    def level(self) -> str:
        """The level the rules are asked for: the open endorsement's, else the role's."""
        return self.endorsement.level if self.endorsement else self._facts["job_level"]

    @cached_property
    def rules(self) -> list[Rule]:
        """The rules not yet met, in order; NOT_STARTED first when nothing is open."""
        facts, endorsement, level = self._facts, self.endorsement, self.level
        rules = unmet_rules(
            level=level,
            job_level=facts["job_level"],
            employed_since=facts["employed_since"],
            min_tenure_months=facts["local_authority__min_tenure_months"],
            is_agency=facts["employment_type"] == EmploymentType.AGENCY,
            la_endorses_agency=facts["local_authority__endorses_agency_workers"],
            consent_recorded=bool(endorsement and endorsement.has_consent),
            evidence=Evidence(facts["session_count"], facts["latest_considered"]),
            today=self._today,
            has_other_open_endorsement=sum(e.level == level for e in self._open) > 1,
        )
        if endorsement is None:
            rules.insert(0, Rule.NOT_STARTED)
        return rules

    @property
    def shown(self) -> Endorsement | None:
        """The endorsement whose state the list shows: the open one, else the latest closed."""
        return self.endorsement or self.latest

    @property
    def status_key(self) -> str:
        """What the list's status filter matches: "not_started", "ready" or the state shown."""
        if self.shown is None:
            return "not_started"
        if self.endorsement is not None and self.endorsement.state == EndorsementState.DRAFT:
            return "ready" if not self.rules else EndorsementState.DRAFT
        return self.shown.state

    @property
    def missing_rules(self) -> set[str]:
        return set(self.rules)

    @property
    def status_label(self) -> str:
        if self.endorsement is None:
            return self.latest.get_state_display() if self.latest else "Not started"
        if self.endorsement.state == EndorsementState.DRAFT and not self.rules:
            return "Ready to sign off"
        return self.endorsement.get_state_display()


def supervisee_summaries(user: User, *, today: date) -> list[SuperviseeRow]:
    """The user's supervisees in the LAs where they supervise, by name, each with their
    endorsements and what the rules ask: three queries whatever the count, and plain values
    rather than objects for the workers (see SuperviseeRow)."""
    la_ids = la_ids_where(user, Role.SUPERVISOR)
    workers = SocialWorker.objects.filter(supervisor=user, local_authority_id__in=la_ids)
    endorsements: dict[int, list[Endorsement]] = defaultdict(list)
    for endorsement in Endorsement.objects.filter(worker__in=workers.values("pk")).order_by(
        "-created_at", "-id"
    ):
        endorsements[endorsement.worker_id].append(endorsement)
    return [
        SuperviseeRow(facts, endorsements.get(facts["pk"], []), today)
        for facts in _supervisee_facts(workers, today)
    ]


def _supervisee_facts(workers: QuerySet[SocialWorker], today: date):
    """What the rules ask of each worker, as dicts; the evidence as subqueries (joining both
    the sessions and the feedback would multiply the rows before counting them)."""
    sessions = (
        SupervisionSession.objects.filter(worker=OuterRef("pk"), held_on__lte=today)
        .values("worker")
        .annotate(count=Count("pk"))
        .values("count")
    )
    considered = (
        ServiceUserFeedback.objects.filter(worker=OuterRef("pk"), considered_on__lte=today)
        .values("worker")
        .annotate(latest=Max("considered_on"))
        .values("latest")
    )
    return (
        workers.annotate(
            session_count=Coalesce(Subquery(sessions), 0), latest_considered=Subquery(considered)
        )
        .order_by("user__full_name", "pk")
        .values(
            "pk",
            "user__full_name",
            "local_authority_id",
            "local_authority__name",
            "local_authority__min_tenure_months",
            "local_authority__endorses_agency_workers",
            "job_level",
            "employment_type",
            "employed_since",
            "session_count",
            "latest_considered",
        )
    )


def show_supervisees(rows: list[SuperviseeRow]) -> list[SuperviseeRow]:
    """The rows to be shown, with their workers and the problems' messages: one query."""
    workers = SocialWorker.objects.select_related("user", "local_authority").in_bulk(
        [row.worker_id for row in rows]
    )
    for row in rows:
        row.worker = workers.get(row.worker_id)
        if row.worker is not None:
            row.problems = problems_for(row.rules, worker=row.worker, level=row.level)
    return [row for row in rows if row.worker is not None]  # one deleted since: not shown


def supervisees_with_readiness(user: User, *, today: date) -> list[SuperviseeRow]:
    """Every supervisee's row, each shown in full (four queries whatever the count)."""
    return show_supervisees(supervisee_summaries(user, today=today))


def open_endorsements_of(worker: SocialWorker) -> list[Endorsement]:
    """The worker's open endorsements, the current one first (see `current_first`)."""
    open_ones = Endorsement.objects.filter(worker=worker, state__in=OPEN_STATES).select_related(
        "signed_off_by", "endorsed_by"
    )
    return current_first(open_ones, worker.job_level)


def open_endorsement_of(worker: SocialWorker) -> Endorsement | None:
    """The worker's current open endorsement (see `current_first`)."""
    open_ones = open_endorsements_of(worker)
    return open_ones[0] if open_ones else None


def endorsements_of(worker: SocialWorker) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(worker=worker).order_by("-created_at", "-id")


def supervision_sessions_of(worker: SocialWorker) -> QuerySet[SupervisionSession]:
    return (
        SupervisionSession.objects.filter(worker=worker)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("area_views", queryset=SupervisionAreaView.objects.select_related("area"))
        )
        .order_by("-held_on", "-id")
    )


def feedback_of(worker: SocialWorker) -> QuerySet[ServiceUserFeedback]:
    return (
        ServiceUserFeedback.objects.filter(worker=worker)
        .select_related("considered_by")
        .order_by("-received_on", "-id")
    )


def current_framework_areas(level: str) -> list[KSSArea]:
    framework = KSSFramework.objects.filter(level=level, is_current=True).first()
    if framework is None:
        return []
    return list(framework.areas.order_by("number"))


@dataclass
class AreaReadiness:
    area: KSSArea
    view: SupervisionAreaView | None
    held_on: date | None


def area_readiness(worker: SocialWorker, level: str) -> list[AreaReadiness]:
    """For each area of the level's current framework, the latest readiness view agreed in
    supervision (or None if the area has not been discussed)."""
    areas = current_framework_areas(level)
    latest: dict[int, SupervisionAreaView] = {}
    views = (
        SupervisionAreaView.objects.filter(session__worker=worker, area__in=areas)
        .select_related("session")
        .order_by("session__held_on", "session_id")
    )
    for view in views:
        latest[view.area_id] = view  # later sessions overwrite earlier ones
    return [
        AreaReadiness(
            area=area,
            view=latest.get(area.pk),
            held_on=latest[area.pk].session.held_on if area.pk in latest else None,
        )
        for area in areas
    ]


# --- The LA lead's and the worker's views -----------------------------------------------------


def confirmation_queue_for(user: User) -> QuerySet[Endorsement]:
    """Sign-offs waiting for confirmation in the LAs the user leads, oldest first."""
    return (
        Endorsement.objects.filter(
            state=EndorsementState.SIGNED_OFF,
            worker__local_authority_id__in=la_ids_where(user, Role.LA_LEAD),
        )
        .select_related("worker__user", "worker__local_authority", "signed_off_by")
        .order_by("signed_off_at", "pk")
    )


def endorsements_visible_to_lead(user: User) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(
        worker__local_authority_id__in=la_ids_where(user, Role.LA_LEAD)
    ).select_related("worker__user", "worker__local_authority", "signed_off_by", "supervisor")


def endorsements_of_user(user: User) -> QuerySet[Endorsement]:
    """A worker's own endorsements, newest first."""
    return (
        Endorsement.objects.filter(worker__user=user)
        .select_related("worker__local_authority", "supervisor", "signed_off_by", "endorsed_by")
        .order_by("-created_at", "-id")
    )


def la_lead_users(local_authority_id: int) -> QuerySet[User]:
    return User.objects.filter(
        staff_roles__role=Role.LA_LEAD,
        staff_roles__local_authority_id=local_authority_id,
        is_active=True,
    ).distinct()
