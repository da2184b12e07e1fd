"""Every API URL × every scope (and no token, and a made-up one), with other people's ids:
another LA's staff, a sitting the client has nothing to do with. The URLs come from the
resolver, so an endpoint added tomorrow must be listed here tomorrow.

Each answer is 401 (no valid token), 403 (not this scope, or not this LA's client) or 404 (no
such object), unless the scope is the endpoint's; then it is answered, shows no other LA's
people, and changes nothing a refusal should not."""

import pytest
from django.urls import reverse

from api.models import Scope
from assessment.tests.factories import SittingFactory
from naas.models import AuditEvent, Role, SocialWorker, User
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, staff_user
from tests.test_access_matrix_all import all_patterns

from .conftest import http, make_client

pytestmark = pytest.mark.django_db

# What each endpoint asks for, by URL name and method: (scope, body).
ENDPOINTS = {
    "api:sitting_results": {"post": Scope.RESULTS_WRITE},
    "api:check": {"get": Scope.CHECK_READ},
    "api:staff": {"get": Scope.STAFF_READ, "patch": Scope.STAFF_WRITE},
    "api:dashboard": {"get": Scope.DASHBOARD_READ},
}
PUBLIC = {"api:schema", "api:docs"}
NO_TOKEN = "no token"
MADE_UP = "made-up token"


def api_patterns():
    return [p for p in all_patterns() if p.route.startswith("api/")]


def test_every_api_url_is_in_this_matrix():
    assert {p.name for p in api_patterns()} == set(ENDPOINTS) | PUBLIC


@pytest.fixture
def world(db):
    """Northshire's HR client for every scope, and Southshire's people and sitting."""
    north, south = LocalAuthorityFactory(name="Northshire"), LocalAuthorityFactory(name="South")
    north_lead = staff_user(Role.LA_LEAD, north)
    stranger = SocialWorkerFactory(
        local_authority=south,
        registration_number="SW7777",
        user__full_name="Sally Southshire",
        user__email="sally@south.example",
    )
    tokens = {NO_TOKEN: None, MADE_UP: "not-a-token"}
    admin = staff_user(Role.ADMINISTRATOR)  # the test platform's writes run as one
    for scope in Scope.values:
        acting = admin if scope == Scope.RESULTS_WRITE else north_lead
        _, tokens[scope] = make_client([scope], acting_user=acting, local_authority=north)
    return {"stranger": stranger, "sitting": SittingFactory(), "tokens": tokens, "south": south}


def request(api, name, method, world):
    kwargs = {"sitting_id": world["sitting"].pk} if name == "api:sitting_results" else {}
    url = reverse(name, kwargs=kwargs)
    stranger = world["stranger"]
    if name == "api:sitting_results":
        body = {
            "rows": [
                {
                    "registration_number": stranger.registration_number,
                    "test_form": "F",
                    "item": "Q",
                    "options_chosen": "A",
                }
            ]
        }
        return api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="matrix")
    if name == "api:staff" and method == "patch":
        row = {
            "full_name": "Taken Over",
            "email": stranger.user.email,
            "registration_number": stranger.registration_number,
            "employment_type": "permanent",
            "employed_since": "2020-01-01",
            "supervisor_email": stranger.supervisor.email,
        }
        return api.patch(url, {"rows": [row]}, format="json")
    if name == "api:check":
        return api.get(
            url, {"registration_number": stranger.registration_number, "reference": "ACC-AAAA-AAAA"}
        )
    if name == "api:dashboard":
        return api.get(url, {"local_authority": world["south"].pk})
    return getattr(api, method)(url)


def database() -> tuple:
    return (
        sorted(SocialWorker.objects.values_list("pk", "user__full_name", "user__email")),
        User.objects.count(),
        AuditEvent.objects.exclude(action="api_client.created").count(),
    )


@pytest.mark.parametrize("who", [NO_TOKEN, MADE_UP, *Scope.values])
def test_each_token_reaches_only_its_own_scope(world, who):
    problems = []
    api = http(world["tokens"][who])
    for name, methods in ENDPOINTS.items():
        for method, scope in methods.items():
            before = database()
            response = request(api, name, method, world)
            status = response.status_code
            body = response.content.decode()
            where = f"{who}: {method.upper()} {name}"
            if who in (NO_TOKEN, MADE_UP):
                expected = {401}
            elif who != scope:
                expected = {403}
            elif name == "api:sitting_results":
                expected = {422}  # answered: the other LA's worker is not booked on it
            elif name == "api:staff" and method == "patch":
                expected = {422}  # answered: another LA's worker, refused by the import
            else:
                expected = {200}
            if status not in expected:
                problems.append(f"{where}: {status}, expected {sorted(expected)}")
            if "Sally Southshire" in body or "sally@south.example" in body:
                problems.append(f"{where}: showed the other LA's worker")
            if database() != before:
                problems.append(f"{where}: changed the database")
            assert response.json().get("errors") is not None or status == 200, where
    assert problems == [], "\n".join(problems)


def test_other_methods_are_refused_for_every_token(world):
    for who in [NO_TOKEN, *Scope.values]:
        api = http(world["tokens"][who])
        for name, methods in ENDPOINTS.items():
            kwargs = {"sitting_id": world["sitting"].pk} if name == "api:sitting_results" else {}
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post", "put", "patch", "delete"):
                if method in methods:
                    continue
                status = getattr(api, method)(url).status_code
                assert status in (401, 403, 405), (who, method, name, status)


def test_a_sitting_that_does_not_exist_is_a_404_for_the_results_scope(world):
    api = http(world["tokens"][Scope.RESULTS_WRITE])
    url = reverse("api:sitting_results", kwargs={"sitting_id": 10_000_000})
    response = api.post(url, {"rows": []}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 404
