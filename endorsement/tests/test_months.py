from datetime import date, timedelta

import pytest

from endorsement.months import add_months, months_reached, whole_months_between


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 3, 15), 6, date(2026, 9, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: month end clamps to the 29th
        (date(2023, 1, 31), 1, date(2023, 2, 28)),  # ordinary year: to the 28th
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a year after 29 February
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 5, 31), 4, date(2025, 9, 30)),  # 30-day month
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # across a year end
        (date(2024, 3, 31), -1, date(2024, 2, 29)),  # backwards
        (date(2025, 2, 28), -12, date(2024, 2, 28)),
        (date(2024, 2, 29), 0, date(2024, 2, 29)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "reached_on"),
    [
        (date(2025, 1, 10), 6, date(2025, 7, 10)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 5, 31), 9, date(2024, 2, 29)),
        (date(2024, 12, 31), 12, date(2025, 12, 31)),
    ],
)
def test_months_reached_on_the_day_and_not_the_day_before(start, months, reached_on):
    assert months_reached(start, months, on=reached_on)
    assert not months_reached(start, months, on=reached_on - timedelta(days=1))


def test_whole_months_between_agrees_with_months_reached_for_every_start_day():
    # every start day of 2023 and 2024 (both leap and ordinary Februaries), 0 to 14 months
    start = date(2023, 1, 1)
    while start < date(2025, 1, 1):
        for months in range(15):
            reached = add_months(start, months)
            assert whole_months_between(start, reached) == months
            if months:
                assert whole_months_between(start, reached - timedelta(days=1)) == months - 1
                assert not months_reached(start, months, on=reached - timedelta(days=1))
            assert months_reached(start, months, on=reached)
        start += timedelta(days=1)


def test_whole_months_between_is_zero_when_the_end_is_before_the_start():
    assert whole_months_between(date(2025, 1, 2), date(2025, 1, 1)) == 0
