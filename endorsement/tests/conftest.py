"""Every endorsement test runs on the same day, so tenure, supervision and service-user feedback
windows and validity never depend on the real date (see naas/tests/clock.py)."""

from naas.tests.clock import frozen_today_fixture

frozen_today = frozen_today_fixture()
