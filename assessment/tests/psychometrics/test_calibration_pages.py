"""Assessor calibration pages: who may open each one, and their query counts at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import services
from assessment.models import CalibrationSet, MarkerRole
from assessment.tests.factories import administrator, independent_assessor
from naas.models import Role
from naas.tests.factories import SocialWorkerFactory, staff_user

from .test_calibration import make_set, mark_all

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["calibration_sets", "calibration_set_create"]
CASE_PAGES = ["calibration_case_agreed"]
SET_PAGES = [
    "calibration_set_detail",
    "calibration_standings",
    "calibration_override",
    "calibration_set_activate",
]


@pytest.fixture
def active_set():
    return make_set(administrator())


def _people():
    return {
        "worker": SocialWorkerFactory().user,
        "supervisor": staff_user(Role.SUPERVISOR),
        "assessor": independent_assessor(),
        "dfe": staff_user(Role.DFE),
    }


def test_only_administrators_manage_calibration(client, active_set):
    urls = (
        [reverse(f"assessment:{name}") for name in ADMIN_PAGES]
        + [reverse(f"assessment:{name}", args=[active_set.pk]) for name in SET_PAGES]
        + [reverse(f"assessment:{name}", args=[active_set.cases.get().pk]) for name in CASE_PAGES]
    )
    for url in urls:
        assert client.get(url).status_code == 302, url  # to sign in
    for person in _people().values():
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 403, url
    client.force_login(administrator())
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_only_assessors_and_moderators_mark_calibration(client, active_set):
    case = active_set.cases.get()
    urls = [
        reverse("assessment:my_calibration"),
        reverse("assessment:calibration_case_mark", args=[case.pk]),
    ]
    for role in ("worker", "supervisor", "dfe"):
        client.force_login(_people()[role])
        for url in urls:
            assert client.get(url).status_code == 403, url
    client.force_login(administrator())
    assert client.get(urls[1]).status_code == 403
    for person in (independent_assessor(), independent_assessor(Role.MODERATOR)):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 200, url


def test_a_live_marker_of_the_case_does_not_get_it(client, active_set):
    case = active_set.cases.get()
    client.force_login(case.attempt.allocations.get(role=MarkerRole.FIRST).assessor)
    assert (
        client.get(reverse("assessment:calibration_case_mark", args=[case.pk])).status_code == 404
    )


# --- Query counts -----------------------------------------------------------------------------


def _pages(calibration_set, assessor):
    case = calibration_set.cases.first()
    marking = case.markings.filter(assessor=assessor).first()
    admin_pages = [
        reverse("assessment:calibration_sets"),
        reverse("assessment:calibration_set_detail", args=[calibration_set.pk]),
        reverse("assessment:calibration_standings", args=[calibration_set.pk]),
    ]
    assessor_pages = [
        reverse("assessment:my_calibration"),
        reverse("assessment:calibration_marking", args=[marking.pk]),
    ]
    return admin_pages, assessor_pages


def _counts(client, admin, assessor, calibration_set):
    admin_pages, assessor_pages = _pages(calibration_set, assessor)
    counts = []
    for who, urls in ((admin, admin_pages), (assessor, assessor_pages)):
        client.force_login(who)
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
    return counts


def _filled(calibration_set, admin, markers):
    services.calibration_set_activate(calibration_set=calibration_set, actor=admin)
    assessors = [independent_assessor() for _ in range(markers)]
    for assessor in assessors:
        mark_all(calibration_set, assessor)
    services.calibration_override_grant(
        calibration_set=calibration_set, assessor=independent_assessor(), reason="Why", actor=admin
    )
    return assessors[0]


def test_page_query_counts_do_not_grow_with_data(client, django_assert_max_num_queries):
    admin = administrator()
    # both sets built before either is active (the factories' live markers are uncalibrated)
    small = make_set(admin, cases=1, activate=False)
    large = make_set(admin, cases=3, activate=False)
    small_assessor = _filled(small, admin, markers=1)
    small_counts = _counts(client, admin, small_assessor, small)
    large_assessor = _filled(large, admin, markers=4)  # retires the small set
    large_counts = _counts(client, admin, large_assessor, large)
    assert large_counts == small_counts
    mark_counts = []
    for calibration_set in (small, large):
        calibration_set.active = True  # each set in turn, as if the only active one
        CalibrationSet.objects.exclude(pk=calibration_set.pk).update(active=False)
        calibration_set.save(update_fields=["active"])
        client.force_login(independent_assessor())
        url = reverse("assessment:calibration_case_mark", args=[calibration_set.cases.first().pk])
        with django_assert_max_num_queries(15) as captured:
            assert client.get(url).status_code == 200
        mark_counts.append(len(captured))
    assert mark_counts[0] == mark_counts[1]
