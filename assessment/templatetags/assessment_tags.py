"""Small display helpers for assessment pages: GOV.UK tag colours for states, the attempt's
status in words, rule numbers and durations."""

from fractions import Fraction

from django import template
from django.utils.html import format_html

from assessment.models import AttemptState, MarkerRole

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


def attempt_state_label(attempt) -> str:
    """The attempt's status as it happened. The moderated state holds every attempt whose marks
    are final, however they got there: the first marks alone ("Marked"), a second marker who
    agreed ("Marks agreed") or a moderator ("Moderated"). Uses prefetched allocations when
    there are some; otherwise asks only for a second-marked attempt in that state."""
    if attempt.state != AttemptState.MODERATED:
        return attempt.get_state_display()
    if not attempt.second_marking:
        return "Marked"
    moderated = any(
        a.role == MarkerRole.MODERATOR and a.active and a.submitted_at
        for a in attempt.allocations.all()
    )
    return "Moderated" if moderated else "Marks agreed"


@register.simple_tag
def attempt_tag(attempt):
    return _govuk_tag(ATTEMPT_TAG_COLOURS.get(attempt.state, ""), attempt_state_label(attempt))


@register.simple_tag
def decision_tag(adjustment):
    return _govuk_tag(
        DECISION_TAG_COLOURS.get(adjustment.decision, ""), adjustment.get_decision_display()
    )


@register.filter
def duration_hours(delta):
    """How long something took, in words: "less than an hour", "3 hours", "2 days" (whole
    hours under two days, whole days after)."""
    if delta is None:
        return ""
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


@register.filter
def rule_number(value) -> str:
    """A rule's number (a threshold, a percentage, a mark; a Fraction, its stored text such as
    "5/2", or a Decimal) as a decimal of at most two places: 2.5, 60, 0.67."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = Fraction(value)
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


@register.filter
def share_of_areas(value) -> str:
    """A rule's share of the areas as words: "2/3", or "all" for the whole."""
    fraction = Fraction(str(value))
    if fraction == 1:
        return "all"
    return f"{fraction.numerator}/{fraction.denominator}"


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
    return rule_number(value)
