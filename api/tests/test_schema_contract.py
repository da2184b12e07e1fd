"""The live OpenAPI schema (/api/schema/), checked against the app itself by schemathesis:
generated requests (well-formed and malformed) to every operation, with a token holding every
scope, must never get a 500, and every answer must match what the schema says (status codes,
content types, bodies, headers)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from api.models import Scope
from naas.models import Role
from naas.tests.factories import LocalAuthorityFactory, staff_user
from naas.wsgi import application

from .conftest import make_client

pytestmark = pytest.mark.django_db

EXAMPLES = 25  # per operation and phase: the whole run stays well under two minutes


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The app is called through its WSGI handler (as a server would): like Django's own test
    client, keep it from closing the database connection that holds the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def all_scopes_token(db, settings, wsgi_keeps_the_test_connection):
    # Budgets high enough that the generated requests are answered rather than throttled.
    settings.NAAS_API_RATE = "100000/minute"
    settings.NAAS_PUBLIC_CHECK_LIMIT = 100_000
    la = LocalAuthorityFactory()
    _, token = make_client(
        Scope.values,
        acting_user=staff_user(Role.LA_LEAD, la),
        local_authority=la,
        name="Contract",
    )
    return token


OPERATIONS = {
    ("POST", "/api/v1/sittings/{sitting_id}/results/"),
    ("GET", "/api/v1/accreditations/check"),
    ("GET", "/api/v1/staff/"),
    ("PATCH", "/api/v1/staff/"),
    ("GET", "/api/v1/dashboard/"),
}


# A well-formed request the service refuses (rows with errors, a filter naming no LA) is a 422:
# for schema-valid data that is an answer, never a failure.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)


def live_operations():
    """Every operation of the schema as the running app serves it."""
    loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)
    return [result.ok() for result in loaded.get_all_operations()]


# schemathesis.pytest.from_fixture (the lazy loader) reads `request.node._nodeid`, which
# pytest 9 no longer has; so each operation's strategy is driven with Hypothesis directly.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_schema(all_scopes_token, mode):
    operations = live_operations()
    assert {(op.method.upper(), op.path) for op in operations} == OPERATIONS
    auth = {"Authorization": f"Bearer {all_scopes_token}"}
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_to_the_schema(case):
            case.call_and_validate(headers=auth)

        keeps_to_the_schema()
