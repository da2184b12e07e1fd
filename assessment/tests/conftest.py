import pytest
from django.db import connection

from naas.models import Role
from naas.tests.clock import frozen_today_fixture
from naas.tests.factories import staff_user

from .factories import SittingFactory, administrator, endorsed

# Every assessment test runs on the same day, so sittings, booking windows, deadlines and
# validity never depend on the real date (see naas/tests/clock.py).
frozen_today = frozen_today_fixture()


@pytest.fixture
def admin_user(db):
    return administrator()


@pytest.fixture
def sitting(db):
    return SittingFactory()


@pytest.fixture
def endorsement(db):
    return endorsed()


@pytest.fixture
def assessor(db):
    return staff_user(Role.ASSESSOR)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL: set DATABASE_URL (as .ci/run does)")
