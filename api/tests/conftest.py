"""Every API test runs on the same day (naas/tests/clock.py), with clients made through the
real service (their tokens only ever known from its return value)."""

import pytest
from rest_framework.test import APIClient

from api import services
from api.models import Scope
from naas.models import Role
from naas.tests.clock import frozen_today_fixture
from naas.tests.factories import LocalAuthorityFactory, staff_user

frozen_today = frozen_today_fixture()

_names = {"n": 0}


def make_client(scopes, *, acting_user=None, local_authority=None, name=None):
    """An ApiClient made through the service, and its token."""
    _names["n"] += 1
    return services.api_client_create(
        name=name or f"Partner {_names['n']}",
        scopes=list(scopes),
        acting_user=acting_user or staff_user(Role.ADMINISTRATOR),
        local_authority=local_authority,
    )


def http(token=None) -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def la(db):
    return LocalAuthorityFactory(name="Northshire")


@pytest.fixture
def la_lead(la):
    return staff_user(Role.LA_LEAD, la)


@pytest.fixture
def hr(la, la_lead):
    """An LA HR client of Northshire, acting as its LA lead."""
    client, token = make_client(
        [Scope.STAFF_READ, Scope.STAFF_WRITE], acting_user=la_lead, local_authority=la
    )
    return client, http(token)


@pytest.fixture
def admin_user(db):
    return staff_user(Role.ADMINISTRATOR)


@pytest.fixture
def sitting(db):
    from assessment.tests.factories import SittingFactory

    return SittingFactory()
