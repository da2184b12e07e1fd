import pytest
from django.core.exceptions import PermissionDenied

from assessment import selectors, services
from assessment.models import AdjustmentDecision, AdjustmentKind
from assessment.services import AdjustmentAsk, AssessmentError
from naas.models import AuditEvent

from .factories import book, endorsed, set_sitting_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_on(sitting):
    attempt = book(
        endorsed(),
        sitting,
        adjustments=[
            AdjustmentAsk(AdjustmentKind.EXTRA_TIME),
            AdjustmentAsk(AdjustmentKind.SEPARATE_ROOM),
        ],
    )
    return attempt, list(attempt.adjustments.order_by("kind"))


def test_an_administrator_approves_and_declines_with_reasons(requests_on, admin_user):
    attempt, (extra_time, separate_room) = requests_on
    approved = services.adjustment_decide(
        adjustment=extra_time,
        approve=True,
        reason="25% extra time, per GP letter",
        actor=admin_user,
    )
    declined = services.adjustment_decide(
        adjustment=separate_room,
        approve=False,
        reason="Extra time meets the need",
        actor=admin_user,
    )
    assert approved.decision == AdjustmentDecision.APPROVED
    assert declined.decision == AdjustmentDecision.DECLINED
    assert declined.decided_by == admin_user and declined.decided_at is not None
    # the decision (and the time it took) is reportable
    report = selectors.adjustment_decisions(AdjustmentDecision.DECLINED)
    assert list(report) == [declined]
    assert report[0].time_to_decision.total_seconds() >= 0
    # audited with the reason
    event = AuditEvent.objects.for_object(declined).get(action="adjustment.declined")
    assert (event.from_state, event.to_state) == ("pending", "declined")
    assert event.reason == "Extra time meets the need"
    # approved adjustments are on the sitting's attendance list; declined ones are not
    [row] = selectors.sitting_attendance(attempt.sitting)
    assert [a.kind for a in row.approved_adjustments] == [AdjustmentKind.EXTRA_TIME]


def test_a_reason_is_required(requests_on, admin_user):
    _, (extra_time, _) = requests_on
    with pytest.raises(AssessmentError, match="Enter the reason"):
        services.adjustment_decide(
            adjustment=extra_time, approve=True, reason="  ", actor=admin_user
        )
    extra_time.refresh_from_db()
    assert extra_time.decision == AdjustmentDecision.PENDING


def test_a_decision_is_made_once(requests_on, admin_user):
    _, (extra_time, _) = requests_on
    services.adjustment_decide(adjustment=extra_time, approve=True, reason="Fine", actor=admin_user)
    with pytest.raises(AssessmentError, match="already approved"):
        services.adjustment_decide(
            adjustment=extra_time, approve=False, reason="Changed mind", actor=admin_user
        )


def test_decisions_are_made_before_the_day(requests_on, admin_user):
    attempt, (extra_time, _) = requests_on
    set_sitting_date(attempt.sitting, 0)
    with pytest.raises(AssessmentError, match="before the day"):
        services.adjustment_decide(
            adjustment=extra_time, approve=True, reason="Fine", actor=admin_user
        )


def test_no_decision_for_a_cancelled_booking(requests_on, admin_user):
    attempt, (extra_time, _) = requests_on
    services.attempt_cancel(attempt=attempt, actor=attempt.worker.user)
    with pytest.raises(AssessmentError, match="cancelled"):
        services.adjustment_decide(
            adjustment=extra_time, approve=True, reason="Fine", actor=admin_user
        )
    assert list(selectors.adjustments_pending()) == []


def test_only_administrators_decide(requests_on, assessor):
    attempt, (extra_time, _) = requests_on
    for actor in (assessor, attempt.worker.user):
        with pytest.raises(PermissionDenied):
            services.adjustment_decide(
                adjustment=extra_time, approve=True, reason="Fine", actor=actor
            )
