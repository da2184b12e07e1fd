"""Who may see or do what with bookings, adjustments and test results, object by object."""

from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet

from naas.models import Role, SocialWorker, StaffRole, User
from naas.policies import has_role, is_assessment_administrator, la_ids_where, roles_of

from .models import Allocation, MarkerRole

__all__ = [
    "allocation_of",
    "assessor_conflicted",
    "assessor_conflicts",
    "attempts_conflicted_for",
    "can_act_for_own_outcome",
    "can_book_for",
    "can_change_booking",
    "can_confirm_outcome",
    "can_manage_rules",
    "can_mark",
    "can_publish_outcome",
    "can_publish_outcomes",
    "can_view_all_marks",
    "can_view_attempt",
    "can_view_outcome",
    "can_view_test_results",
    "conflicted_users",
    "is_assessment_administrator",
    "is_assessor",
]

ASSESSING_ROLES = (Role.ASSESSOR, Role.MODERATOR)


def _is_the_worker(user, worker) -> bool:
    return user.is_authenticated and worker.user_id == user.pk


def _leads_workers_la(user, worker) -> bool:
    return worker.local_authority_id in la_ids_where(user, Role.LA_LEAD)


def can_book_for(user, worker) -> bool:
    """The worker books for themselves; their LA's lead may book on their behalf."""
    return _is_the_worker(user, worker) or _leads_workers_la(user, worker)


def can_view_attempt(user, attempt) -> bool:
    """The booking and its adjustment decisions: the candidate, their LA lead, administrators."""
    return (
        _is_the_worker(user, attempt.worker)
        or _leads_workers_la(user, attempt.worker)
        or is_assessment_administrator(user)
    )


def can_change_booking(user, attempt) -> bool:
    """Cancel or rebook: the candidate, their LA lead, or an administrator."""
    return can_view_attempt(user, attempt)


def is_assessor(user) -> bool:
    return bool(roles_of(user) & set(ASSESSING_ROLES))


# --- Conflicts of interest -------------------------------------------------------------------
#
# One rule, asked in three shapes: of one person and one attempt (assessor_conflicts, and
# assessor_conflicted, which every assessing action asks), of one candidate over everyone
# (conflicted_users: who may never be allocated), and of one person over every attempt
# (attempts_conflicted_for: what their queues never list). The first two are built from
# _conflict_tests; the third mirrors it, and the conflict-of-interest tests hold all three to
# the same answer for every kind of conflict.


def _conflict_tests(worker) -> list[tuple[str, Q]]:
    """Why someone may not assess `worker`, each reason (with "{la}" for the LA's name) with
    the test on User that finds the people it rules out."""
    la_id = worker.local_authority_id
    return [
        ("is the candidate", Q(pk=worker.user_id)),
        ("is the candidate's supervisor", Q(pk=worker.supervisor_id)),  # no one when None
        # Any staff role held in the candidate's LA: its LA lead, its supervisors, and the
        # assessors and moderators linked to it.
        (
            "is linked to {la}, the candidate's local authority",
            Q(pk__in=StaffRole.objects.filter(local_authority_id=la_id).values("user_id")),
        ),
        (
            "works for {la}, the candidate's local authority",
            Q(pk__in=SocialWorker.objects.filter(local_authority_id=la_id).values("user_id")),
        ),
    ]


def assessor_conflicts(user, attempt) -> list[str]:
    """Why `user` has a conflict of interest in assessing the attempt's candidate (empty when
    they have none): they are the candidate, the candidate's supervisor, hold any staff role
    in the candidate's LA (its LA lead, a supervisor, an assessor or moderator linked to it),
    or work for that LA. A conflicted person never marks, second-marks, moderates, writes
    feedback, decides a review, confirms or publishes the attempt's outcome, and is never
    allocated to it."""
    if not user.is_authenticated:
        return []
    worker = attempt.worker
    tests = _conflict_tests(worker)
    found = User.objects.filter(pk=user.pk).aggregate(
        **{f"c{n}": Count("pk", filter=test) for n, (_, test) in enumerate(tests)}
    )
    reasons = [reason for n, (reason, _) in enumerate(tests) if found[f"c{n}"]]
    if any("{la}" in reason for reason in reasons):
        name = worker.local_authority.name
        reasons = [reason.replace("{la}", name) for reason in reasons]
    return reasons


def assessor_conflicted(user, attempt) -> bool:
    """The question every assessing action asks: see assessor_conflicts."""
    return bool(assessor_conflicts(user, attempt))


def conflicted_users(worker) -> QuerySet[User]:
    """Everyone with a conflict of interest in assessing `worker` (see assessor_conflicts)."""
    return User.objects.filter(reduce(or_, (test for _, test in _conflict_tests(worker))))


def attempts_conflicted_for(user, prefix: str = "") -> Q:
    """A filter (on Attempt, or on a model reaching it through `prefix`, e.g. "attempt__")
    matching every attempt whose candidate `user` has a conflict of interest in assessing
    (see assessor_conflicts)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    worker = f"{prefix}worker__"
    return (
        Q(**{f"{worker}user_id": user.pk})
        | Q(**{f"{worker}supervisor_id": user.pk})
        | Q(
            **{
                f"{worker}local_authority_id__in": StaffRole.objects.filter(
                    user_id=user.pk, local_authority__isnull=False
                ).values("local_authority_id")
            }
        )
        | Q(
            **{
                f"{worker}local_authority_id__in": SocialWorker.objects.filter(
                    user_id=user.pk
                ).values("local_authority_id")
            }
        )
    )


def can_view_test_results(user, attempt) -> bool:
    """Administrators; assessors and moderators only for attempts allocated to them, and
    never with a conflict of interest."""
    if is_assessment_administrator(user):
        return True
    if not is_assessor(user):
        return False
    return allocation_of(user, attempt) is not None and not assessor_conflicted(user, attempt)


# --- Simulated practice, moderation, outcomes and reviews -----------------------------------


def allocation_of(user, attempt, role: str | None = None):
    """The user's active part in marking the attempt (optionally in one role), or None."""
    if not user.is_authenticated:
        return None
    allocations = Allocation.objects.filter(attempt=attempt, assessor=user, active=True)
    if role:
        allocations = allocations.filter(role=role)
    return allocations.first()


def can_mark(user, allocation) -> bool:
    """Only the assessor an allocation names marks through it (first or second marks,
    moderation, a review and its marks), never one with a conflict of interest."""
    return (
        user.is_authenticated
        and allocation.active
        and allocation.assessor_id == user.pk
        and not assessor_conflicted(user, allocation.attempt)
    )


def can_view_all_marks(user, attempt) -> bool:
    """Every marker's marks side by side: administrators, the attempt's moderator or
    reviewer, and the second marker once their own marks are in, none with a conflict of
    interest. Never the first marker, nor the second before they submit: second marking is
    blind."""
    if is_assessment_administrator(user):
        return True
    allocation = allocation_of(user, attempt)
    if allocation is None or assessor_conflicted(user, attempt):
        return False
    if allocation.role == MarkerRole.SECOND:
        return allocation.submitted_at is not None
    return allocation.role in (MarkerRole.MODERATOR, MarkerRole.REVIEWER)


def can_confirm_outcome(user, outcome) -> bool:
    """A moderator or an administrator, never one with a conflict of interest."""
    if not (is_assessment_administrator(user) or has_role(user, Role.MODERATOR)):
        return False
    return not assessor_conflicted(user, outcome.attempt)


def can_publish_outcomes(user) -> bool:
    """Publishing at all: assessment administrators (each outcome: can_publish_outcome)."""
    return is_assessment_administrator(user)


def can_publish_outcome(user, outcome) -> bool:
    """One outcome: an administrator without a conflict of interest in its candidate."""
    return can_publish_outcomes(user) and not assessor_conflicted(user, outcome.attempt)


def can_view_outcome(user, outcome) -> bool:
    """The candidate once it is published; administrators and moderators who may confirm it;
    the attempt's allocated reviewer, never with a conflict of interest."""
    if outcome.is_published and _is_the_worker(user, outcome.attempt.worker):
        return True
    if can_confirm_outcome(user, outcome):
        return True
    reviewer = allocation_of(user, outcome.attempt, MarkerRole.REVIEWER)
    return reviewer is not None and can_mark(user, reviewer)


def can_manage_rules(user) -> bool:
    return is_assessment_administrator(user)


def can_act_for_own_outcome(user, attempt) -> bool:
    """Fast-track retakes and reviews are asked for by the candidate themselves."""
    return _is_the_worker(user, attempt.worker)


def can_manage_assessment_days(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_cancel_booking(user, attempt) -> bool:
    """Whoever may change the booking, before the day; an administrator also on the day."""
    return attempt.can_be_cancelled_by(user)


def can_decide_review(user, review) -> bool:
    """The review is waiting for a decision and the user is the attempt's reviewer."""
    return review.can_be_decided_by(user)


def can_use_technical_reports(user) -> bool:
    """The technical report holds only aggregates and pseudonymous assessor codes: assessment
    administrators and DfE staff may ask for one, follow it and download it (any of them)."""
    return has_role(user, Role.ADMINISTRATOR) or has_role(user, Role.DFE)


def can_manage_calibration(user) -> bool:
    """Calibration sets, their cases and agreed marks, assessors' standing and overrides."""
    return is_assessment_administrator(user)


def can_mark_calibration(user) -> bool:
    """Assessors and moderators mark calibration cases, each only for themselves."""
    return is_assessor(user)


def can_view_calibration_marking(user, marking) -> bool:
    """A calibration marking (with the agreed marks beside it): only the assessor who made it."""
    return user.is_authenticated and marking.assessor_id == user.pk


def can_run_standard_setting(user) -> bool:
    """Open Angoff exercises, invite their judges, close their rounds and adopt their cuts."""
    return is_assessment_administrator(user)


def can_be_angoff_judge(user) -> bool:
    """Angoff judges are drawn from the assessors and moderators."""
    return is_assessor(user)


def can_rate_angoff(user, exercise) -> bool:
    """Only a judge invited to the exercise rates its items (and sees them)."""
    return (
        user.is_authenticated
        and can_be_angoff_judge(user)
        and exercise.judges.filter(user_id=user.pk).exists()
    )


def can_run_borderline_analysis(user) -> bool:
    """Borderline-regression analyses feed the outcome rules, so only those who manage the
    rules run, read and adopt them."""
    return can_manage_rules(user)


def can_withdraw_items(user) -> bool:
    """Withdraw an item from scoring on a test form (rescoring every result on it), and read
    the DIF review queue that leads there: assessment administrators."""
    return is_assessment_administrator(user)


def can_correct_result(user, attempt) -> bool:
    """Correct one candidate's knowledge-test answer (rescoring it and recomputing the
    outcome): an assessment administrator without a conflict of interest in the candidate."""
    return is_assessment_administrator(user) and not assessor_conflicted(user, attempt)
