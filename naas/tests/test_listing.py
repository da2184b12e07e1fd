"""The shared list mechanism (naas.listing) and the LA lead's staff list built on it: search,
each filter, each sort, pages, bad parameters, another LA's rows and a constant query count."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from naas.listing import CheckboxFilter, Column, DateFilter, ListQuery, SelectFilter, Sort
from naas.lists import STAFF
from naas.models import EmploymentType, Role, SocialWorker
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

WORDS = ListQuery(
    noun=("word", "words"),
    search=lambda rows, term: [r for r in rows if term in r],
    filters=(
        SelectFilter(
            "first",
            "First letter",
            lookup=lambda rows, v: [r for r in rows if r[0] == v],
            choices=(("a", "A"), ("b", "B")),
        ),
        CheckboxFilter(
            "long", "Only long words", lookup=lambda rows, v: [r for r in rows if len(r) > 4]
        ),
        DateFilter("since", "Since", lookup=lambda rows, v: rows),
    ),
    columns=(Column("Word", sort="word"), Column("Length", sort="length"), Column("Note")),
    sorts=(Sort("word", sort_key=str), Sort("length", sort_key=lambda r: (len(r), r))),
    page_size=2,
)
ROWS = ["banana", "apple", "bee", "ant", "avocado"]


def run(query=WORDS, rows=ROWS, **params):
    return query.run(RequestFactory().get("/", params), list(rows))


def test_a_plain_visit_shows_the_first_page_in_the_default_order():
    listing = run()
    assert list(listing.page) == ["ant", "apple"]
    assert listing.showing == "Showing 1 to 2 of 5 words"
    assert not listing.is_filtered and listing.status == 200


def test_search_filters_and_sort_combine():
    listing = run(search="an", first="b")
    assert list(listing.page) == ["banana"]
    assert run(long="on", sort="length", order="desc").page.paginator.object_list == [
        "avocado",
        "banana",
        "apple",
    ]


def test_headers_say_how_the_list_is_sorted_and_keep_the_filters():
    headers = run(first="a", sort="length", order="asc").headers
    word, length, note = headers
    assert (word.aria_sort, length.aria_sort, note.is_sortable) == ("none", "ascending", False)
    assert "first=a" in length.url and "order=desc" in length.url
    assert "order=asc" in word.url


@pytest.mark.parametrize(
    "params",
    [{"page": "999"}, {"page": "-1"}, {"page": "x"}, {"sort": "password"}, {"order": "sideways"}],
)
def test_a_bad_page_or_sort_falls_back_without_an_error(params):
    listing = run(**params)
    assert listing.status == 200 and listing.errors == []
    assert len(listing.page) >= 1


def test_an_unknown_filter_value_is_told_back_and_ignored():
    listing = run(first="z")
    assert listing.status == 400
    assert listing.errors == [("first", "Select first letter from the list")]
    assert listing.count == len(ROWS)
    assert "first=" not in listing.query_string


def test_a_date_that_is_not_real_is_told_back_on_the_day_box():
    listing = run(since_0="31", since_1="2", since_2="2026")
    assert listing.errors == [("since_0", "The since date must be a real date")]


def test_a_search_too_long_is_refused():
    listing = run(search="a" * 101)
    assert listing.errors[0][0] == "search" and listing.count == len(ROWS)


def test_the_pagination_keeps_the_filters_but_not_the_page():
    listing = run(first="a", page="2")
    assert "first=a" in listing.query_string and "page" not in listing.query_string


def test_defaults_apply_only_on_a_first_visit():
    request = RequestFactory().get("/")
    assert WORDS.run(request, ROWS, defaults={"long": "on"}).count == 3
    unticked = RequestFactory().get("/", {"sort": "word", "order": "asc"})
    assert WORDS.run(unticked, ROWS, defaults={"long": "on"}).count == 5


# --- The staff list -------------------------------------------------------------------------


def _lead_with_staff(count: int):
    la = LocalAuthorityFactory()
    lead = staff_user(Role.LA_LEAD, la)
    for n in range(count):
        SocialWorkerFactory(
            local_authority=la,
            user=UserFactory(full_name=f"Person {n:03}"),
            employment_type=EmploymentType.AGENCY if n % 3 == 0 else EmploymentType.PERMANENT,
        )
    return la, lead


def _get(client, la, **params):
    return client.get(reverse("naas:staff_list", kwargs={"la_id": la.pk}), params)


@pytest.mark.parametrize(
    "params", [{}, {"search": "Person", "employment": "agency", "sort": "employed"}]
)
def test_the_staff_list_costs_the_same_queries_for_3_and_30_workers(client, params):
    counts = []
    for size in (3, 30):
        la, lead = _lead_with_staff(size)
        client.force_login(lead)
        _get(client, la, **params)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, la, **params).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_staff_search_filter_and_sort(client):
    la, lead = _lead_with_staff(30)
    client.force_login(lead)
    found = _get(client, la, search="person 007").context["listing"]
    assert [w.user.full_name for w in found.page] == ["Person 007"]
    agency = _get(client, la, employment="agency").context["listing"]
    assert agency.count == 10
    assert {w.employment_type for w in agency.page} == {EmploymentType.AGENCY}
    newest = _get(client, la, sort="employed", order="desc").context["listing"]
    dates = [w.employed_since for w in newest.page]
    assert dates == sorted(dates, reverse=True)
    none = _get(client, la, supervisor="no").context["listing"]
    assert none.count == SocialWorker.objects.filter(local_authority=la, supervisor=None).count()


def test_staff_pages_and_bounds(client):
    la, lead = _lead_with_staff(30)
    client.force_login(lead)
    first = _get(client, la).context["listing"]
    assert first.showing == f"Showing 1 to {STAFF.page_size} of 30 social workers"
    last = _get(client, la, page="99").context["listing"]
    assert last.page.number == last.page.paginator.num_pages


def test_a_bad_staff_filter_is_a_govuk_error_and_changes_nothing(client):
    la, lead = _lead_with_staff(3)
    client.force_login(lead)
    before = SocialWorker.objects.count()
    response = _get(client, la, employment="<script>")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#employment"' in body
    assert "<title>Error: " in body
    assert SocialWorker.objects.count() == before


def test_another_las_workers_never_appear(client):
    la, lead = _lead_with_staff(3)
    other = SocialWorkerFactory(user=UserFactory(full_name="Person 001 Elsewhere"))
    client.force_login(lead)
    listing = _get(client, la, search="Person 001").context["listing"]
    assert other not in list(listing.page) and listing.count == 1
