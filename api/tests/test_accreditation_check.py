"""GET /api/v1/accreditations/check: the public check page's answer, errors and rate limit."""

import pytest
from django.urls import reverse

from api.models import Scope
from feedback.tests.factories import published_result

from .conftest import http, make_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/accreditations/check"


@pytest.fixture
def checker(db):
    _, token = make_client([Scope.CHECK_READ])
    return http(token)


@pytest.fixture
def accredited(db):
    outcome, _ = published_result()
    worker = outcome.attempt.worker
    return worker, worker.accreditations.get()


def test_a_current_accreditation_is_valid_and_nothing_else_is_said(checker, accredited):
    worker, accreditation = accredited
    response = checker.get(
        URL,
        {
            "registration_number": worker.registration_number.lower(),
            "reference": accreditation.reference.lower(),
        },
    )
    assert response.status_code == 200
    assert response.json() == {"valid": True}
    assert worker.user.full_name not in response.content.decode()


def test_every_kind_of_not_found_is_the_same_answer(checker, accredited):
    worker, accreditation = accredited
    for number, reference in [
        (worker.registration_number, "ACC-AAAA-AAAA"),
        ("SW999999", accreditation.reference),
    ]:
        response = checker.get(URL, {"registration_number": number, "reference": reference})
        assert (response.status_code, response.json()) == (200, {"valid": False})


def test_bad_input_gets_the_pages_own_messages(checker):
    response = checker.get(URL, {"registration_number": "<script>"})
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["reference"] == "Enter the accreditation reference"
    assert "registration_number" in errors


def test_the_api_and_the_page_share_one_limit_per_address(checker, client, settings):
    # given a limit of three checks per address
    settings.NAAS_PUBLIC_CHECK_LIMIT = 3
    query = {"registration_number": "SW1", "reference": "ACC-AAAA-BBBB"}
    page = reverse("feedback:check_accreditation")
    # when one address checks twice on the page and then twice through the API
    assert client.post(page, query, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.post(page, query, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert checker.get(URL, query, REMOTE_ADDR="203.0.113.7").status_code == 200
    refused = checker.get(URL, query, REMOTE_ADDR="203.0.113.7")
    # then the fourth is refused, in the API's error shape, and another address may still check
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["code"] == "throttled"
    assert checker.get(URL, query, REMOTE_ADDR="203.0.113.8").status_code == 200
