"""The assessment work lists on naas.listing: the LA lead's bookings, the booking page's
sittings, adjustments, outcomes, published outcomes and the marking queues. Each page costs the
same queries at two sizes; search, filters, sorts, bounds and bad values; never another LA's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import AdjustmentKind, MarkerRole
from assessment.services import AdjustmentAsk
from assessment.tests.factories import (
    CentreFactory,
    SittingFactory,
    administrator,
    allocate,
    book,
    endorsed,
    published_attempt,
    sat_attempt,
)
from naas.models import Role
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_marking(settings):
    """Published outcomes here are first-marked only: none is drawn for second marking."""
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0


def _bookings(la, count, *, adjustments=()):
    sitting = SittingFactory(capacity=100)
    return [
        book(
            endorsed(
                SocialWorkerFactory(
                    local_authority=la, user=UserFactory(full_name=f"Person {n:03}")
                )
            ),
            sitting,
            adjustments=adjustments,
        )
        for n in range(count)
    ]


def _same_queries(client, user, url, build, params=None, sizes=(3, 30)):
    counts = []
    for size in sizes:
        build(size)
        client.force_login(user)
        client.get(url, params or {})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params or {})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The LA lead's bookings -------------------------------------------------------------------


def test_bookings_cost_the_same_queries_for_3_and_30(client):
    la = LocalAuthorityFactory()
    lead = staff_user(Role.LA_LEAD, la)
    _same_queries(client, lead, reverse("assessment:la_bookings"), lambda n: _bookings(la, n))


def test_bookings_search_filters_sorts_and_bad_values(client):
    la = LocalAuthorityFactory()
    lead = staff_user(Role.LA_LEAD, la)
    attempts = _bookings(la, 4)
    other_centre = SittingFactory(date=timezone.localdate() + timedelta(days=30))
    book(
        endorsed(SocialWorkerFactory(local_authority=la, user=UserFactory(full_name="Zed Late"))),
        other_centre,
    )
    stranger = _bookings(LocalAuthorityFactory(), 1)[0]
    client.force_login(lead)
    url = reverse("assessment:la_bookings")

    def listing(**params):
        return client.get(url, params).context["listing"]

    assert listing().count == 5
    assert [a.worker.user.full_name for a in listing(search="person 002").page] == ["Person 002"]
    assert listing(centre=str(other_centre.centre_id)).count == 1
    assert listing(status="booked").count == 5 and listing(status="sat").count == 0
    names = [a.worker.user.full_name for a in listing(sort="name", order="desc").page]
    assert names == sorted(names, reverse=True)
    assert [a.pk for a in listing().page][:4] == [a.pk for a in attempts]  # soonest sitting first
    assert stranger.pk not in {a.pk for a in listing(search=stranger.worker.user.full_name).page}
    bad = client.get(url, {"centre": "99999999"})
    assert bad.status_code == 400 and bad.context["listing"].count == 5


# --- The booking page's sittings ------------------------------------------------------------


def test_the_booking_page_filters_sittings_and_keeps_the_filters_in_the_url(client):
    worker = SocialWorkerFactory()
    endorsement = endorsed(worker)
    near, far = CentreFactory(name="Near"), CentreFactory(name="Far")
    soon = SittingFactory(centre=near, date=timezone.localdate() + timedelta(days=10))
    later = SittingFactory(centre=far, date=timezone.localdate() + timedelta(days=40))
    full = SittingFactory(centre=near, capacity=1, date=timezone.localdate() + timedelta(days=20))
    book(endorsed(SocialWorkerFactory()), full)
    client.force_login(worker.user)
    url = reverse("assessment:book", kwargs={"endorsement_id": endorsement.pk})

    def shown(**params):
        response = client.get(url, params)
        return set(response.context["form"].fields["sitting"].queryset), response

    first_visit, _ = shown()
    assert first_visit == {soon, later}  # only free seats, until the box is unticked
    everything, _ = shown(sort="date", order="asc")
    assert everything == {soon, later, full}
    assert shown(centre=str(far.pk), free_seats="on")[0] == {later}
    cutoff = later.date - timedelta(days=1)
    until, response = shown(
        sitting_to_0=cutoff.day, sitting_to_1=cutoff.month, sitting_to_2=cutoff.year
    )
    assert later not in until
    assert f"sitting_to_0={cutoff.day}" in response.context["query_string"]
    _bad_set, bad = shown(sitting_from_0="31", sitting_from_1="2", sitting_from_2="2027")
    assert bad.status_code == 400 and "must be a real date" in bad.content.decode()


def test_the_booking_page_costs_the_same_queries_for_3_and_30_sittings(client):
    worker = SocialWorkerFactory()
    endorsement = endorsed(worker)
    url = reverse("assessment:book", kwargs={"endorsement_id": endorsement.pk})
    _same_queries(client, worker.user, url, lambda n: [SittingFactory() for _ in range(n)])


# --- Adjustments -----------------------------------------------------------------------------

ASK = [AdjustmentAsk(AdjustmentKind.EXTRA_TIME, "")]


def test_adjustment_lists_cost_the_same_queries(client):
    admin = administrator()
    la = LocalAuthorityFactory()
    _same_queries(
        client,
        admin,
        reverse("assessment:adjustment_queue"),
        lambda n: _bookings(la, n, adjustments=ASK),
    )

    def decided(n):
        for attempt in _bookings(la, n, adjustments=ASK):
            for request in attempt.adjustments.all():
                services.adjustment_decide(
                    adjustment=request, approve=True, reason="Fine.", actor=admin
                )

    _same_queries(client, admin, reverse("assessment:adjustment_decisions"), decided)


def test_adjustment_filters_search_and_the_filtered_csv(client):
    admin = administrator()
    la = LocalAuthorityFactory()
    attempts = _bookings(la, 3, adjustments=ASK)
    _bookings(la, 1, adjustments=[AdjustmentAsk(AdjustmentKind.READER, "")])
    client.force_login(admin)
    queue = reverse("assessment:adjustment_queue")
    assert client.get(queue, {"kind": "reader"}).context["listing"].count == 1
    assert client.get(queue, {"search": "person 000"}).context["listing"].count == 2
    for i, attempt in enumerate(attempts):
        services.adjustment_decide(
            adjustment=attempt.adjustments.get(), approve=i != 0, reason="Because.", actor=admin
        )
    decisions = reverse("assessment:adjustment_decisions")
    assert client.get(decisions, {"decision": "declined"}).context["listing"].count == 1
    csv = client.get(decisions, {"decision": "approved", "format": "csv"})
    assert csv.content.decode().count("\n") == 1 + 2
    assert client.get(decisions, {"decision": "pending"}).status_code == 400


# --- Outcomes and marking ----------------------------------------------------------------------
# A published outcome goes through booking, marking, confirming and publishing: the two sizes
# are smaller here, and still show the count does not grow with the rows.


def test_published_outcomes_cost_the_same_queries(client):
    admin = administrator()
    url = reverse("assessment:published_outcome_list")
    params = {"result": "met", "sort": "la"}
    _same_queries(
        client,
        admin,
        url,
        lambda n: [published_attempt(admin=admin) for _ in range(n)],
        params,
        sizes=(2, 6),
    )


def test_published_outcomes_filters_by_la_result_and_date(client, frozen_today):
    admin = administrator()
    la = LocalAuthorityFactory(name="Aaa Borough")
    _mine, outcome = published_attempt(SocialWorkerFactory(local_authority=la), admin=admin)
    published_attempt(admin=admin)
    client.force_login(admin)
    url = reverse("assessment:published_outcome_list")

    def listing(**params):
        return client.get(url, params).context["listing"]

    assert listing().count == 2
    assert [o.pk for o in listing(la=str(la.pk)).page] == [outcome.pk]
    assert listing(result=outcome.result).count == 2
    assert listing(result="not_met").count == 0
    assert listing(search=outcome.reference).count == 1
    tomorrow = frozen_today + timedelta(days=1)
    later = {
        "published_from_0": tomorrow.day,
        "published_from_1": tomorrow.month,
        "published_from_2": tomorrow.year,
    }
    assert listing(**later).count == 0
    assert (
        next(o.attempt.worker.local_authority.name for o in listing(sort="la").page)
        == "Aaa Borough"
    )
    assert client.get(url, {"la": "x"}).status_code == 400
    assert (
        reverse("assessment:published_outcome_list")
        in client.get(reverse("assessment:outcome_list")).content.decode()
    )


def test_the_published_list_is_for_administrators_only(client):
    client.force_login(staff_user(Role.LA_LEAD))
    assert client.get(reverse("assessment:published_outcome_list")).status_code == 403


def test_outcomes_to_confirm_and_allocation_queue_cost_the_same_queries(client):
    admin = administrator()

    def marked(n):
        from assessment.tests.factories import first_mark

        for _ in range(n):
            first_mark(sat_attempt(admin=admin), admin=admin)

    _same_queries(client, admin, reverse("assessment:outcome_list"), marked, sizes=(2, 6))
    _same_queries(
        client,
        admin,
        reverse("assessment:allocation_queue"),
        lambda n: [sat_attempt(admin=admin) for _ in range(n)],
        sizes=(2, 6),
    )


def test_the_marking_queue_costs_the_same_queries_and_filters_by_part(client):
    admin = administrator()
    assessor = staff_user(Role.ASSESSOR, LocalAuthorityFactory())

    def allocated(n):
        for _ in range(n):
            allocate(sat_attempt(admin=admin), MarkerRole.FIRST, admin=admin, assessor=assessor)

    url = reverse("assessment:assessor_home")
    _same_queries(client, assessor, url, allocated, sizes=(2, 6))
    assert client.get(url, {"part": MarkerRole.FIRST}).context["listing"].count == 8
    assert client.get(url, {"part": MarkerRole.MODERATOR}).context["listing"].count == 0
    assert client.get(url, {"part": "boss"}).status_code == 400
