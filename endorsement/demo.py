"""Demo data for endorsement: every Leeds role has something to do.

- The supervisor (supervisor@demo.naas.test) has supervisees in every state: not started,
  waiting for consent, feedback still to consider, ready to sign off, returned by the LA lead,
  signed off, endorsed, declined, withdrawn and lapsed; and some who have not yet reached
  Leeds's minimum tenure.
- The LA lead (lead@demo.naas.test) has sign-offs waiting in "Endorsements to confirm".
- The worker (worker@demo.naas.test) has a draft endorsement waiting for her consent, with
  supervision and considered feedback already recorded, so the whole journey can be tried:
  worker consents → supervisor signs off → LA lead confirms → worker sees "Endorsed".
- Several Leeds workers end ENDORSED and unused, so an assessment can be booked for them.

Everything is made through the services (so the audit trail is real) with notifications off.
Running the seed again changes nothing: a worker with any endorsement evidence is skipped.
"""

from datetime import date, timedelta

from django.utils import timezone

from naas.dates import months_reached
from naas.models import SocialWorker

from .models import Endorsement, FeedbackSource, Readiness
from .selectors import current_framework_areas
from .services import (
    endorsement_confirm,
    endorsement_decline,
    endorsement_lapse,
    endorsement_record_consent,
    endorsement_return,
    endorsement_sign_off,
    endorsement_start,
    endorsement_withdraw,
    service_user_feedback_mark_considered,
    service_user_feedback_record,
    supervision_session_record,
)

# In priority order: if Leeds has fewer eligible workers, the later scenarios are left out.
SCENARIOS = [
    "endorsed",
    "endorsed",
    "endorsed",
    "endorsed",
    "signed_off",
    "signed_off",
    "signed_off",
    "ready",
    "ready",
    "returned",
    "feedback_to_consider",
    "awaiting_consent",
    "declined",
    "withdrawn",
    "lapsed",
]
STATEMENT = (
    "In supervision we reviewed their direct work, assessments and analysis against every "
    "area. Feedback from families was positive and we agreed they are ready."
)
REFLECTIONS = [
    "We reflected on a recent child and family assessment: how the analysis drew on the "
    "child's own words and how the plan was reviewed with the family.",
    "We discussed working with a parent's substance misuse and how decisions were recorded "
    "and shared with partner agencies.",
]
FEEDBACK = [
    (
        FeedbackSource.PARENT_CARER,
        "The parent said the worker listened, explained each step "
        "of the plan and kept every promise about visits.",
    ),
    (
        FeedbackSource.CHILD,
        "The young person said the worker was easy to talk to and "
        "explained what would happen next.",
    ),
]


def seed(accounts: dict, today: date) -> None:
    supervisor = accounts["supervisor"]
    lead = accounts["la_lead"]
    demo_worker = SocialWorker.objects.select_related("user", "local_authority").get(
        user=accounts["social_worker"]
    )
    leeds = demo_worker.local_authority
    workers = list(
        SocialWorker.objects.filter(supervisor=supervisor, local_authority=leeds)
        .exclude(pk=demo_worker.pk)
        .select_related("user", "local_authority")
        .order_by("registration_number")
    )
    eligible = [
        w
        for w in workers
        if months_reached(w.employed_since, leeds.min_tenure_months, on=today)
        and w.employment_type == "permanent"
    ]
    too_new = [
        w
        for w in workers
        if not months_reached(w.employed_since, leeds.min_tenure_months, on=today)
    ]

    if _untouched(demo_worker):
        _evidence(demo_worker, supervisor, today, sessions=2, considered=True)
        endorsement_start(worker=demo_worker, level=demo_worker.job_level, actor=supervisor)

    for worker, scenario in zip(eligible, SCENARIOS, strict=False):
        if _untouched(worker):
            _play(scenario, worker, supervisor, lead, today)

    for worker in too_new[:2]:
        if _untouched(worker):
            _evidence(worker, supervisor, today, sessions=1, considered=False)


def _untouched(worker: SocialWorker) -> bool:
    return not (
        Endorsement.objects.filter(worker=worker).exists()
        or worker.supervision_sessions.exists()
        or worker.service_user_feedback.exists()
    )


def _evidence(worker, supervisor, today, *, sessions: int, considered: bool) -> None:
    areas = current_framework_areas(worker.job_level)
    views = [Readiness.READY, Readiness.READY, Readiness.DEVELOPING]
    for n in range(sessions):
        held_on = today - timedelta(days=70 - 30 * n)
        chosen = areas[n * 4 : n * 4 + 5] or areas[:5]
        supervision_session_record(
            worker=worker,
            actor=supervisor,
            held_on=held_on,
            reflection=REFLECTIONS[n % len(REFLECTIONS)],
            area_views={area.pk: views[i % len(views)] for i, area in enumerate(chosen)},
            today=today,
        )
    source, summary = FEEDBACK[worker.pk % len(FEEDBACK)]
    feedback = service_user_feedback_record(
        worker=worker,
        actor=supervisor,
        received_on=today - timedelta(days=45),
        source_type=source,
        summary=summary,
        today=today,
    )
    if considered:
        service_user_feedback_mark_considered(
            feedback=feedback,
            actor=supervisor,
            considered_on=today - timedelta(days=40),
            today=today,
        )


def _play(scenario: str, worker, supervisor, lead, today) -> None:
    _evidence(worker, supervisor, today, sessions=2, considered=scenario != "feedback_to_consider")
    endorsement = endorsement_start(worker=worker, level=worker.job_level, actor=supervisor)
    if scenario == "awaiting_consent":
        return
    endorsement = endorsement_record_consent(endorsement=endorsement, actor=worker.user)
    if scenario in ("ready", "feedback_to_consider"):
        return
    if scenario == "withdrawn":
        endorsement_withdraw(
            endorsement=endorsement, actor=worker.user, reason="I would like to wait a year."
        )
        return
    endorsement = endorsement_sign_off(
        endorsement=endorsement, actor=supervisor, statement=STATEMENT, today=today, notify=False
    )
    if scenario == "signed_off":
        return
    if scenario == "returned":
        endorsement_return(
            endorsement=endorsement,
            actor=lead,
            reason="Please say more about how the family's feedback informed your judgement.",
        )
        return
    if scenario == "declined":
        endorsement_decline(
            endorsement=endorsement,
            actor=lead,
            reason="Not ready yet: we agreed more supervised practice in child development.",
        )
        return
    endorsement = endorsement_confirm(
        endorsement=endorsement, actor=lead, today=today, notify=False
    )
    if scenario == "lapsed":
        Endorsement.objects.filter(pk=endorsement.pk).update(
            valid_until=today - timedelta(days=1),
            endorsed_at=timezone.now() - timedelta(days=400),
        )
        endorsement_lapse(endorsement=endorsement, today=today)
