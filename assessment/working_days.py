"""Working days in England: Monday to Friday, except England and Wales bank holidays.

The bank holidays are data (from GOV.UK's published list, 2025–2027), overridable with the
setting NAAS_BANK_HOLIDAYS (a list of ISO dates) when a new year's list is published."""

from datetime import date, timedelta

from django.conf import settings

ENGLAND_BANK_HOLIDAYS = [
    # 2025
    "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05",
    "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26",
    # 2026 (Boxing Day falls on a Saturday: the substitute day is Monday 28 December)
    "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
    "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
    # 2027 (Christmas Day and Boxing Day fall at the weekend: substitutes 27 and 28 December)
    "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03",
    "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
]  # fmt: skip


def bank_holidays() -> frozenset[date]:
    listed = getattr(settings, "NAAS_BANK_HOLIDAYS", None) or ENGLAND_BANK_HOLIDAYS
    return frozenset(date.fromisoformat(day) for day in listed)


def is_working_day(day: date, holidays: frozenset[date] | None = None) -> bool:
    holidays = bank_holidays() if holidays is None else holidays
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, count: int, holidays: frozenset[date] | None = None) -> date:
    """The date `count` working days after `start` (the start day itself is not counted)."""
    holidays = bank_holidays() if holidays is None else holidays
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day
