import pytest
from django.db import IntegrityError, transaction

from assessment.models import (
    AdjustmentKind,
    AdjustmentRequest,
    Attempt,
    AttemptState,
    Item,
    ItemFormat,
    valid_keys,
)
from naas.models import KSSArea

from .factories import SittingFactory, book, endorsed

# The attempt's every state × every transition table is in test_outcomes.py.


def test_state_cannot_be_assigned_directly(db):
    attempt = book(endorsed(), SittingFactory())
    with pytest.raises(AttributeError):
        attempt.state = AttemptState.SAT


def test_valid_keys_per_format():
    assert valid_keys(ItemFormat.ONE_OF_FOUR) == ["A", "B", "C", "D"]
    keys = valid_keys(ItemFormat.THREE_OF_EIGHT)
    assert len(keys) == 56 and "BDF" in keys and "FDB" not in keys


@pytest.mark.django_db
@pytest.mark.parametrize(
    "item_format, key",
    [
        (ItemFormat.ONE_OF_FOUR, "AB"),  # two correct options on a "1 of 4"
        (ItemFormat.ONE_OF_FOUR, "E"),  # outside A-D
        (ItemFormat.THREE_OF_EIGHT, "AB"),  # only two on a "3 of 8"
        (ItemFormat.THREE_OF_EIGHT, "ABCD"),
        (ItemFormat.THREE_OF_EIGHT, "AAB"),
        (ItemFormat.THREE_OF_EIGHT, ""),
    ],
)
def test_database_refuses_a_key_that_does_not_fit_the_format(item_format, key):
    area = KSSArea.objects.filter(framework__level="practitioner").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(
            code="BAD1", area=area, format=item_format, stem="?", options=[], correct_options=key
        )


@pytest.mark.django_db
def test_other_adjustment_needs_detail_in_the_database():
    attempt = book(endorsed(), SittingFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        AdjustmentRequest.objects.create(
            attempt=attempt, kind=AdjustmentKind.OTHER, detail="", requested_by=attempt.booked_by
        )


@pytest.mark.django_db
def test_one_live_attempt_per_endorsement_in_the_database():
    endorsement = endorsed()
    attempt = book(endorsement, SittingFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            worker=attempt.worker,
            level=attempt.level,
            framework=attempt.framework,
            endorsement=endorsement,
            sitting=SittingFactory(),
            booked_by=attempt.booked_by,
        )
