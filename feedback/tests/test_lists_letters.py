"""The administrator's letters page on naas.listing: the same queries for few and many
documents, search by reference, filters by kind and status, sorts, pages and bad values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.tests.factories import administrator, published_attempt
from feedback.models import Letter
from naas.models import DocumentState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_marking(settings):
    """Published outcomes here are first-marked only: none is drawn for second marking."""
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0


URL = reverse("feedback:letters")


def _letters(admin, count):
    """Outcomes published through the real services, each with its letter still to make."""
    return [Letter.objects.get(outcome=published_attempt(admin=admin)[1]) for _ in range(count)]


def test_the_letters_page_costs_the_same_queries_for_2_and_6_letters(client):
    admin = administrator()
    counts = []
    for size in (2, 6):
        _letters(admin, size)
        client.force_login(admin)
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"kind": "letter", "sort": "tries"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_letters_search_filters_sorts_and_bad_values(client):
    admin = administrator()
    letters = _letters(admin, 3)
    Letter.objects.filter(pk=letters[0].pk).update(state=DocumentState.FAILED, attempts=3)
    client.force_login(admin)

    def listing(**params):
        return client.get(URL, params).context["listing"]

    shown = listing().count
    assert shown >= 3
    assert [d.pk for _, d in listing(status=DocumentState.FAILED).page] == [letters[0].pk]
    assert listing(kind="certificate").count == shown - listing(kind="letter").count
    reference = letters[1].outcome.reference
    assert [d.pk for _, d in listing(search=reference.lower()).page] == [letters[1].pk]
    assert next(iter(listing(sort="tries", order="desc").page))[1].pk == letters[0].pk
    assert listing(page="500").page.number == 1
    response = client.get(URL, {"status": DocumentState.READY})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
