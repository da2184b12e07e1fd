"""Dates, in one place: calendar months, working days in England, local (Europe/London) dates
and GOV.UK formats.

Every page, letter, email and rule that counts months, turns a moment into the date a person
reads, or writes a date or time for a person calls these functions, so what people are told and
what the code enforces cannot drift apart.
"""

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier if negative), clamped to the last
    day of a shorter month: a month after 31 January is 28 (or 29) February. Plain arithmetic,
    not dateutil's relativedelta: lists ask this for every row, and it was 3 µs a call."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def months_reached(start: date, months: int, *, on: date) -> bool:
    """Whether `months` whole calendar months have passed from `start` by the day `on`."""
    return on >= add_months(start, months)


def whole_months_between(start: date, end: date) -> int:
    """How many whole calendar months lie between `start` and `end` (0 if `end` is before),
    counted the same way as `months_reached`."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and not months_reached(start, months, on=end):
        months -= 1
    return months


def local_date(moment: datetime) -> date:
    """The date in England (Europe/London) at `moment`: at 00:30 BST it is already the next
    day, although the UTC date is not."""
    return timezone.localdate(moment)


def govuk_date(day: date | datetime) -> str:
    """'1 April 2026' (a moment is first turned into its date in England)."""
    if isinstance(day, datetime):
        day = local_date(day)
    return f"{day.day} {day:%B %Y}"


def govuk_time(moment: datetime) -> str:
    """'6:36pm', '9am', 'midday', 'midnight', in England's time (GOV.UK style)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{suffix}"


def govuk_weekday_date(day: date | datetime) -> str:
    """'Wednesday 1 April 2026': for the day of a sitting, where the day of the week helps."""
    if isinstance(day, datetime):
        day = local_date(day)
    return f"{day:%A} {govuk_date(day)}"


def govuk_datetime(moment: datetime) -> str:
    """'1 April 2026 at 6:36pm', in England's time."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{govuk_date(local.date())} at {govuk_time(local)}"


def govuk_month(day: date) -> str:
    """'November 2030'."""
    return f"{day:%B %Y}"


# Working days in England: Monday to Friday, except England and Wales bank holidays, taken from
# the maintained `holidays` package (its rules, substitute days and the one-off days announced so
# far) rather than a list typed in here that would run out.


class BankHolidaysUnknown(LookupError):
    """England's bank holidays for a year are not known, so no working-day count that reaches
    that year can be trusted: counting it as having none would move a deadline silently."""


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in `year`, or BankHolidaysUnknown if the installed
    `holidays` package does not cover that year (upgrade the package)."""
    calendar = holidays.country_holidays("GB", subdiv="ENG")
    if not calendar.start_year <= year <= calendar.end_year:
        raise BankHolidaysUnknown(
            f"England's bank holidays for {year} are not known: the installed holidays package "
            f"covers {calendar.start_year} to {calendar.end_year}. Upgrade it."
        )
    days = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))
    if not days:
        raise BankHolidaysUnknown(f"The holidays package lists no bank holidays in {year}")
    return days


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England (any day of a year without
    bank-holiday data is refused, weekends included, so the gap shows at once)."""
    known = bank_holidays(day.year)
    return day.weekday() < 5 and day not in known


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (the start day itself is not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


# Sensible ranges for dates people type. Each form and import checks its dates against one of
# these, and the error message names the range (with govuk_date), so no typed date can reach a
# rule or a query that would fail on it.

SERVICE_START = date(2018, 1, 1)
"""The first phase (alpha) began in 2018: nothing in the service happened before this."""

EARLIEST_EMPLOYMENT_START = date(1960, 1, 1)
"""No one still employed as a social worker started before this."""

YEARS_AHEAD_FOR_PLANS = 2
"""Sittings and support actions are planned at most this many years ahead."""


def today() -> date:
    """Today's date in England."""
    return timezone.localdate()


def plan_ahead_limit(on: date | None = None) -> date:
    """The latest date a sitting or a support action may be planned for."""
    return add_months(on or today(), 12 * YEARS_AHEAD_FOR_PLANS)


def duration_words(seconds: int) -> str:
    """A length of time as people say it, in its largest whole unit: "30 minutes", "8 hours",
    "1 year" (Django's CSRF cookie lasts 52 weeks, which people call a year)."""
    day = 24 * 60 * 60
    for unit, size in (("year", 364 * day), ("day", day), ("hour", 3600), ("minute", 60)):
        if seconds >= size and (unit == "year" or seconds % size == 0):
            count = round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
