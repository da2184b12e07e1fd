"""The list of every local authority offered by the dashboard filters and the work lists: read
once into the cache, forgotten when an LA is added, renamed or removed, and read from the table
when the cache is down."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from naas.models import LocalAuthority, Role
from naas.selectors import local_authority_choices
from naas.tests.factories import LocalAuthorityFactory, staff_user

pytestmark = pytest.mark.django_db

LA_TABLE = LocalAuthority._meta.db_table


def _reads_of_the_la_table(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return sum(f'FROM "{LA_TABLE}"' in q["sql"] for q in queries.captured_queries)


def _names() -> list[str]:
    return [name for _, name in local_authority_choices()]


def test_the_list_is_every_la_by_name_and_read_once():
    LocalAuthorityFactory(name="Zedbury")
    LocalAuthorityFactory(name="Ashford")
    assert _reads_of_the_la_table(_names) == 1
    assert _reads_of_the_la_table(_names) == 0
    assert _names() == sorted(LocalAuthority.objects.values_list("name", flat=True))
    assert {"Ashford", "Zedbury"} <= set(_names())


def test_adding_renaming_or_removing_an_la_is_seen_at_once():
    la = LocalAuthorityFactory(name="Ashford")
    assert "Ashford" in _names()
    added = LocalAuthorityFactory(name="Brookham")
    assert "Brookham" in _names()
    la.name = "Ashford and Wye"
    la.save()
    assert "Ashford and Wye" in _names() and "Ashford" not in _names()
    added.delete()
    assert "Brookham" not in _names()


def test_with_the_cache_down_the_list_is_read_from_the_table():
    LocalAuthorityFactory(name="Ashford")
    broken = mock.patch("naas.speedup_cache.cache.get", side_effect=ConnectionError("down"))
    with broken, mock.patch("naas.speedup_cache.cache.set", side_effect=ConnectionError("down")):
        assert "Ashford" in _names()
        assert _reads_of_the_la_table(_names) == 1


def test_a_warm_dashboard_does_not_read_the_la_table_for_its_filter(client):
    LocalAuthorityFactory(name="Ashford")
    client.force_login(staff_user(Role.DFE))
    url = reverse("reporting:dashboard")
    assert _reads_of_the_la_table(lambda: client.get(url)) >= 1
    assert _reads_of_the_la_table(lambda: client.get(url)) == 0
    renamed = LocalAuthority.objects.get(name="Ashford")
    renamed.name = "Ashford and Wye"
    renamed.save()
    page = client.get(url).content.decode()
    assert ">Ashford and Wye</option>" in page


def test_the_dashboard_filter_escapes_every_name_and_marks_the_chosen_one(client):
    awkward = LocalAuthorityFactory(name="Bath & 'North' <East> \"Somerset\"")
    client.force_login(staff_user(Role.DFE))
    page = client.get(reverse("reporting:dashboard"), {"local_authority": awkward.pk})
    html = page.content.decode()
    assert (
        f'<option value="{awkward.pk}" selected>'
        "Bath &amp; &#x27;North&#x27; &lt;East&gt; &quot;Somerset&quot;</option>"
    ) in html
    assert "<East>" not in html
