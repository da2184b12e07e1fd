"""Every reporting test runs on TODAY, the day the hand-built dataset in factories.py is worked
out for, so periods, projections and monthly schedules never depend on the real date."""

from naas.tests.clock import frozen_today_fixture

from .factories import TODAY

frozen_today = frozen_today_fixture(TODAY)
