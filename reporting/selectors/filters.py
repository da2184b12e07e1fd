"""What a dashboard or report is about (its Filters), as query conditions."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from assessment.models import Outcome
from naas.dates import add_months
from naas.models import (
    MIN_TENURE_CEILING_MONTHS,
    MIN_TENURE_FLOOR_MONTHS,
    Level,
    LocalAuthority,
    Phase,
    Region,
)


@dataclass(frozen=True)
class Filters:
    """What a dashboard or report is about. Empty values mean "all"."""

    phase: Phase | None = None
    local_authority: LocalAuthority | None = None
    region: str = ""
    level: str = ""
    start: date | None = None
    end: date | None = None

    def end_or(self, today: date) -> date:
        return self.end or today

    @property
    def scope(self) -> str:
        """What the figures cover, in words: "Beta phase, London, Practice supervisor"."""
        parts = [
            self.local_authority.name
            if self.local_authority
            else f"{self.phase} phase"
            if self.phase
            else "England"
        ]
        if self.region:
            parts.append(Region(self.region).label)
        if self.level:
            parts.append(Level(self.level).label)
        return ", ".join(parts)


# --- Filters as query conditions ---------------------------------------------------------------


# The forms refuse any date outside its range (a period lies between SERVICE_START and today),
# so these never see an extreme date from a request. They are still total over every date a
# `date` can hold, so a direct call with 1 January 1 or 31 December 9999 cannot overflow: a
# bound beyond what the arithmetic can represent means "no bound", which is what it covers.
_FIRST_BOUNDED_DAY = date.min + timedelta(days=1)
_LAST_BOUNDED_DAY = date.max - timedelta(days=1)


def latest_start_for_tenure(end: date, months: int) -> date:
    """The latest start date from which `months` calendar months are reached by `end`, counted
    as naas.dates does (a month after 31 August is 28 or 29 February). `date.min` when that
    would be before 1 January of year 1 (no one started then)."""
    try:
        bound = add_months(end, -months)
    except ValueError:  # before year 1
        return date.min
    if end.day == monthrange(end.year, end.month)[1]:  # end is a month's last day
        return bound.replace(day=monthrange(bound.year, bound.month)[1])
    return bound


def tenure_reached_q(end: date, prefix: str = "") -> Q:
    """Workers whose LA's minimum tenure was reached by `end` (one condition per allowed
    minimum, 6 to 12 months, so it stays a single query)."""
    condition = Q(pk__in=[])
    for months in range(MIN_TENURE_FLOOR_MONTHS, MIN_TENURE_CEILING_MONTHS + 1):
        condition |= Q(
            **{
                f"{prefix}local_authority__min_tenure_months": months,
                f"{prefix}employed_since__lte": latest_start_for_tenure(end, months),
            }
        )
    return condition


def _worker_q(filters: Filters, prefix: str = "") -> Q:
    condition = Q()
    if filters.phase is not None:
        condition &= Q(**{f"{prefix}local_authority__phase": filters.phase})
    if filters.local_authority is not None:
        condition &= Q(**{f"{prefix}local_authority": filters.local_authority})
    if filters.region:
        condition &= Q(**{f"{prefix}local_authority__region": filters.region})
    return condition


def _la_q(filters: Filters) -> Q:
    condition = Q()
    if filters.phase is not None:
        condition &= Q(phase=filters.phase)
    if filters.local_authority is not None:
        condition &= Q(pk=filters.local_authority.pk)
    if filters.region:
        condition &= Q(region=filters.region)
    return condition


def _moment_range(field_name: str, start: date | None, end: date | None) -> Q:
    """A datetime field within whole days from `start` to `end` (local time), index-friendly.
    A start on the first day a date can hold, or an end on the last, leaves that side open."""
    condition = Q()
    zone = timezone.get_current_timezone()
    if start is not None and start >= _FIRST_BOUNDED_DAY:
        condition &= Q(**{f"{field_name}__gte": datetime.combine(start, time.min, zone)})
    if end is not None and end <= _LAST_BOUNDED_DAY:
        after = datetime.combine(end + timedelta(days=1), time.min, zone)
        condition &= Q(**{f"{field_name}__lt": after})
    return condition


def current_outcomes(filters: Filters, *, today: date, with_period: bool = True) -> QuerySet:
    """The current, published outcome of each attempt in scope (published in the period)."""
    outcomes = Outcome.objects.filter(
        _worker_q(filters, "attempt__worker__"),
        superseded_at__isnull=True,
        published_at__isnull=False,
    )
    if filters.level:
        outcomes = outcomes.filter(attempt__level=filters.level)
    if with_period:
        outcomes = outcomes.filter(
            _moment_range("published_at", filters.start, filters.end_or(today))
        )
    return outcomes


def _level_q(filters: Filters, field_name: str = "level") -> Q:
    return Q(**{field_name: filters.level}) if filters.level else Q()
