"""The endorsement's own writes, from the supervisor's draft to its use by a booking. Each is
locked, checked, applied with its audit event (naas.transitions) in one transaction;
notifications go out only once it has committed."""

from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from naas.dates import govuk_date
from naas.models import SocialWorker, User
from naas.policies import can_lead_la, can_supervise
from naas.services import audit_event_record
from naas.transitions import change_apply, transition_apply

from ..audit import EndorsementAction
from ..models import REASON_MAX, STATEMENT_MAX, Endorsement, EndorsementState
from ..selectors import endorsement_problems, worker_has_current_accreditation
from ..tasks import send_endorsement_notification
from .common import (
    EndorsementChanged,
    EndorsementError,
    EndorsementNotAllowed,
    EndorsementNotEligible,
    audit_detail,
    check_text,
    lock,
    refused,
    validity_ended,
    validity_last_day,
)


def _notify_on_commit(endorsement: Endorsement, event: str) -> None:
    transaction.on_commit(partial(send_endorsement_notification.delay, endorsement.pk, event))


def _check_eligible(locked: Endorsement, *, signer: User | None, today: date) -> None:
    problems = endorsement_problems(locked, signer=signer, today=today)
    if problems:
        raise EndorsementNotEligible(problems)


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
    audit_event_record(
        actor=actor,
        subject=endorsement,
        action=EndorsementAction.ENDORSEMENT_STARTED,
        to_state=endorsement.state,
        detail=audit_detail(endorsement),
    )
    return endorsement


@transaction.atomic
def endorsement_record_consent(
    *, endorsement: Endorsement, actor: User, expected_version: int | None = None
) -> Endorsement:
    """The worker agrees to be put forward (a joint decision with their supervisor)."""
    locked = lock(endorsement, expected_version)
    if locked.worker.user_id != actor.pk:
        raise EndorsementNotAllowed("Only the worker can give their own consent")
    if locked.state != EndorsementState.DRAFT:
        raise EndorsementError(
            f"Consent can only be given to a draft endorsement: this one is "
            f"{locked.get_state_display().lower()}"
        )
    if locked.has_consent:
        raise EndorsementError("Your consent is already recorded")
    return change_apply(
        locked,
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_CONSENT_RECORDED,
        values={"consent_recorded_at": timezone.now()},
        detail=audit_detail,
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
    locked = lock(endorsement, expected_version)
    if not can_supervise(actor, locked.worker):
        raise EndorsementNotAllowed(f"Only {locked.worker.full_name}'s supervisor can sign off")
    statement = check_text(
        statement, limit=STATEMENT_MAX, what="why the worker is ready to be assessed"
    )
    if locked.state != EndorsementState.DRAFT:
        raise EndorsementError(
            f"Only a draft can be signed off: it is {locked.get_state_display().lower()}"
        )
    _check_eligible(locked, signer=actor, today=today)
    transition_apply(
        locked,
        "sign_off",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_SIGNED_OFF,
        refuse=refused("This endorsement cannot be signed off"),
        values={
            "signed_off_by": actor,
            "signed_off_at": timezone.now(),
            "supervisor_statement": statement,
            "last_reason": "",
        },
        detail=audit_detail,
    )
    if notify:
        _notify_on_commit(locked, "signed_off")
    return locked


@transaction.atomic
def endorsement_return(
    *, endorsement: Endorsement, actor: User, reason: str, expected_version: int | None = None
) -> Endorsement:
    """The LA lead sends a sign-off back to the supervisor, with a reason."""
    locked = lock(endorsement, expected_version)
    if not can_lead_la(actor, locked.worker.local_authority_id):
        raise EndorsementNotAllowed("Only the LA lead can return a sign-off")
    reason = check_text(reason, limit=REASON_MAX, what="why you are returning it")
    return transition_apply(
        locked,
        "return_to_draft",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_RETURNED,
        refuse=refused("Only a sign-off can be returned"),
        reason=reason,
        values={"last_reason": reason, "signed_off_by": None, "signed_off_at": None},
        detail=audit_detail,
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
    locked = lock(endorsement, expected_version)
    if not can_lead_la(actor, locked.worker.local_authority_id):
        raise EndorsementNotAllowed("Only the LA lead can confirm an endorsement")
    if locked.state != EndorsementState.SIGNED_OFF:
        raise EndorsementError(
            "Only a sign-off can be confirmed: this endorsement is "
            f"{locked.get_state_display().lower()}"
        )
    _check_eligible(locked, signer=None, today=today)
    transition_apply(
        locked,
        "confirm",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_CONFIRMED,
        refuse=refused("Only a sign-off can be confirmed"),
        values={
            "endorsed_by": actor,
            "endorsed_at": timezone.now(),
            "valid_until": validity_last_day(today),
        },
        detail=audit_detail,
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
    locked = lock(endorsement, expected_version)
    worker = locked.worker
    allowed = (locked.state == EndorsementState.DRAFT and can_supervise(actor, worker)) or (
        locked.state == EndorsementState.SIGNED_OFF
        and can_lead_la(actor, worker.local_authority_id)
    )
    if not allowed and locked.state in (EndorsementState.DRAFT, EndorsementState.SIGNED_OFF):
        raise EndorsementNotAllowed(
            "A draft is declined by the supervisor; a sign-off by the LA lead"
        )
    reason = check_text(reason, limit=REASON_MAX, what="why the worker is not ready")
    return transition_apply(
        locked,
        "decline",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_DECLINED,
        refuse=refused("This endorsement cannot be declined"),
        reason=reason,
        values={"last_reason": reason, "closed_at": timezone.now()},
        detail=audit_detail,
    )


@transaction.atomic
def endorsement_withdraw(
    *, endorsement: Endorsement, actor: User, reason: str = "", expected_version: int | None = None
) -> Endorsement:
    """The worker withdraws their consent, at any time before an assessment is booked."""
    locked = lock(endorsement, expected_version)
    if locked.worker.user_id != actor.pk:
        raise EndorsementNotAllowed("Only the worker can withdraw their own endorsement")
    reason = check_text(reason, limit=REASON_MAX, what="your reason", required=False)
    return transition_apply(
        locked,
        "withdraw",
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_WITHDRAWN,
        refuse=refused("You cannot withdraw from this endorsement"),
        reason=reason,
        values={"last_reason": reason, "closed_at": timezone.now()},
        detail=audit_detail,
    )


@transaction.atomic
def endorsement_lapse(*, endorsement: Endorsement, today: date | None = None) -> Endorsement:
    """An endorsed, unused endorsement whose validity has ended lapses (the system acts)."""
    today = today or timezone.localdate()
    locked = lock(endorsement, None)
    if not validity_ended(locked.valid_until, on=today):
        raise EndorsementError("This endorsement is still within its validity")
    return transition_apply(
        locked,
        "lapse",
        actor=None,
        action=EndorsementAction.ENDORSEMENT_LAPSED,
        refuse=refused("This endorsement cannot lapse"),
        reason=f"Not used by {govuk_date(locked.valid_until)}",
        values={"closed_at": timezone.now()},
        detail=audit_detail,
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
    locked = lock(endorsement, None)
    if locked.state != EndorsementState.ENDORSED:
        raise EndorsementError("The worker has not been endorsed")
    if validity_ended(locked.valid_until, on=timezone.localdate()):
        raise EndorsementError("The worker's endorsement has lapsed")
    if locked.used_at is not None:
        raise EndorsementError("The endorsement is already in use for a booking")
    return change_apply(
        locked,
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_USED,
        values={"used_at": timezone.now()},
        detail=audit_detail,
    )


@transaction.atomic
def endorsement_release_use(*, endorsement: Endorsement, actor) -> Endorsement:
    """Free an endorsement again when its booking is cancelled."""
    locked = lock(endorsement, None)
    if locked.used_at is None:
        return locked
    return change_apply(
        locked,
        actor=actor,
        action=EndorsementAction.ENDORSEMENT_RELEASED,
        values={"used_at": None},
        detail=audit_detail,
    )
