"""Assessment's check your answers pages, on the shared naas.flows: the answers are sent once,
and a record someone else changed between the form and the send is refused with the services'
"changed" message, changing nothing."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assessment import services, signals
from assessment.models import (
    AdjustmentDecision,
    AdjustmentKind,
    AdjustmentRequest,
    Attempt,
    AttemptState,
    MarkerRole,
    ReviewRequest,
    ReviewState,
)
from assessment.services import CHANGED_MESSAGE, AdjustmentAsk
from endorsement.models import Endorsement
from naas.tests.factories import SocialWorkerFactory

from .factories import (
    PARTIAL_MARKS,
    SittingFactory,
    administrator,
    allocate,
    book,
    endorsed,
    independent_assessor,
    published_attempt,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_sample(settings, monkeypatch):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    monkeypatch.setattr(signals, "pre_publish_checks", [])


def _refused_as_changed(response) -> bool:
    return response.status_code == 409 and CHANGED_MESSAGE in response.content.decode()


def _touch_attempt(attempt: Attempt) -> None:
    """Someone else's change to the attempt (the clock is frozen, so move its stamp on)."""
    Attempt.objects.filter(pk=attempt.pk).update(updated_at=timezone.now() + timedelta(minutes=1))


# --- Booking -----------------------------------------------------------------------------------


def _booking_kept(client, sitting):
    endorsement = endorsed()
    client.force_login(endorsement.worker.user)
    form = client.post(reverse("assessment:book", args=[endorsement.pk]), {"sitting": sitting.pk})
    assert form.status_code == 302
    return endorsement, reverse("assessment:book_check", args=[endorsement.pk])


def test_a_booking_is_made_once_and_a_second_send_goes_back_to_the_form(client, sitting):
    # given answers waiting to be checked
    endorsement, check = _booking_kept(client, sitting)
    # when the booking is confirmed twice (a double click)
    first = client.post(check)
    second = client.post(check)
    # then one booking is made and the second send only goes back to the form
    attempt = Attempt.objects.get(endorsement=endorsement)
    assert first.url == reverse("assessment:booked", args=[attempt.pk])
    assert second.url == reverse("assessment:book", args=[endorsement.pk])
    assert Attempt.objects.filter(endorsement=endorsement).count() == 1


def test_a_booking_is_refused_when_the_endorsement_changed_meanwhile(client, sitting):
    # given answers waiting, then a change to the endorsement by someone else
    endorsement, check = _booking_kept(client, sitting)
    Endorsement.objects.filter(pk=endorsement.pk).update(version=F("version") + 1)
    # when the booking is confirmed
    response = client.post(check)
    # then it is refused as changed, nothing is booked and the answers are gone
    assert _refused_as_changed(response)
    assert not Attempt.objects.filter(endorsement=endorsement).exists()
    assert client.get(check).url == reverse("assessment:book", args=[endorsement.pk])


# --- Adjustment decisions ---------------------------------------------------------------------


def test_an_adjustment_decided_by_someone_else_meanwhile_is_refused_as_changed(client, sitting):
    # given an administrator's decision waiting to be checked
    attempt = book(endorsed(), sitting, adjustments=[AdjustmentAsk(AdjustmentKind.EXTRA_TIME)])
    adjustment = attempt.adjustments.get()
    client.force_login(administrator())
    decide = reverse("assessment:adjustment_decide", args=[adjustment.pk])
    client.post(decide, {"decision": "decline", "reason": "Not needed"})
    # when a colleague approves it first, then the decision is confirmed
    services.adjustment_decide(
        adjustment=adjustment, approve=True, reason="Per GP letter", actor=administrator()
    )
    response = client.post(reverse("assessment:adjustment_check", args=[adjustment.pk]))
    # then it is refused as changed and the colleague's decision stands
    assert _refused_as_changed(response)
    adjustment = AdjustmentRequest.objects.get(pk=adjustment.pk)
    assert adjustment.decision == AdjustmentDecision.APPROVED
    assert adjustment.decision_reason == "Per GP letter"


# --- Fast-track retakes and reviews -----------------------------------------------------------


@pytest.fixture
def partially_met(admin_user):
    attempt, _ = published_attempt(SocialWorkerFactory(), admin=admin_user, per_area=PARTIAL_MARKS)
    return attempt


def test_a_fast_track_retake_is_refused_when_the_attempt_changed_meanwhile(client, partially_met):
    # given the candidate's chosen sitting waiting to be checked
    client.force_login(partially_met.worker.user)
    form = reverse("assessment:fast_track", args=[partially_met.pk])
    assert client.post(form, {"sitting": SittingFactory().pk}).status_code == 302
    # when the attempt changes, then the retake is confirmed
    _touch_attempt(partially_met)
    response = client.post(reverse("assessment:fast_track_check", args=[partially_met.pk]))
    # then it is refused as changed and no retake is booked
    assert _refused_as_changed(response)
    assert not Attempt.objects.filter(parent=partially_met).exists()


def test_a_review_request_is_refused_when_the_attempt_changed_meanwhile(client, partially_met):
    # given the candidate's grounds waiting to be checked
    client.force_login(partially_met.worker.user)
    form = reverse("assessment:review_request", args=[partially_met.pk])
    assert client.post(form, {"grounds": "The room was noisy"}).status_code == 302
    # when the attempt changes, then the request is confirmed
    _touch_attempt(partially_met)
    response = client.post(reverse("assessment:review_check", args=[partially_met.pk]))
    # then it is refused as changed and no review is asked for
    assert _refused_as_changed(response)
    assert not ReviewRequest.objects.filter(attempt=partially_met).exists()
    assert Attempt.objects.get(pk=partially_met.pk).state == AttemptState.OUTCOME_PUBLISHED


def test_a_review_decision_is_refused_when_the_review_changed_meanwhile(client, admin_user):
    # given a reviewer's decision waiting to be checked
    worker = SocialWorkerFactory()
    attempt, _ = published_attempt(worker, admin=admin_user)
    review = services.review_request(attempt=attempt, grounds="Left early", actor=worker.user)
    reviewer = independent_assessor()
    allocate(
        Attempt.objects.get(pk=attempt.pk), MarkerRole.REVIEWER, admin=admin_user, assessor=reviewer
    )
    client.force_login(reviewer)
    form = reverse("assessment:review_decide", args=[review.pk])
    assert client.post(form, {"decision": "uphold", "reason": "Fair"}).status_code == 302
    # when the review changes, then the decision is confirmed
    ReviewRequest.objects.filter(pk=review.pk).update(decided_at=timezone.now())
    response = client.post(reverse("assessment:review_decide_check", args=[review.pk]))
    # then it is refused as changed and the review still waits for a decision
    assert _refused_as_changed(response)
    assert ReviewRequest.objects.get(pk=review.pk).state == ReviewState.REQUESTED
