"""Every public page takes only the methods its form uses: PUT, PATCH and DELETE answer 405.

(A method decorator on a helper instead of the view, or a FormView that treats PUT as POST,
once let them through with 200.)"""

import pytest
from django.urls import reverse

from naas.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "home": reverse("home"),
    "sign_in": reverse("login"),
    "sign_out": reverse("logout"),
    "accessibility": reverse("accessibility"),
    "password_reset": reverse("password_reset"),
    "password_reset_done": reverse("password_reset_done"),
    "password_reset_confirm": reverse(
        "password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"}
    ),
    "password_reset_complete": reverse("password_reset_complete"),
    "check_accreditation": reverse("feedback:check_accreditation"),
}


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_put_patch_and_delete_answer_405(client, page, method):
    response = getattr(client, method)(PUBLIC_PAGES[page], data="x=1")
    assert response.status_code == 405, (page, method)
    assert "PUT" not in response.get("Allow", "")


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "trace"])
def test_signed_in_pages_take_only_get_head_and_post(client, method):
    # given a signed-in superuser, who may open every page
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in SIGNED_IN_PAGES:
        # when any other method is used, then it is refused before a view runs
        response = getattr(client, method)(url)
        assert response.status_code == 405, (url, method)
        assert response["Allow"] == "GET, HEAD, POST"


SIGNED_IN_PAGES = ["/results/", "/reporting/", "/assessment/days/", "/admin/", "/no-such-page/"]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("home", 302),  # to sign in
        ("sign_in", 200),
        ("accessibility", 200),
        ("password_reset", 200),
        ("check_accreditation", 200),
    ],
)
def test_the_pages_still_answer_get(client, page, expected):
    assert client.get(PUBLIC_PAGES[page]).status_code == expected


def test_the_public_check_still_takes_its_form(client):
    data = {"registration_number": "SW1", "reference": "ACC-AAAA-BBBB"}
    response = client.post(PUBLIC_PAGES["check_accreditation"], data)
    assert response.status_code == 200
    assert "We could not find a current accreditation" in response.content.decode()
