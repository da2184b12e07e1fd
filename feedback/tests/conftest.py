"""Every feedback test runs on the same day, so sittings, fast-track and review deadlines, bank
holidays and support-action due dates never depend on the real date."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Monday 15 June 2026, midday in England: no bank holiday within the review window.
TODAY = datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield
