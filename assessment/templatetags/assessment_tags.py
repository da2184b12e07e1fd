"""Small display helpers for assessment pages: GOV.UK tag colours for states."""

from django import template
from django.utils.html import format_html

register = template.Library()

ATTEMPT_TAG_COLOURS = {
    "booked": "govuk-tag--blue",
    "sat": "govuk-tag--light-blue",
    "scored": "govuk-tag--purple",
    "moderated": "govuk-tag--purple",
    "outcome_published": "govuk-tag--green",
    "cancelled": "govuk-tag--grey",
    "no_show": "govuk-tag--red",
    "under_review": "govuk-tag--yellow",
}
DECISION_TAG_COLOURS = {
    "pending": "govuk-tag--yellow",
    "approved": "govuk-tag--green",
    "declined": "govuk-tag--red",
}


def _govuk_tag(colour: str, label) -> str:
    """A GOV.UK tag: `colour` is its modifier class (empty for the default blue)."""
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, label)


@register.simple_tag
def attempt_tag(attempt):
    return _govuk_tag(ATTEMPT_TAG_COLOURS.get(attempt.state, ""), attempt.get_state_display())


@register.simple_tag
def decision_tag(adjustment):
    return _govuk_tag(
        DECISION_TAG_COLOURS.get(adjustment.decision, ""), adjustment.get_decision_display()
    )


@register.filter
def duration_hours(delta):
    if delta is None:
        return ""
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


OUTCOME_TAG_COLOURS = {
    "met": "govuk-tag--green",
    "partially_met": "govuk-tag--yellow",
    "not_met": "govuk-tag--red",
}
OUTCOME_LABELS = {"met": "Met", "partially_met": "Partially met", "not_met": "Not met"}


@register.simple_tag
def outcome_tag(result):
    return _govuk_tag(OUTCOME_TAG_COLOURS.get(result, ""), OUTCOME_LABELS.get(result, result))


@register.filter
def mark_value(value):
    """A decimal like 2.50 shown as 2.5; empty shown as a dash."""
    if value is None:
        return "–"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text
