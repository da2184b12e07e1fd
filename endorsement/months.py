"""Calendar-month arithmetic, in one place, for tenure, feedback recency and validity.

A month after 31 January is the last day of February (28th, or 29th in a leap year); a year
after 29 February is 28 February. Every rule that counts months uses these two functions, so
"reached" and "how many months" always agree.
"""

from datetime import date

from dateutil.relativedelta import relativedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier if negative), clamped to the last
    day of a shorter month."""
    return day + relativedelta(months=months)


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
