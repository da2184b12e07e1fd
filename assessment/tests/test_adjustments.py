import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessment import selectors, services
from assessment.forms import BookingForm
from assessment.models import AdjustmentDecision, AdjustmentKind, Sitting
from assessment.services import AdjustmentAsk, AssessmentError
from assessment.services.scheduling import adjustment_problems
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


def test_a_decision_reason_that_looks_like_a_formula_is_written_as_text(
    client, requests_on, admin_user
):
    # given a decision whose reason a spreadsheet would run as a formula
    _, (extra_time, _) = requests_on
    services.adjustment_decide(
        adjustment=extra_time, approve=True, reason="=HYPERLINK(1)", actor=admin_user
    )
    client.force_login(admin_user)
    # when the decisions are downloaded
    response = client.get(reverse("assessment:adjustment_decisions") + "?format=csv")
    # then the reason starts with a single quote
    [header, row] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row[header.index("reason")] == "'=HYPERLINK(1)"


def test_the_booking_form_shows_the_services_other_adjustment_rule_on_its_field(sitting):
    # when "other" is chosen with only spaces for its description
    form = BookingForm(
        {"sitting": sitting.pk, "adjustments": [AdjustmentKind.OTHER], "other_detail": "  "},
        sittings=Sitting.objects.all(),
    )
    # then the booking service's message is on the description field
    assert not form.is_valid()
    assert form.errors["other_detail"] == ["Describe the other adjustment you need"]
    assert adjustment_problems([AdjustmentAsk(AdjustmentKind.OTHER, "  ")]) == [
        "Describe the other adjustment you need"
    ]


def test_the_booking_form_accepts_a_described_other_adjustment(sitting):
    form = BookingForm(
        {"sitting": sitting.pk, "adjustments": [AdjustmentKind.OTHER], "other_detail": "A desk"},
        sittings=Sitting.objects.all(),
    )
    assert form.is_valid(), form.errors
