"""The candidate's assessment page says where to go, what to bring and how long they have to
ask for a review: the review timescale is the one the review service enforces."""

import pytest
from django.urls import reverse

from assessment import rules
from assessment.views.scheduling import WHAT_TO_BRING

from .factories import SittingFactory, book, endorsed

pytestmark = pytest.mark.django_db


def test_a_booked_candidate_sees_the_centre_what_to_bring_and_the_review_window(client):
    # given a candidate booked on a sitting
    endorsement = endorsed()
    sitting = SittingFactory()
    book(endorsement, sitting)
    client.force_login(endorsement.worker.user)
    # when they open their assessment page
    page = client.get(reverse("assessment:my_assessment")).content.decode()
    # then it names the centre and its address, the list of things to bring, and the review rule
    assert sitting.centre.name in page
    assert sitting.centre.address.splitlines()[0] in page
    for thing in WHAT_TO_BRING:
        assert thing[1:] in page  # the page capitalises the first letter
    assert f"within {rules.review_window_working_days()} working days" in page
