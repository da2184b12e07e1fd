"""Borderline-regression pages: who may see and use them, the run form's GOV.UK errors, the
check-your-answers adoption (sent once), and constant query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import BorderlineAnalysis, OutcomeRuleSet
from assessment.tests.factories import administrator, sat_attempt
from assessment.tests.psychometrics.test_borderline import _stored
from naas.models import KSSFramework, Level, Role
from naas.tests.factories import SocialWorkerFactory, staff_user


@pytest.fixture
def admin(db):
    return administrator()


@pytest.fixture
def framework(admin):
    return sat_attempt(admin=admin).framework


@pytest.fixture
def people(admin):
    return {
        "administrator": admin,
        "worker": SocialWorkerFactory().user,
        "supervisor": staff_user(Role.SUPERVISOR),
        "assessor": staff_user(Role.ASSESSOR),
        "dfe": staff_user(Role.DFE),
    }


PAGES = [
    ("assessment:borderline_list", False),
    ("assessment:borderline_run", False),
    ("assessment:borderline_detail", True),
]


@pytest.mark.parametrize(("name", "per_analysis"), PAGES)
def test_only_administrators_see_the_pages(client, people, framework, name, per_analysis):
    analysis = _stored(people["administrator"], framework, {1: 2.6})
    url = reverse(name, args=[analysis.pk] if per_analysis else [])
    for role, user in people.items():
        client.force_login(user)
        expected = 200 if role == "administrator" else 403
        assert client.get(url).status_code == expected, role
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_nobody_else_can_adopt_or_reach_the_check_page(client, people, framework):
    analysis = _stored(people["administrator"], framework, {1: 2.6})
    for role, user in people.items():
        if role == "administrator":
            continue
        client.force_login(user)
        for name in ("borderline_adopt", "borderline_adopt_check", "borderline_adopted"):
            url = reverse(f"assessment:{name}", args=[analysis.pk])
            assert client.post(url).status_code == 403, (role, name)
    assert not BorderlineAnalysis.objects.get(pk=analysis.pk).is_adopted


def _dates(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_running_from_the_form_stores_the_analysis(client, admin, framework, frozen_today):
    client.force_login(admin)
    data = {
        "framework": framework.pk,
        **_dates("window_start", frozen_today - timedelta(days=30)),
        **_dates("window_end", frozen_today),
    }
    response = client.post(reverse("assessment:borderline_run"), data)
    analysis = BorderlineAnalysis.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assessment:borderline_detail", args=[analysis.pk])
    page = client.get(response.url).content.decode()
    assert "Too few" in page and "Too few candidates: 0" in page


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-3, -5, "The end of the window must be the same as or after its start"),
        (-3, 2, "The end of the window must be between"),
        (4, 5, "The start of the window must be between"),
    ],
)
def test_the_form_refuses_a_bad_window_with_a_govuk_error(
    client, admin, framework, frozen_today, start, end, message
):
    client.force_login(admin)
    data = {
        "framework": framework.pk,
        **_dates("window_start", frozen_today + timedelta(days=start)),
        **_dates("window_end", frozen_today + timedelta(days=end)),
    }
    response = client.post(reverse("assessment:borderline_run"), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text and message in text
    assert not BorderlineAnalysis.objects.exists()


def test_adopting_goes_through_check_your_answers_once(client, admin, framework):
    analysis = _stored(admin, framework, {1: 2.6})
    services.rule_set_current(framework)  # version 1, which a flush by another test removes
    count = OutcomeRuleSet.objects.filter(framework=framework).count()
    client.force_login(admin)
    check_url = reverse("assessment:borderline_adopt_check", args=[analysis.pk])
    # Nothing is made until the check page is sent.
    response = client.post(reverse("assessment:borderline_adopt", args=[analysis.pk]))
    assert response.url == check_url
    check = client.get(check_url).content.decode()
    assert "Observation threshold 2.50 becomes <strong>2.60</strong>" in check
    assert OutcomeRuleSet.objects.filter(framework=framework).count() == count
    response = client.post(check_url)
    assert response.url == reverse("assessment:borderline_adopted", args=[analysis.pk])
    assert "Borderline cuts adopted" in client.get(response.url).content.decode()
    # A second send finds nothing waiting and changes nothing.
    again = client.post(check_url)
    assert again.status_code == 302
    assert OutcomeRuleSet.objects.filter(framework=framework).count() == count + 1


def test_an_adopted_analysis_offers_no_adoption(client, admin, framework):
    analysis = _stored(admin, framework, {1: 2.6})
    client.force_login(admin)
    client.post(reverse("assessment:borderline_adopt", args=[analysis.pk]))
    client.post(reverse("assessment:borderline_adopt_check", args=[analysis.pk]))
    page = client.get(reverse("assessment:borderline_detail", args=[analysis.pk]))
    assert "already been adopted" in page.content.decode()
    assert "Adopt these cuts</button>" not in page.content.decode()


def _other_framework():
    return KSSFramework.objects.get(level=Level.SUPERVISOR, is_current=True)


def _grow(admin, framework, how_many):
    for _ in range(how_many):
        _stored(admin, framework, {1: 2.6, 2: 2.4})
        _stored(admin, _other_framework(), {1: 2.6})


@pytest.mark.parametrize("name", ["borderline_list", "borderline_detail", "borderline_check"])
def test_each_page_has_a_constant_query_count(
    client, admin, framework, django_assert_max_num_queries, name
):
    client.force_login(admin)
    analysis = _stored(admin, framework, {1: 2.6})
    url = {
        "borderline_list": reverse("assessment:borderline_list"),
        "borderline_detail": reverse("assessment:borderline_detail", args=[analysis.pk]),
        "borderline_check": reverse("assessment:borderline_adopt_check", args=[analysis.pk]),
    }[name]
    if name == "borderline_check":
        client.post(reverse("assessment:borderline_adopt", args=[analysis.pk]))
    client.get(url)  # the first request after signing in also loads the session's user
    counts = []
    for size in (1, 5):
        _grow(admin, framework, size)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
