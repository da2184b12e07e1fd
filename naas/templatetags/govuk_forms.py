"""Error-summary links for the GOV.UK form pages (crispy-forms-gds's summary, made exact)."""

from django import template
from django.forms import RadioSelect

register = template.Library()


def _first_input_id(bound_field) -> str:
    """The id of the field's first input: the Day box of a date input, the first radio or
    checkbox of a group (crispy-forms-gds numbers those from 1, with no id on the group)."""
    if hasattr(bound_field.field, "fields"):
        return f"{bound_field.auto_id}_0"
    if isinstance(bound_field.field.widget, RadioSelect):  # checkboxes are RadioSelects too
        return f"id_{bound_field.html_name}_1"
    return bound_field.auto_id


@register.filter
def error_links(bound_field) -> list[tuple[str, str]]:
    """(id to link to, message) for each of the field's errors, each message once. A date
    input's error about one box (a missing month) links to that box; an error about the whole
    date (not a real date, out of range) links to the Day box, as the Design System asks."""
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, part in enumerate(getattr(bound_field.field, "fields", ())):
        for message in getattr(part.widget, "errors", []):
            if message not in seen:
                seen.add(message)
                links.append((f"{bound_field.auto_id}_{index}", message))
    for message in bound_field.errors:
        if message not in seen:
            seen.add(message)
            links.append((_first_input_id(bound_field), message))
    return links


@register.filter
def first_input_id(form) -> str:
    """Where a form-wide error links to: the first input of the first visible field."""
    fields = form.visible_fields()
    return _first_input_id(fields[0]) if fields else ""
