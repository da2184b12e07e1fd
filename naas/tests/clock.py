"""The tests' clock: every date-sensitive test runs on a fixed "today", so no test passes or
fails because of the real date (`NAAS_TEST_CLOCK=2031-12-31 make test` checks that).

Each test package's conftest.py makes its own `frozen_today` fixture with `frozen_today_fixture`
(autouse: every test in the package runs on that day). A test that needs the date asks for the
fixture, and works out what it expects from it, never from the real today:

    def test_something(frozen_today):
        assert ... == govuk_date(add_months(frozen_today, 12))

A test that needs another moment travels again from there (`time_machine.travel(..., tick=False)`
as a decorator or context manager, or the `time_machine` fixture's `move_to`).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

LONDON = ZoneInfo("Europe/London")

FROZEN_TODAY = date(2026, 6, 15)
"""Monday 15 June 2026: mid-month (no month-end clamping), British Summer Time (the local date
and the UTC date can differ around midnight), no bank holiday nearby."""

# Tests that run a real Celery worker or a live server wait for other threads in real time (a
# stopped clock would stall them), and a browser keeps its own clock (cookies set to expire in
# a frozen 2026 would already have expired): they keep the session's ticking clock, and
# `frozen_today` is None for them.
_NEEDS_A_TICKING_CLOCK = {"real_celery_worker", "live_server", "page"}


def midday(day: date) -> datetime:
    """12:00 in England on `day`."""
    return datetime.combine(day, time(12), LONDON)


def frozen_at(day: date):
    """time-machine's travel to midday in England on `day`, with the clock stopped (a decorator
    or a context manager)."""
    return time_machine.travel(midday(day), tick=False)


def frozen_today_fixture(day: date = FROZEN_TODAY):
    """An autouse fixture for a conftest.py: each test runs at midday on `day` with the clock
    stopped, and gets `day` if it asks for `frozen_today` (None if it keeps the real clock)."""

    @pytest.fixture(autouse=True, name="frozen_today")
    def frozen_today(request):
        if _NEEDS_A_TICKING_CLOCK & set(request.fixturenames):
            yield None
            return
        with frozen_at(day):
            yield day

    return frozen_today
