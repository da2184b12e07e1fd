"""Template filters for GOV.UK dates and times: `{% load govuk_dates %}` then
`{{ value|govuk_date }}`, `{{ value|govuk_weekday_date }}`, `{{ value|govuk_datetime }}`,
`{{ value|govuk_time }}`, `{{ value|govuk_month }}`. Empty values render as an empty string."""

from django import template

from naas import dates

register = template.Library()


def _or_empty(function):
    def apply(value):
        return "" if value in (None, "") else function(value)

    apply.__name__ = function.__name__
    return apply


for _name in ("govuk_date", "govuk_weekday_date", "govuk_datetime", "govuk_time", "govuk_month"):
    register.filter(_name, _or_empty(getattr(dates, _name)))
