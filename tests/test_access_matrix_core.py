"""Every role against every core URL, with the answer each must get.

ok: 200 · home→X: redirect to that start page · login: redirect to sign-in ·
admin-login: redirect to the back office's sign-in · 403: forbidden."""

import pytest
from django.urls import reverse

from naas.tests.clock import frozen_today_fixture
from naas.tests.factories import LocalAuthorityFactory, UserFactory
from tests.worlds import ROLES, one_user_per_role

pytestmark = pytest.mark.django_db

# Every test here runs on the same day (start pages show readiness and dates worked out from it).
frozen_today = frozen_today_fixture()

START = {
    "social_worker": "endorsement:my_endorsement",
    "supervisor": "endorsement:supervisees",
    "la_lead": "naas:staff_start",
    "assessor": "assessment:assessor_home",
    "moderator": "assessment:assessor_home",
    "administrator": "assessment:admin_home",
    "dfe": "reporting:dashboard",
    "superuser": "admin:index",
}

# url key -> expected answer per role (anything not listed answers 403)
EXPECTED = {
    "sign_in": {"anonymous": "ok", **dict.fromkeys(ROLES[1:], "redirect:home")},
    "accessibility": dict.fromkeys(ROLES, "ok"),
    "home": {
        "anonymous": "login",
        **{role: f"redirect:{name}" for role, name in START.items()},
    },
    "staff_start": {"anonymous": "login", "la_lead": "redirect:own_staff_list"},
    "staff_list": {"anonymous": "login", "la_lead": "ok"},
    "staff_import": {"anonymous": "login", "la_lead": "ok"},
    "other_la_staff_list": {"anonymous": "login"},
    "other_la_staff_import": {"anonymous": "login"},
    "admin_index": {**dict.fromkeys(ROLES, "admin-login"), "superuser": "ok"},
    "admin_social_workers": {**dict.fromkeys(ROLES, "admin-login"), "superuser": "ok"},
}


@pytest.fixture
def world():
    la, other_la = LocalAuthorityFactory(), LocalAuthorityFactory()
    users = one_user_per_role(la)
    urls = {
        "sign_in": reverse("login"),
        "accessibility": reverse("accessibility"),
        "home": reverse("home"),
        "staff_start": reverse("naas:staff_start"),
        "staff_list": reverse("naas:staff_list", kwargs={"la_id": la.pk}),
        "staff_import": reverse("naas:staff_import", kwargs={"la_id": la.pk}),
        "other_la_staff_list": reverse("naas:staff_list", kwargs={"la_id": other_la.pk}),
        "other_la_staff_import": reverse("naas:staff_import", kwargs={"la_id": other_la.pk}),
        "admin_index": reverse("admin:index"),
        "admin_social_workers": reverse("admin:naas_socialworker_changelist"),
    }
    return {"users": users, "urls": urls, "la": la}


def _expected_location(expected: str, world) -> str:
    target = expected.removeprefix("redirect:")
    if target == "home":
        return reverse("home")
    if target == "own_staff_list":
        return reverse("naas:staff_list", kwargs={"la_id": world["la"].pk})
    return reverse(target)


@pytest.mark.parametrize("url_key", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_core_access_matrix(client, world, role, url_key):
    # given a user in this role (or no one)
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    url = world["urls"][url_key]
    expected = EXPECTED[url_key].get(role, "403")
    # when they open the URL
    response = client.get(url)
    # then they get the answer the matrix gives
    if expected == "ok":
        assert response.status_code == 200
    elif expected == "403":
        assert response.status_code == 403
        assert "You do not have permission" in response.content.decode()
    elif expected == "login":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    elif expected == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == 302
        assert response["Location"] == _expected_location(expected, world)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "la_lead")])
def test_only_la_leads_may_post_an_import(client, world, role):
    client.force_login(world["users"][role])
    response = client.post(world["urls"]["staff_import"], {})
    assert response.status_code == 403


def test_a_user_with_no_role_is_refused_everywhere_but_public_pages(client, world):
    client.force_login(UserFactory())
    assert client.get(world["urls"]["home"]).status_code == 403
    for key in ["staff_start", "staff_list", "staff_import"]:
        assert client.get(world["urls"][key]).status_code == 403
    assert client.get(world["urls"]["accessibility"]).status_code == 200
    assert client.get(world["urls"]["admin_index"]).status_code == 302


def test_a_staff_user_who_is_not_a_superuser_cannot_use_the_admin(client, world):
    # is_staff alone is not enough: the back office is for superusers only
    client.force_login(UserFactory(is_staff=True))
    response = client.get(world["urls"]["admin_index"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_every_core_model_is_in_the_admin(client, world):
    client.force_login(world["users"]["superuser"])
    for model in [
        "user",
        "phase",
        "localauthority",
        "socialworker",
        "staffrole",
        "kssframework",
        "auditevent",
    ]:
        response = client.get(reverse(f"admin:naas_{model}_changelist"))
        assert response.status_code == 200, model


def test_audit_events_are_read_only_in_the_admin(client, world):
    client.force_login(world["users"]["superuser"])
    assert client.get(reverse("admin:naas_auditevent_add")).status_code == 403
