"""Every write to endorsements and their evidence. Each transition is locked, checked,
saved and audited in one transaction; notifications go out only once it has committed.

A page that acts on an endorsement sends the `version` it showed. If the row has moved on
since (someone else acted, or the form was sent twice), the service refuses with
`EndorsementChanged` and nothing is saved.
"""

from datetime import date
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from naas.dates import add_months, govuk_date
from naas.models import SocialWorker, User
from naas.policies import can_lead_la, can_supervise
from naas.services import audit_event_record

from .audit import EndorsementAction
from .eligibility import Problem
from .models import (
    FEEDBACK_SUMMARY_MAX,
    REASON_MAX,
    STATEMENT_MAX,
    SUPERVISION_REFLECTION_MAX,
    Endorsement,
    EndorsementState,
    FeedbackSource,
    Readiness,
    ServiceUserFeedback,
    SupervisionAreaView,
    SupervisionSession,
)
from .selectors import (
    current_framework_areas,
    endorsement_problems,
    worker_has_current_accreditation,
)

DEFAULT_VALIDITY_MONTHS = 12


class EndorsementError(Exception):
    """A request the endorsement rules refuse; the message is shown to the user."""


class EndorsementChanged(EndorsementError):
    """The endorsement changed after the page acting on it was shown."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or "This endorsement has changed since you opened the page. Reload the page to see "
            "the latest version: nothing you sent has been saved."
        )


class EndorsementNotAllowed(EndorsementError):
    """The person acting may not do this to this endorsement or worker."""


class EndorsementNotEligible(EndorsementError):
    """Sign-off or confirmation refused by one or more eligibility rules."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def validity_months() -> int:
    """How long an endorsement stays usable after confirmation (setting, default 12)."""
    return int(getattr(settings, "NAAS_ENDORSEMENT_VALIDITY_MONTHS", DEFAULT_VALIDITY_MONTHS))


def validity_last_day(endorsed_on: date) -> date:
    """The last day an endorsement confirmed on `endorsed_on` (a date in England) can be used
    for a booking: `validity_months()` calendar months later. Stored as `valid_until` at
    confirmation; every page shows that stored day and `validity_ended` enforces it."""
    return add_months(endorsed_on, validity_months())


def validity_ended(valid_until: date | None, *, on: date) -> bool:
    """Whether an endorsement valid until `valid_until` (None: no end) has lapsed by the day
    `on`. The last day itself is still valid (the queries use `valid_until__lt=on` to match)."""
    return valid_until is not None and on > valid_until


# --- Helpers shared by the transitions ----------------------------------------------------------


def _lock(endorsement: Endorsement, expected_version: int | None) -> Endorsement:
    """Lock the row for this transaction and check it is the version the page showed."""
    locked = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("worker__user", "worker__local_authority")
        .get(pk=endorsement.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise EndorsementChanged()
    return locked


def _move(
    locked: Endorsement,
    transition_name: str,
    *,
    actor,
    action: str,
    refusal: str,
    reason: str = "",
    fields: dict | None = None,
) -> Endorsement:
    """Run one FSM transition on a locked row, save it and write its audit event."""
    from_state = locked.state
    try:
        getattr(locked, transition_name)()
    except TransitionNotAllowed as exc:
        raise EndorsementError(
            f"{refusal}: it is {locked.get_state_display().lower()}"
            + (" and already used for a booking" if locked.used_at else "")
        ) from exc
    for name, value in (fields or {}).items():
        setattr(locked, name, value)
    locked.version += 1
    try:
        locked.save()
    except ConcurrentTransition as exc:  # only if a row lock was bypassed
        raise EndorsementChanged() from exc
    _audit(
        locked,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=locked.state,
        reason=reason,
    )
    return locked


def _stamp(locked: Endorsement, *, actor, action: str, **fields) -> Endorsement:
    """Set fields the state machine does not own (consent, use by a booking) on a locked row,
    moving its version on so pages showing the old one are refused; save and audit it."""
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    _audit(locked, actor=actor, action=action)
    return locked


def _audit(endorsement: Endorsement, *, actor, action: str, **event) -> None:
    audit_event_record(
        actor=actor,
        subject=endorsement,
        action=action,
        detail={"level": endorsement.level, "version": endorsement.version},
        **event,
    )


def _notify_on_commit(endorsement: Endorsement, event: str) -> None:
    from .tasks import send_endorsement_notification

    transaction.on_commit(partial(send_endorsement_notification.delay, endorsement.pk, event))


def _check_text(text: str, *, limit: int, what: str, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise EndorsementError(f"Enter {what}")
    if len(text) > limit:
        raise EndorsementError(f"{what[0].upper()}{what[1:]} must be {limit} characters or fewer")
    return text


def _check_eligible(locked: Endorsement, *, signer: User | None, today: date) -> None:
    problems = endorsement_problems(locked, signer=signer, today=today)
    if problems:
        raise EndorsementNotEligible(problems)


def _check_not_future(day: date, *, what: str, today: date) -> None:
    if day > today:
        raise EndorsementError(f"{what} must be today or in the past")


# --- Endorsement transitions --------------------------------------------------------------------


@transaction.atomic
def endorsement_start(*, worker: SocialWorker, level: str, actor: User) -> Endorsement:
    """The supervisor starts a draft endorsement for their supervisee at a level."""
    worker = SocialWorker.objects.select_for_update().select_related("user").get(pk=worker.pk)
    if not can_supervise(actor, worker):
        raise EndorsementNotAllowed(f"Only {worker.full_name}'s supervisor can start this")
    if level != worker.job_level:
        raise EndorsementError(
            f"Choose the level that fits {worker.full_name}'s role "
            f"({worker.get_job_level_display().lower()})"
        )
    if worker_has_current_accreditation(worker, level):
        raise EndorsementError(
            f"{worker.full_name} already holds a current accreditation at this level"
        )
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(worker=worker, level=level, supervisor=actor)
    except IntegrityError as exc:
        raise EndorsementChanged(
            f"{worker.full_name} already has an open endorsement at this level: reload the page"
        ) from exc
    _audit(
        endorsement,
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_STARTED,
        to_state=endorsement.state,
    )
    return endorsement


@transaction.atomic
def endorsement_record_consent(
    *, endorsement: Endorsement, actor: User, expected_version: int | None = None
) -> Endorsement:
    """The worker agrees to be put forward (a joint decision with their supervisor)."""
    locked = _lock(endorsement, expected_version)
    if locked.worker.user_id != actor.pk:
        raise EndorsementNotAllowed("Only the worker can give their own consent")
    if locked.state != EndorsementState.DRAFT:
        raise EndorsementError(
            f"Consent can only be given to a draft endorsement: this one is "
            f"{locked.get_state_display().lower()}"
        )
    if locked.has_consent:
        raise EndorsementError("Your consent is already recorded")
    return _stamp(
        locked,
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_CONSENT_RECORDED,
        consent_recorded_at=timezone.now(),
    )


@transaction.atomic
def endorsement_sign_off(
    *,
    endorsement: Endorsement,
    actor: User,
    statement: str,
    expected_version: int | None = None,
    today: date | None = None,
    notify: bool = True,
) -> Endorsement:
    """The supervisor signs the worker off as ready, if every eligibility rule is met."""
    today = today or timezone.localdate()
    locked = _lock(endorsement, expected_version)
    if not can_supervise(actor, locked.worker):
        raise EndorsementNotAllowed(f"Only {locked.worker.full_name}'s supervisor can sign off")
    statement = _check_text(
        statement, limit=STATEMENT_MAX, what="why the worker is ready to be assessed"
    )
    if locked.state != EndorsementState.DRAFT:
        raise EndorsementError(
            f"Only a draft can be signed off: it is {locked.get_state_display().lower()}"
        )
    _check_eligible(locked, signer=actor, today=today)
    _move(
        locked,
        "sign_off",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_SIGNED_OFF,
        refusal="This endorsement cannot be signed off",
        fields={
            "signed_off_by": actor,
            "signed_off_at": timezone.now(),
            "supervisor_statement": statement,
            "last_reason": "",
        },
    )
    if notify:
        _notify_on_commit(locked, "signed_off")
    return locked


@transaction.atomic
def endorsement_return(
    *, endorsement: Endorsement, actor: User, reason: str, expected_version: int | None = None
) -> Endorsement:
    """The LA lead sends a sign-off back to the supervisor, with a reason."""
    locked = _lock(endorsement, expected_version)
    if not can_lead_la(actor, locked.worker.local_authority_id):
        raise EndorsementNotAllowed("Only the LA lead can return a sign-off")
    reason = _check_text(reason, limit=REASON_MAX, what="why you are returning it")
    return _move(
        locked,
        "return_to_draft",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_RETURNED,
        refusal="Only a sign-off can be returned",
        reason=reason,
        fields={"last_reason": reason, "signed_off_by": None, "signed_off_at": None},
    )


@transaction.atomic
def endorsement_confirm(
    *,
    endorsement: Endorsement,
    actor: User,
    expected_version: int | None = None,
    today: date | None = None,
    notify: bool = True,
) -> Endorsement:
    """The LA lead confirms the supervisor's sign-off for the employer. The worker's
    eligibility is checked again: things may have changed since the sign-off."""
    today = today or timezone.localdate()
    locked = _lock(endorsement, expected_version)
    if not can_lead_la(actor, locked.worker.local_authority_id):
        raise EndorsementNotAllowed("Only the LA lead can confirm an endorsement")
    if locked.state != EndorsementState.SIGNED_OFF:
        raise EndorsementError(
            "Only a sign-off can be confirmed: this endorsement is "
            f"{locked.get_state_display().lower()}"
        )
    _check_eligible(locked, signer=None, today=today)
    _move(
        locked,
        "confirm",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_CONFIRMED,
        refusal="Only a sign-off can be confirmed",
        fields={
            "endorsed_by": actor,
            "endorsed_at": timezone.now(),
            "valid_until": validity_last_day(today),
        },
    )
    if notify:
        _notify_on_commit(locked, "endorsed")
    return locked


@transaction.atomic
def endorsement_decline(
    *, endorsement: Endorsement, actor: User, reason: str, expected_version: int | None = None
) -> Endorsement:
    """The supervisor (of a draft) or the LA lead (of a sign-off) decides the worker is not
    ready, with a reason. A new endorsement can be started later."""
    locked = _lock(endorsement, expected_version)
    worker = locked.worker
    allowed = (locked.state == EndorsementState.DRAFT and can_supervise(actor, worker)) or (
        locked.state == EndorsementState.SIGNED_OFF
        and can_lead_la(actor, worker.local_authority_id)
    )
    if not allowed and locked.state in (EndorsementState.DRAFT, EndorsementState.SIGNED_OFF):
        raise EndorsementNotAllowed(
            "A draft is declined by the supervisor; a sign-off by the LA lead"
        )
    reason = _check_text(reason, limit=REASON_MAX, what="why the worker is not ready")
    return _move(
        locked,
        "decline",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_DECLINED,
        refusal="This endorsement cannot be declined",
        reason=reason,
        fields={"last_reason": reason, "closed_at": timezone.now()},
    )


@transaction.atomic
def endorsement_withdraw(
    *, endorsement: Endorsement, actor: User, reason: str = "", expected_version: int | None = None
) -> Endorsement:
    """The worker withdraws their consent, at any time before an assessment is booked."""
    locked = _lock(endorsement, expected_version)
    if locked.worker.user_id != actor.pk:
        raise EndorsementNotAllowed("Only the worker can withdraw their own endorsement")
    reason = _check_text(reason, limit=REASON_MAX, what="your reason", required=False)
    return _move(
        locked,
        "withdraw",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_WITHDRAWN,
        refusal="You cannot withdraw from this endorsement",
        reason=reason,
        fields={"last_reason": reason, "closed_at": timezone.now()},
    )


@transaction.atomic
def endorsement_lapse(*, endorsement: Endorsement, today: date | None = None) -> Endorsement:
    """An endorsed, unused endorsement whose validity has ended lapses (the system acts)."""
    today = today or timezone.localdate()
    locked = _lock(endorsement, None)
    if not validity_ended(locked.valid_until, on=today):
        raise EndorsementError("This endorsement is still within its validity")
    return _move(
        locked,
        "lapse",
        actor=None,
        action=EndorsementAction.ENDORSEMENT_LAPSED,
        refusal="This endorsement cannot lapse",
        reason=f"Not used by {govuk_date(locked.valid_until)}",
        fields={"closed_at": timezone.now()},
    )


def endorsements_lapse_expired(*, today: date | None = None) -> int:
    """Lapse every endorsed, unused endorsement past its validity; each in its own
    transaction, so one refusal (a booking got there first) does not undo the others."""
    today = today or timezone.localdate()
    candidates = Endorsement.objects.filter(
        state=EndorsementState.ENDORSED, used_at__isnull=True, valid_until__lt=today
    ).values_list("pk", flat=True)
    lapsed = 0
    for pk in list(candidates):
        try:
            endorsement_lapse(endorsement=Endorsement(pk=pk), today=today)
        except EndorsementError:
            continue
        lapsed += 1
    return lapsed


@transaction.atomic
def endorsement_record_use(*, endorsement: Endorsement, actor) -> Endorsement:
    """Mark an endorsement as used by an assessment booking (called by the booking service,
    inside its own transaction)."""
    locked = _lock(endorsement, None)
    if locked.state != EndorsementState.ENDORSED:
        raise EndorsementError("The worker has not been endorsed")
    if validity_ended(locked.valid_until, on=timezone.localdate()):
        raise EndorsementError("The worker's endorsement has lapsed")
    if locked.used_at is not None:
        raise EndorsementError("The endorsement is already in use for a booking")
    return _stamp(
        locked, actor=actor, action=EndorsementAction.ENDORSEMENT_USED, used_at=timezone.now()
    )


@transaction.atomic
def endorsement_release_use(*, endorsement: Endorsement, actor) -> Endorsement:
    """Free an endorsement again when its booking is cancelled."""
    locked = _lock(endorsement, None)
    if locked.used_at is None:
        return locked
    return _stamp(locked, actor=actor, action=EndorsementAction.ENDORSEMENT_RELEASED, used_at=None)


# --- Evidence -----------------------------------------------------------------------------------


def _locked_supervisee(worker: SocialWorker, actor: User) -> SocialWorker:
    worker = SocialWorker.objects.select_for_update().select_related("user").get(pk=worker.pk)
    if not can_supervise(actor, worker):
        raise EndorsementNotAllowed(f"Only {worker.full_name}'s supervisor can record this")
    return worker


@transaction.atomic
def supervision_session_record(
    *,
    worker: SocialWorker,
    actor: User,
    held_on: date,
    reflection: str,
    area_views: dict[int, str],
    today: date | None = None,
) -> SupervisionSession:
    """Record a reflective supervision session: the KSS areas discussed (from the current
    framework at the worker's level), each with the readiness view agreed, and a reflection."""
    today = today or timezone.localdate()
    worker = _locked_supervisee(worker, actor)
    _check_not_future(held_on, what="The date of the session", today=today)
    reflection = _check_text(reflection, limit=SUPERVISION_REFLECTION_MAX, what="a reflection")
    areas = {area.pk: area for area in current_framework_areas(worker.job_level)}
    if not area_views:
        raise EndorsementError("Choose a readiness view for at least one area you discussed")
    for area_id, readiness in area_views.items():
        if area_id not in areas:
            raise EndorsementError("Choose areas from the worker's current framework")
        if readiness not in Readiness.values:
            raise EndorsementError("Choose a readiness view for each area you discussed")
    session = SupervisionSession.objects.create(
        worker=worker, recorded_by=actor, held_on=held_on, reflection=reflection
    )
    SupervisionAreaView.objects.bulk_create(
        SupervisionAreaView(session=session, area=areas[area_id], readiness=readiness)
        for area_id, readiness in sorted(area_views.items())
    )
    audit_event_record(
        actor=actor,
        subject=session,
        action=EndorsementAction.SUPERVISION_SESSION_RECORDED,
        detail={
            "worker_id": worker.pk,
            "held_on": held_on.isoformat(),
            "areas": {str(areas[a].number): r for a, r in sorted(area_views.items())},
        },
    )
    return session


@transaction.atomic
def service_user_feedback_record(
    *,
    worker: SocialWorker,
    actor: User,
    received_on: date,
    source_type: str,
    summary: str,
    today: date | None = None,
) -> ServiceUserFeedback:
    """Record feedback about the worker from someone they work with."""
    today = today or timezone.localdate()
    worker = _locked_supervisee(worker, actor)
    _check_not_future(received_on, what="The date the feedback was received", today=today)
    if source_type not in FeedbackSource.values:
        raise EndorsementError("Choose who the feedback came from")
    summary = _check_text(summary, limit=FEEDBACK_SUMMARY_MAX, what="a summary of the feedback")
    feedback = ServiceUserFeedback.objects.create(
        worker=worker,
        recorded_by=actor,
        received_on=received_on,
        source_type=source_type,
        summary=summary,
    )
    audit_event_record(
        actor=actor,
        subject=feedback,
        action=EndorsementAction.SERVICE_USER_FEEDBACK_RECORDED,
        detail={
            "worker_id": worker.pk,
            "received_on": received_on.isoformat(),
            "source_type": source_type,
        },
    )
    return feedback


@transaction.atomic
def service_user_feedback_mark_considered(
    *,
    feedback: ServiceUserFeedback,
    actor: User,
    considered_on: date,
    today: date | None = None,
) -> ServiceUserFeedback:
    """The supervisor records the date they considered the feedback."""
    today = today or timezone.localdate()
    locked = (
        ServiceUserFeedback.objects.select_for_update(of=("self",))
        .select_related("worker__user")
        .get(pk=feedback.pk)
    )
    _locked_supervisee(locked.worker, actor)
    if locked.considered_on is not None:
        raise EndorsementChanged(
            f"This feedback was already marked as considered on "
            f"{govuk_date(locked.considered_on)}: reload the page"
        )
    _check_not_future(considered_on, what="The date you considered it", today=today)
    if considered_on < locked.received_on:
        raise EndorsementError("The date you considered it must be on or after it was received")
    locked.considered_on = considered_on
    locked.considered_by = actor
    locked.save(update_fields=["considered_on", "considered_by"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action=EndorsementAction.SERVICE_USER_FEEDBACK_CONSIDERED,
        detail={"worker_id": locked.worker_id, "considered_on": considered_on.isoformat()},
    )
    return locked
