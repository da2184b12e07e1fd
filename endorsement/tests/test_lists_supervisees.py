"""The supervisor's supervisees list (endorsement.lists): readiness worked out in one pass,
searched, filtered by status, what is missing and LA, sorted and paged, never another's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from endorsement.models import EndorsementState
from endorsement.tests.factories import eligible_worker, ready_endorsement
from naas.listing import PAGE_SIZE
from naas.models import Role
from naas.tests.factories import (
    LocalAuthorityFactory,
    SocialWorkerFactory,
    StaffRoleFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db
URL = reverse("endorsement:supervisees")


def _supervisor_with(count: int):
    """`count` supervisees: every third ready to sign off, every third endorsed, the rest not
    started (and so missing consent)."""
    la = LocalAuthorityFactory()
    supervisor = staff_user(Role.SUPERVISOR, la)
    for n in range(count):
        fields = {"local_authority": la, "supervisor": supervisor}
        worker = eligible_worker(user=UserFactory(full_name=f"Person {n:03}"), **fields)
        if n % 3 == 1:
            ready_endorsement(worker=worker)
        elif n % 3 == 2:
            ready_endorsement(EndorsementState.ENDORSED, worker=worker)
    return la, supervisor


def _listing(client, **params):
    response = client.get(URL, params)
    return response, response.context["listing"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "ready", "sort": "status", "search": "Person"},
        {"missing": "consent", "page": "2"},
    ],
)
def test_the_same_queries_for_3_and_30_supervisees(client, params):
    counts = []
    for size in (3, 30):
        _, supervisor = _supervisor_with(size)
        client.force_login(supervisor)
        client.get(URL, params)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_search_each_filter_and_sort(client):
    _, supervisor = _supervisor_with(9)
    client.force_login(supervisor)
    _, found = _listing(client, search="person 004")
    assert [row.worker.user.full_name for row in found.page] == ["Person 004"]
    _, ready = _listing(client, status="ready")
    assert ready.count == 3 and {row.status_label for row in ready.page} == {"Ready to sign off"}
    _, endorsed = _listing(client, status=EndorsementState.ENDORSED)
    assert {row.status_key for row in endorsed.page} == {EndorsementState.ENDORSED}
    _, not_started = _listing(client, status="not_started")
    assert not_started.count == 3
    _, missing_consent = _listing(client, missing="consent")
    assert {row.status_key for row in missing_consent.page} == {"not_started"}
    _, by_status = _listing(client, sort="status", order="desc")
    labels = [row.status_label for row in by_status.page]
    assert labels == sorted(labels, reverse=True)


def test_a_second_la_can_be_filtered(client):
    _la, supervisor = _supervisor_with(2)
    other_la = LocalAuthorityFactory()
    StaffRoleFactory(user=supervisor, role=Role.SUPERVISOR, local_authority=other_la)
    SocialWorkerFactory(local_authority=other_la, supervisor=supervisor)
    client.force_login(supervisor)
    _, everyone = _listing(client)
    _, only_other = _listing(client, la=str(other_la.pk))
    assert everyone.count == 3 and only_other.count == 1


def test_pages_and_bad_params(client):
    _, supervisor = _supervisor_with(PAGE_SIZE + 2)
    client.force_login(supervisor)
    _, second = _listing(client, page="2")
    assert len(second.page) == 2
    _, past_the_end = _listing(client, page="999", sort="nonsense", order="up")
    assert past_the_end.page.number == 2 and past_the_end.errors == []
    response, bad = _listing(client, status="drafty")
    assert response.status_code == 400
    assert bad.errors == [("status", "Select endorsement from the list")]
    assert bad.count == PAGE_SIZE + 2


def test_another_supervisors_supervisees_never_appear(client):
    _, supervisor = _supervisor_with(3)
    _, other = _supervisor_with(3)
    client.force_login(supervisor)
    _, listing = _listing(client, search="Person")
    shown = {row.worker.supervisor_id for row in listing.page}
    assert shown == {supervisor.pk} and other.pk not in shown
