"""Every state against every transition of the Endorsement state machine."""

from itertools import product

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from endorsement.models import Endorsement, EndorsementState

from .factories import EndorsementFactory

S = EndorsementState
TRANSITIONS = ["sign_off", "return_to_draft", "confirm", "decline", "withdraw", "lapse"]
ALLOWED = {
    ("sign_off", S.DRAFT): S.SIGNED_OFF,
    ("return_to_draft", S.SIGNED_OFF): S.DRAFT,
    ("confirm", S.SIGNED_OFF): S.ENDORSED,
    ("decline", S.DRAFT): S.DECLINED,
    ("decline", S.SIGNED_OFF): S.DECLINED,
    ("withdraw", S.DRAFT): S.WITHDRAWN,
    ("withdraw", S.SIGNED_OFF): S.WITHDRAWN,
    ("withdraw", S.ENDORSED): S.WITHDRAWN,
    ("lapse", S.ENDORSED): S.LAPSED,
}


@pytest.mark.parametrize(("transition", "state"), list(product(TRANSITIONS, S.values)))
def test_every_state_against_every_transition(transition, state):
    endorsement = Endorsement(state=state)
    target = ALLOWED.get((transition, state))
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            getattr(endorsement, transition)()
        assert endorsement.state == state
    else:
        getattr(endorsement, transition)()
        assert endorsement.state == target


@pytest.mark.parametrize("transition", ["withdraw", "lapse"])
def test_an_endorsement_used_by_a_booking_cannot_be_withdrawn_or_lapse(transition):
    endorsement = Endorsement(state=S.ENDORSED, used_at=timezone.now())
    with pytest.raises(TransitionNotAllowed):
        getattr(endorsement, transition)()
    assert endorsement.state == S.ENDORSED


def test_the_state_cannot_be_set_directly():
    endorsement = Endorsement(state=S.DRAFT)
    with pytest.raises(AttributeError):
        endorsement.state = S.ENDORSED


@pytest.mark.django_db
@pytest.mark.parametrize("open_state", [S.DRAFT, S.SIGNED_OFF, S.ENDORSED])
def test_the_database_allows_one_open_endorsement_per_worker_and_level(open_state):
    first = EndorsementFactory(state=open_state)
    with pytest.raises(IntegrityError), transaction.atomic():
        EndorsementFactory(worker=first.worker)


@pytest.mark.django_db
@pytest.mark.parametrize("closed_state", [S.DECLINED, S.WITHDRAWN, S.LAPSED])
def test_a_closed_endorsement_does_not_block_a_new_one(closed_state):
    first = EndorsementFactory(state=closed_state)
    second = EndorsementFactory(worker=first.worker)
    assert second.state == S.DRAFT
