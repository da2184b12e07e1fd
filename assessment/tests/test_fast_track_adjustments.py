"""A candidate booking a fast-track retake asks for reasonable adjustments the same way as at a
first booking: the same form fields, the same rules, the same requests in the administrator's
queue."""

import pytest
from django.urls import reverse

from assessment import services, signals
from assessment.audit import AssessmentAction
from assessment.models import AdjustmentDecision, AdjustmentKind, AdjustmentRequest, Attempt
from assessment.services import AdjustmentAsk, AssessmentError
from naas.models import AuditEvent
from naas.tests.factories import SocialWorkerFactory

from .factories import PARTIAL_MARKS, SittingFactory, published_attempt

pytestmark = pytest.mark.django_db

OTHER_DETAIL = "A height-adjustable desk"


@pytest.fixture
def parent(admin_user, monkeypatch):
    # Feedback's pre-publish check belongs to a later app; this app publishes without it.
    monkeypatch.setattr(signals, "pre_publish_checks", [])
    attempt, _ = published_attempt(SocialWorkerFactory(), admin=admin_user, per_area=PARTIAL_MARKS)
    return attempt


def _pages(parent):
    return (
        reverse("assessment:fast_track", args=[parent.pk]),
        reverse("assessment:fast_track_check", args=[parent.pk]),
    )


def test_candidate_asks_for_adjustments_with_a_retake(client, parent, admin_user):
    # given the candidate on the fast-track page
    form_url, check_url = _pages(parent)
    sitting = SittingFactory()
    client.force_login(parent.worker.user)
    assert "Do you need any reasonable adjustments?" in client.get(form_url).content.decode()
    # when they choose a sitting, extra time and something else, with a note
    kept = client.post(
        form_url,
        {
            "sitting": sitting.pk,
            "adjustments": [AdjustmentKind.EXTRA_TIME, AdjustmentKind.OTHER],
            "other_detail": OTHER_DETAIL,
            "adjustment_notes": "25% extra time at university",
        },
    )
    check = client.get(check_url).content.decode()
    # then the check page shows them before anything is booked
    assert kept.status_code == 302
    assert "Extra time" in check and "Something else" in check and OTHER_DETAIL in check
    assert "25% extra time at university" in check
    assert not Attempt.objects.filter(parent=parent).exists()
    # when they confirm
    booked = client.post(check_url)
    # then the retake carries pending requests, each audited
    retake = Attempt.objects.get(parent=parent)
    assert booked["Location"] == reverse("assessment:booked", args=[retake.pk])
    requests = AdjustmentRequest.objects.filter(attempt=retake)
    assert {(r.kind, r.detail) for r in requests} == {
        (AdjustmentKind.EXTRA_TIME, ""),
        (AdjustmentKind.OTHER, OTHER_DETAIL),
    }
    assert {r.decision for r in requests} == {AdjustmentDecision.PENDING}
    assert retake.adjustment_notes == "25% extra time at university"
    assert (
        AuditEvent.objects.filter(action=AssessmentAction.ADJUSTMENT_REQUESTED).count()
        == requests.count()
    )
    # and the administrator's queue lists them
    client.force_login(admin_user)
    queue = client.get(reverse("assessment:adjustment_queue")).content.decode()
    assert parent.worker.user.full_name in queue
    for request in requests:
        assert reverse("assessment:adjustment_decide", args=[request.pk]) in queue


def test_something_else_must_be_described(client, parent):
    form_url, _ = _pages(parent)
    client.force_login(parent.worker.user)
    response = client.post(
        form_url, {"sitting": SittingFactory().pk, "adjustments": [AdjustmentKind.OTHER]}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "Describe the other adjustment you need" in page
    assert not Attempt.objects.filter(parent=parent).exists()


def test_a_retake_without_adjustments_asks_for_none(client, parent):
    form_url, check_url = _pages(parent)
    client.force_login(parent.worker.user)
    client.post(form_url, {"sitting": SittingFactory().pk})
    assert "None" in client.get(check_url).content.decode()
    client.post(check_url)
    retake = Attempt.objects.get(parent=parent)
    assert not AdjustmentRequest.objects.filter(attempt=retake).exists()


@pytest.mark.parametrize(
    "asks",
    [
        [AdjustmentAsk(AdjustmentKind.READER), AdjustmentAsk(AdjustmentKind.READER)],
        [AdjustmentAsk("teleport")],
        [AdjustmentAsk(AdjustmentKind.OTHER, "  ")],
    ],
)
def test_the_service_refuses_bad_adjustments_and_books_nothing(parent, asks):
    with pytest.raises(AssessmentError):
        services.attempt_book_fast_track(
            parent=parent, sitting=SittingFactory(), actor=parent.worker.user, adjustments=asks
        )
    assert not Attempt.objects.filter(parent=parent).exists()
    assert not AdjustmentRequest.objects.exists()
