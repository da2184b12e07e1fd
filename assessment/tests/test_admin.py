"""The back office for centres and sittings: audited, and a sitting never has fewer places than
its bookings (the rule bookings keep, in the admin and in model validation alike)."""

import pytest
from django.core.exceptions import ValidationError

from assessment.models import AttemptState, Sitting
from naas.tests.admin_forms import admin_events, post_change
from naas.tests.factories import UserFactory

from .factories import CentreFactory, SittingFactory, book, endorsed

pytestmark = pytest.mark.django_db

FEWER_PLACES = "The number of places must be at least 2"


@pytest.fixture
def back_office(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def sitting_with_two_bookings():
    sitting = SittingFactory(capacity=5)
    book(endorsed(), sitting)
    book(endorsed(), sitting)
    cancelled = book(endorsed(), sitting)
    type(cancelled).objects.filter(pk=cancelled.pk).update(state=AttemptState.CANCELLED)
    return sitting


def test_changing_a_centre_is_audited(back_office):
    centre = CentreFactory(name="Leeds Civic Hall")
    response = post_change(back_office, centre, name="Leeds Town Hall")
    assert response.status_code == 302
    [event] = admin_events(centre)
    assert event.action == "admin.changed"
    assert event.detail["changes"] == {
        "name": {"before": "Leeds Civic Hall", "after": "Leeds Town Hall"}
    }


def test_changing_a_sittings_capacity_is_audited(back_office, sitting_with_two_bookings):
    sitting = sitting_with_two_bookings
    response = post_change(back_office, sitting, capacity="2")
    assert response.status_code == 302
    [event] = admin_events(sitting)
    assert event.detail["changes"] == {"capacity": {"before": 5, "after": 2}}


def test_the_back_office_refuses_fewer_places_than_bookings(back_office, sitting_with_two_bookings):
    # given a sitting with 5 places and 2 candidates booked (a third cancelled)
    sitting = sitting_with_two_bookings
    # when the back office tries to cut it to 1 place
    response = post_change(back_office, sitting, capacity="1")
    # then the form says why, nothing changes and nothing is audited
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["capacity"]
    assert errors == [f"{FEWER_PLACES}, the number of candidates already booked on this sitting"]
    sitting.refresh_from_db()
    assert sitting.capacity == 5
    assert list(admin_events(sitting)) == []


def test_model_validation_keeps_the_same_rule(sitting_with_two_bookings):
    sitting = Sitting.objects.get(pk=sitting_with_two_bookings.pk)
    sitting.capacity = 1
    with pytest.raises(ValidationError) as caught:
        sitting.full_clean()
    assert FEWER_PLACES in caught.value.message_dict["capacity"][0]
    sitting.capacity = 2
    sitting.full_clean()  # as many places as bookings is fine
