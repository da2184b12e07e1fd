"""What every GOV.UK date input in the service is tried with: the typed values that must be
refused (each with the message it must give) and the range edges that must be accepted.

Every date test runs on the same frozen day, TODAY, so the expected messages are fixed."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from naas.dates import govuk_date

TODAY = date(2026, 6, 15)
FROZEN_MOMENT = datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London"))
PLAN_AHEAD_LIMIT = date(2028, 6, 15)  # plan_ahead_limit() on TODAY


def frozen():
    """The clock every date test runs on (a decorator or a context manager)."""
    return time_machine.travel(FROZEN_MOMENT, tick=False)


def typed(name: str, day, month, year) -> dict[str, str]:
    """The POST or query data a person sends by typing into the three boxes of `name`."""
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


def on(name: str, day: date) -> dict[str, str]:
    return typed(name, day.day, day.month, day.year)


def period(start: date, end: date) -> dict[str, str]:
    """The POST data of the LA report's period form, from `start` to `end`."""
    return {**on("period_start", start), **on("period_end", end)}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def refused(what: str, earliest: date, latest: date, *, required: bool = True) -> list:
    """(day, month, year) typed, and the error it must give, as pytest params."""
    subject = _capitalised(what)
    real = f"{subject} must be a real date"
    between = f"{subject} must be between {govuk_date(earliest)} and {govuk_date(latest)}"
    year = latest.year
    cases = [
        pytest.param(("1", "1", "1"), real, id="year-1"),
        pytest.param(("1", "1", "0001"), between, id="year-0001"),
        pytest.param(("31", "12", "9999"), between, id="year-9999"),
        pytest.param(("1", "1", "99999999999999999999"), real, id="year-too-long"),
        pytest.param(("31", "2", str(year)), real, id="31-february"),
        pytest.param(("29", "2", "2027"), real, id="29-february-not-leap"),
        pytest.param(("32", "1", str(year)), real, id="day-32"),
        pytest.param(("1", "13", str(year)), real, id="month-13"),
        pytest.param(("first", "June", str(year)), real, id="text-day"),
        pytest.param(("1", "Juni", str(year)), real, id="text-month"),
        pytest.param(("1", "1", "twenty"), real, id="text-year"),
        pytest.param(("1", "", str(year)), f"{subject} must include a month", id="no-month"),
        pytest.param(("", "6", ""), f"{subject} must include a day and year", id="no-day-year"),
        pytest.param(_parts(earliest - timedelta(days=1)), between, id="day-before-range"),
        pytest.param(_parts(latest + timedelta(days=1)), between, id="day-after-range"),
    ]
    if required:
        cases.append(pytest.param(("", "", ""), f"Enter {what}", id="empty"))
    return cases


def _parts(day: date) -> tuple[str, str, str]:
    return str(day.day), str(day.month), str(day.year)


def accepted(earliest: date, latest: date) -> list:
    """The first and last days of the range, typed as people type them."""
    return [
        pytest.param(_parts(earliest), earliest, id="first-day"),
        pytest.param(_parts(latest), latest, id="last-day"),
        pytest.param(
            (f"{latest.day:02d}", f"{latest:%b}", str(latest.year)), latest, id="month-by-name"
        ),
    ]
