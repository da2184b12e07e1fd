"""The results list for LA leads and supervisors on naas.listing: the same queries for few and
many workers, search by name or registration number, filters by LA and current result, sorts,
pages and bad values, and never a worker outside the person's remit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import OutcomeResult
from assessment.tests.factories import administrator, published_attempt
from feedback.lists import NO_RESULT
from feedback.tests.factories import PARTIAL, published_result
from naas.models import Role
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

URL = reverse("feedback:results_workers")


def _workers(la, count, start=0):
    return [
        SocialWorkerFactory(local_authority=la, user=UserFactory(full_name=f"Person {n:03}"))
        for n in range(start, start + count)
    ]


def test_the_results_list_costs_the_same_queries_for_3_and_30_workers(client):
    la = LocalAuthorityFactory()
    lead = staff_user(Role.LA_LEAD, la)
    published_attempt(SocialWorkerFactory(local_authority=la), admin=administrator())
    counts = []
    for start, size in ((0, 3), (3, 27)):
        _workers(la, size, start)
        client.force_login(lead)
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"result": OutcomeResult.MET, "sort": "result"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_results_search_filters_sorts_pages_and_bad_values(client):
    # given an LA lead's LA with a met worker, a partially met one and 30 without results
    la = LocalAuthorityFactory()
    lead = staff_user(Role.LA_LEAD, la)
    admin = administrator()
    met = published_attempt(SocialWorkerFactory(local_authority=la), admin=admin)[0].worker
    partial = published_result({1: PARTIAL}, worker=SocialWorkerFactory(local_authority=la))[
        0
    ].attempt.worker
    _workers(la, 30)
    stranger = SocialWorkerFactory(user=UserFactory(full_name="Person 999"))
    client.force_login(lead)

    def listing(**params):
        return client.get(URL, params).context["listing"]

    # then each filter, search and sort answers from the database
    assert listing().count == 32
    assert [w.pk for w in listing(result=OutcomeResult.MET).page] == [met.pk]
    assert [w.pk for w in listing(result=OutcomeResult.PARTIALLY_MET).page] == [partial.pk]
    assert listing(result=NO_RESULT).count == 30
    assert [w.pk for w in listing(search=met.registration_number).page] == [met.pk]
    assert listing(search="person 00").count == 10
    assert listing(la=str(la.pk)).count == 32
    first_by_result = next(iter(listing(sort="result").page))
    assert first_by_result.current_result == OutcomeResult.MET
    assert len(listing().page) == 25 and len(listing(page="2").page) == 7
    # and another LA's worker is never listed, even when searched for
    assert listing(search="Person 999").count == 0
    assert stranger.user.full_name not in client.get(URL, {"search": "999"}).content.decode()
    # and a filter value that is not a choice is told back with a GOV.UK error
    response = client.get(URL, {"result": "excellent"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select current result from the list" in page
    assert "<title>Error: " in page


def test_the_result_shown_is_the_current_outcome_label(client):
    la = LocalAuthorityFactory()
    lead = staff_user(Role.LA_LEAD, la)
    published_result({1: PARTIAL}, worker=SocialWorkerFactory(local_authority=la))
    client.force_login(lead)
    page = client.get(URL).content.decode()
    assert "Partially met" in page
    assert 'class="naas-table-scroll"' in page
