import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection
from django.utils import timezone

from assessment import services
from assessment.models import (
    AdjustmentDecision,
    AdjustmentKind,
    Attempt,
    AttemptState,
)
from assessment.services import AdjustmentAsk, AssessmentError
from endorsement.models import Endorsement, EndorsementState
from naas.models import AuditEvent, KSSArea, Level, Role
from naas.tests.factories import SocialWorkerFactory, staff_user

from .factories import SittingFactory, administrator, book, endorsed, set_sitting_date

pytestmark = pytest.mark.django_db


def events(obj) -> list[str]:
    return list(AuditEvent.objects.for_object(obj).values_list("action", flat=True))


def test_an_endorsed_worker_books_a_sitting_with_adjustments(sitting):
    # given an endorsed worker
    endorsement = endorsed()
    # when they book with two adjustment requests
    attempt = book(
        endorsement,
        sitting,
        adjustments=[
            AdjustmentAsk(AdjustmentKind.EXTRA_TIME),
            AdjustmentAsk(AdjustmentKind.OTHER, "A height-adjustable desk"),
        ],
        notes="I use a screen reader",
    )
    # then the attempt is booked against the endorsement, which is now used
    assert attempt.state == AttemptState.BOOKED
    assert attempt.sitting == sitting and attempt.level == Level.PRACTITIONER
    endorsement.refresh_from_db()
    assert endorsement.used_at is not None
    # and it covers every KSS area of the level by default
    assert set(attempt.areas.all()) == set(KSSArea.objects.filter(framework=attempt.framework))
    assert attempt.areas.count() == 10
    # and each adjustment waits for a decision
    assert [(a.kind, a.decision) for a in attempt.adjustments.order_by("kind")] == [
        (AdjustmentKind.EXTRA_TIME, AdjustmentDecision.PENDING),
        (AdjustmentKind.OTHER, AdjustmentDecision.PENDING),
    ]
    # and every step was audited
    assert events(attempt) == ["attempt.booked"]
    assert events(endorsement) == ["endorsement.used"]
    assert AuditEvent.objects.filter(action="adjustment.requested").count() == 2


def test_la_lead_books_on_behalf_of_their_worker_but_not_another_las(sitting):
    endorsement = endorsed()
    lead = staff_user(Role.LA_LEAD, endorsement.worker.local_authority)
    other_lead = staff_user(Role.LA_LEAD)
    with pytest.raises(PermissionDenied):
        book(endorsement, sitting, actor=other_lead)
    attempt = book(endorsement, sitting, actor=lead)
    assert attempt.booked_by == lead


def test_a_worker_cannot_book_for_someone_else(sitting):
    endorsement = endorsed()
    with pytest.raises(PermissionDenied):
        book(endorsement, sitting, actor=SocialWorkerFactory().user)


@pytest.mark.parametrize(
    "state", [EndorsementState.DRAFT, EndorsementState.SIGNED_OFF, EndorsementState.DECLINED]
)
def test_an_unendorsed_worker_cannot_book(sitting, state):
    endorsement = endorsed(state=state)
    with pytest.raises(AssessmentError, match="has not been endorsed"):
        book(endorsement, sitting)
    assert not Attempt.objects.exists()


def test_a_lapsed_endorsement_cannot_book(sitting):
    endorsement = endorsed(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(AssessmentError, match="has lapsed"):
        book(endorsement, sitting)
    assert not Attempt.objects.exists()


def test_a_second_booking_on_the_same_endorsement_is_refused(sitting):
    endorsement = endorsed()
    book(endorsement, sitting)
    endorsement.refresh_from_db()
    with pytest.raises(AssessmentError, match="already in use"):
        book(endorsement, SittingFactory())
    assert Attempt.objects.count() == 1


def test_a_full_sitting_refuses_the_next_booking():
    sitting = SittingFactory(capacity=2)
    book(endorsed(), sitting)
    book(endorsed(), sitting)
    late = endorsed()
    with pytest.raises(AssessmentError, match="That sitting is full"):
        book(late, sitting)
    late.refresh_from_db()
    assert late.used_at is None  # nothing changed
    assert AuditEvent.objects.for_object(late).count() == 0


@pytest.mark.parametrize("days", [0, -3])
def test_bookings_close_on_the_day(days):
    sitting = set_sitting_date(SittingFactory(), days)
    with pytest.raises(AssessmentError, match="closed"):
        book(endorsed(), sitting)


def test_other_adjustment_needs_a_description(sitting):
    with pytest.raises(AssessmentError, match="Describe the other adjustment"):
        book(endorsed(), sitting, adjustments=[AdjustmentAsk(AdjustmentKind.OTHER, " ")])
    assert not Attempt.objects.exists()


def test_cancel_frees_the_endorsement_and_the_worker_books_again(sitting):
    endorsement = endorsed()
    attempt = book(endorsement, sitting)
    cancelled = services.attempt_cancel(
        attempt=attempt, actor=endorsement.worker.user, reason="Ill"
    )
    assert cancelled.state == AttemptState.CANCELLED and cancelled.cancel_reason == "Ill"
    endorsement.refresh_from_db()
    assert endorsement.used_at is None
    # the place is free again and the endorsement can be booked once more
    again = book(endorsement, SittingFactory())
    assert again.state == AttemptState.BOOKED
    assert events(attempt) == ["attempt.booked", "attempt.cancelled"]
    assert events(endorsement) == ["endorsement.used", "endorsement.released", "endorsement.used"]


def test_a_cancelled_booking_frees_its_place():
    sitting = SittingFactory(capacity=1)
    first = book(endorsed(), sitting)
    services.attempt_cancel(attempt=first, actor=first.worker.user)
    assert book(endorsed(), sitting).sitting == sitting


def test_rebook_moves_the_booking_and_respects_capacity(sitting):
    attempt = book(endorsed(), sitting)
    full = SittingFactory(capacity=1)
    book(endorsed(), full)
    with pytest.raises(AssessmentError, match="full"):
        services.attempt_rebook(attempt=attempt, sitting=full, actor=attempt.worker.user)
    later = SittingFactory(date=sitting.date + timedelta(days=7))
    moved = services.attempt_rebook(attempt=attempt, sitting=later, actor=attempt.worker.user)
    assert moved.sitting == later and moved.state == AttemptState.BOOKED
    event = AuditEvent.objects.for_object(attempt).get(action="attempt.rebooked")
    assert event.detail == {"from_sitting": sitting.pk, "to_sitting": later.pk}
    with pytest.raises(AssessmentError, match="already booked on that sitting"):
        services.attempt_rebook(attempt=moved, sitting=later, actor=attempt.worker.user)


def test_candidates_cannot_cancel_on_the_day_but_an_administrator_can(sitting):
    attempt = book(endorsed(), sitting)
    set_sitting_date(sitting, 0)
    with pytest.raises(AssessmentError, match="on or after the day"):
        services.attempt_cancel(attempt=attempt, actor=attempt.worker.user)
    cancelled = services.attempt_cancel(attempt=attempt, actor=administrator())
    assert cancelled.state == AttemptState.CANCELLED


def test_attendance_is_recorded_on_the_day_as_sat_or_no_show(admin_user):
    sitting = SittingFactory()
    came = book(endorsed(), sitting)
    stayed_away = book(endorsed(), sitting)
    with pytest.raises(AssessmentError, match="on or after the day"):
        services.attempt_record_attendance(attempt=came, attended=True, actor=admin_user)
    set_sitting_date(sitting, 0)
    services.sitting_record_attendance(
        sitting=sitting, attendance={came.pk: True, stayed_away.pk: False}, actor=admin_user
    )
    came.refresh_from_db()
    stayed_away.refresh_from_db()
    assert came.state == AttemptState.SAT and came.sat_at
    assert stayed_away.state == AttemptState.NO_SHOW and stayed_away.no_show_at
    assert events(stayed_away) == ["attempt.booked", "attempt.no_show"]
    # a no-show keeps the endorsement used: the booking cannot be cancelled or moved now
    with pytest.raises(AssessmentError, match="did not attend"):
        services.attempt_cancel(attempt=stayed_away, actor=admin_user)
    assert Endorsement.objects.get(pk=stayed_away.endorsement_id).used_at is not None


def test_only_administrators_record_attendance(sitting):
    attempt = book(endorsed(), sitting)
    with pytest.raises(PermissionDenied):
        services.attempt_record_attendance(
            attempt=attempt, attended=True, actor=attempt.worker.user
        )


# --- Concurrency (PostgreSQL row locks) -------------------------------------------------------


def _race(actions):
    """Run each action in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_bookings_for_the_last_place_at_once_give_exactly_one_booking(postgres_only):
    # given a sitting with one place left
    sitting = SittingFactory(capacity=2)
    book(endorsed(), sitting)
    first, second = endorsed(), endorsed()
    # when both workers book the last place at the same moment
    outcomes = _race([lambda: book(first, sitting), lambda: book(second, sitting)])
    # then exactly one succeeds and the other is told the sitting is full
    booked = [o for o in outcomes if isinstance(o, Attempt)]
    refused = [o for o in outcomes if isinstance(o, AssessmentError)]
    assert len(booked) == 1 and len(refused) == 1, outcomes
    assert "That sitting is full" in str(refused[0])
    assert Attempt.objects.filter(sitting=sitting, state=AttemptState.BOOKED).count() == 2
    # and the loser's endorsement is untouched
    loser = second if booked[0].endorsement_id == first.pk else first
    loser.refresh_from_db()
    assert loser.used_at is None


@pytest.mark.django_db(transaction=True)
def test_double_booking_one_endorsement_at_once_gives_exactly_one_booking(postgres_only):
    # given one endorsement and two sittings with room
    endorsement = endorsed()
    one, two = SittingFactory(), SittingFactory()
    # when it is booked onto both at the same moment
    outcomes = _race([lambda: book(endorsement, one), lambda: book(endorsement, two)])
    # then one booking exists and the other attempt is refused with a clear message
    assert sum(isinstance(o, Attempt) for o in outcomes) == 1, outcomes
    refused = [o for o in outcomes if isinstance(o, AssessmentError)]
    assert len(refused) == 1 and "already in use" in str(refused[0])
    assert Attempt.objects.filter(endorsement=endorsement).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_bookings_at_once_never_overfill_a_sitting(postgres_only):
    sitting = SittingFactory(capacity=3)
    endorsements = [endorsed() for _ in range(6)]
    outcomes = _race([lambda e=e: book(e, sitting) for e in endorsements])
    assert sum(isinstance(o, Attempt) for o in outcomes) == 3, outcomes
    assert Attempt.objects.filter(sitting=sitting).count() == 3
