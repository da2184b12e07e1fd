"""The tests' own clock (naas/tests/clock.py): whatever the real date, or NAAS_TEST_CLOCK, says,
a test in a package with a `frozen_today` fixture runs at midday in England on that day."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from naas.dates import today
from naas.tests.clock import FROZEN_TODAY, LONDON, frozen_at, midday


def test_every_clock_says_the_frozen_day(frozen_today):
    assert frozen_today == FROZEN_TODAY
    assert today() == timezone.localdate() == FROZEN_TODAY
    assert date.today() == FROZEN_TODAY
    assert timezone.localtime() == datetime(2026, 6, 15, 12, tzinfo=LONDON)


def test_the_frozen_clock_does_not_tick(frozen_today):
    first = timezone.now()
    sum(range(100_000))
    assert timezone.now() == first == midday(frozen_today)


def test_a_test_can_travel_again_from_the_frozen_day(frozen_today, time_machine):
    time_machine.move_to(midday(frozen_today) + timedelta(days=200), tick=False)
    assert timezone.localdate() == date(2027, 1, 1)


def test_frozen_at_stops_the_clock_at_midday_in_england():
    # 2026-01-15 is in GMT, 2026-07-15 in BST: midday is 12:00 and 11:00 UTC.
    with frozen_at(date(2026, 1, 15)):
        assert timezone.now().isoformat() == "2026-01-15T12:00:00+00:00"
    with frozen_at(date(2026, 7, 15)):
        assert timezone.now().isoformat() == "2026-07-15T11:00:00+00:00"
        assert timezone.localdate() == date(2026, 7, 15)


def test_after_the_test_the_package_clock_is_back(frozen_today):
    with frozen_at(date(2030, 1, 1)):
        assert today() == date(2030, 1, 1)
    assert today() == frozen_today
