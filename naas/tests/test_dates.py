"""naas.dates: months, working days in England, local dates and GOV.UK formats. Every test runs
on a fixed day, so none depends on today."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import Context, Template

from naas import checks
from naas.dates import (
    BankHolidaysUnknown,
    add_months,
    add_working_days,
    bank_holidays,
    govuk_date,
    govuk_datetime,
    govuk_month,
    govuk_time,
    govuk_weekday_date,
    is_working_day,
    local_date,
    months_reached,
    whole_months_between,
)

LONDON = ZoneInfo("Europe/London")
frozen = time_machine.travel(datetime(2026, 4, 1, 0, 30, tzinfo=LONDON), tick=False)
# The first year the installed holidays package cannot answer for (2101 with holidays 0.109).
FIRST_UNKNOWN_YEAR = holidays.country_holidays("GB", subdiv="ENG").end_year + 1

# --- Calendar months --------------------------------------------------------------------------


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
@frozen
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
@frozen
def test_months_reached_on_the_day_and_not_the_day_before(start, months, reached_on):
    assert months_reached(start, months, on=reached_on)
    assert not months_reached(start, months, on=reached_on - timedelta(days=1))


@frozen
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


@frozen
def test_whole_months_between_is_zero_when_the_end_is_before_the_start():
    assert whole_months_between(date(2025, 1, 2), date(2025, 1, 1)) == 0


@frozen
@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2024, 1, 31), date(2024, 2, 28), 0),  # 28 February 2024 is before the month end
        (date(2024, 1, 31), date(2024, 2, 29), 1),  # the clamped month end counts as reached
        (date(2023, 1, 31), date(2023, 2, 28), 1),
        (date(2024, 2, 29), date(2025, 2, 28), 12),  # a year after a leap day
        (date(2023, 3, 31), date(2023, 4, 30), 1),  # into a 30-day month
    ],
)
def test_whole_months_between_at_month_ends_and_leap_years(start, end, months):
    assert whole_months_between(start, end) == months


# --- Working days in England ------------------------------------------------------------------


@frozen
def test_working_days_skip_weekends_and_bank_holidays():
    # Wednesday 23 December 2026: Christmas Day (Fri), the weekend and the Boxing Day
    # substitute (Mon 28th) are skipped
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 30)
    # a plain week: Friday + 1 working day is Monday
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)
    # 20 working days from Monday 2 November 2026 (no bank holidays): Monday 30 November
    assert add_working_days(date(2026, 11, 2), 20) == date(2026, 11, 30)
    # across the Easter bank-holiday weekend of 2026 (Good Friday 3 April, Easter Monday 6 April):
    # Thursday 2 April + 1 working day is Tuesday 7 April
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


@frozen
@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 25),  # Christmas Day, Friday
        date(2026, 12, 28),  # Boxing Day falls on a Saturday: the substitute day, Monday
        date(2027, 12, 27),  # both fall at the weekend in 2027: Monday and Tuesday instead
        date(2027, 12, 28),
        date(2028, 8, 28),  # beyond the list that used to be typed in (2025–2027)
        date(2030, 4, 22),  # Easter Monday 2030
        date(2030, 4, 19),  # Good Friday 2030
    ],
)
def test_bank_holidays_from_the_maintained_package_are_not_working_days(day):
    assert day.weekday() < 5  # a weekday, so only the bank holiday makes it a day off
    assert not is_working_day(day)


@frozen
def test_a_working_day_count_across_a_2030_bank_holiday_weekend():
    # Thursday 18 April 2030, then Good Friday, the weekend and Easter Monday: Tuesday 23rd
    assert add_working_days(date(2030, 4, 18), 1) == date(2030, 4, 23)
    assert is_working_day(date(2030, 4, 23))


@frozen
def test_a_year_without_bank_holiday_data_is_refused_loudly():
    with pytest.raises(BankHolidaysUnknown, match=str(FIRST_UNKNOWN_YEAR)):
        bank_holidays(FIRST_UNKNOWN_YEAR)
    # a count that would run into that year fails instead of treating it as having none
    with pytest.raises(BankHolidaysUnknown, match="Upgrade"):
        add_working_days(date(FIRST_UNKNOWN_YEAR - 1, 12, 20), 20)
    with pytest.raises(BankHolidaysUnknown):
        is_working_day(date(FIRST_UNKNOWN_YEAR, 1, 2))


@frozen
def test_the_system_check_passes_when_this_year_and_next_are_known():
    assert checks.bank_holidays_known() == []
    call_command("check")  # no SystemCheckError


def test_the_system_check_fails_when_next_years_bank_holidays_are_unknown():
    last_known_year = FIRST_UNKNOWN_YEAR - 1
    with time_machine.travel(datetime(last_known_year, 6, 1, 12, 0, tzinfo=LONDON), tick=False):
        errors = checks.bank_holidays_known()
        assert [e.id for e in errors] == ["naas.E001"]
        assert str(FIRST_UNKNOWN_YEAR) in errors[0].msg
        with pytest.raises(SystemCheckError, match=r"naas\.E001"):
            call_command("check")


# --- Local dates: BST and GMT edges -----------------------------------------------------------


@frozen
@pytest.mark.parametrize(
    ("moment", "day"),
    [
        # 00:30 BST on 1 April 2026 is still 31 March in UTC
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), date(2026, 4, 1)),
        (datetime(2026, 3, 31, 22, 59, tzinfo=UTC), date(2026, 3, 31)),  # 23:59 BST
        # after the clocks go back (25 October 2026) England is on UTC again
        (datetime(2026, 11, 1, 0, 30, tzinfo=UTC), date(2026, 11, 1)),
        (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), date(2026, 10, 31)),
        # the night the clocks go forward: 01:30 UTC on 29 March 2026 is 02:30 BST
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), date(2026, 3, 29)),
    ],
)
def test_local_date_is_the_date_in_england(moment, day):
    assert local_date(moment) == day


# --- GOV.UK formats ---------------------------------------------------------------------------


@frozen
@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [
        (0, 0, "midnight"),
        (12, 0, "midday"),
        (9, 0, "9am"),
        (18, 36, "6:36pm"),
        (0, 5, "12:05am"),
        (12, 30, "12:30pm"),
    ],
)
def test_govuk_time(hour, minute, text):
    assert govuk_time(datetime(2026, 7, 1, hour, minute, tzinfo=LONDON)) == text


@frozen
def test_govuk_dates_and_times_are_in_englands_time():
    published = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 April
    assert govuk_date(published) == "1 April 2026"
    assert govuk_date(date(2026, 4, 1)) == "1 April 2026"
    assert govuk_weekday_date(date(2026, 4, 1)) == "Wednesday 1 April 2026"
    assert govuk_datetime(published) == "1 April 2026 at 12:30am"
    assert govuk_datetime(datetime(2026, 11, 1, 18, 36, tzinfo=UTC)) == "1 November 2026 at 6:36pm"
    assert govuk_month(date(2030, 11, 17)) == "November 2030"


@frozen
def test_the_template_filters_are_the_same_functions():
    template = Template(
        "{% load govuk_dates %}{{ moment|govuk_date }}|{{ moment|govuk_datetime }}|"
        "{{ day|govuk_weekday_date }}|{{ day|govuk_month }}|{{ missing|govuk_date }}"
    )
    moment = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    text = template.render(Context({"moment": moment, "day": date(2026, 12, 28), "missing": None}))
    assert text == (
        f"{govuk_date(moment)}|{govuk_datetime(moment)}|Monday 28 December 2026|December 2026|"
    )
    assert text.startswith("1 April 2026|1 April 2026 at 12:30am|")
