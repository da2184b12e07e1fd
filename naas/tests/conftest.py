"""Every test of the core app runs on the same day (see naas/tests/clock.py)."""

from naas.tests.clock import frozen_today_fixture

frozen_today = frozen_today_fixture()
