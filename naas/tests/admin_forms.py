"""Posting Django admin forms in tests the way a browser would: open the page, take every
field's current value (inlines and their management forms too), change some, post."""

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.urls import reverse

from naas.models import AuditEvent


def _add_form(data: dict, form) -> None:
    for bound in form:
        if bound.field.disabled:
            continue
        widget, value = bound.field.widget, bound.value()
        while isinstance(widget, RelatedFieldWidgetWrapper):  # the admin's "+" link around it
            widget = widget.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, subwidget, part in zip(
                widget.widgets_names, widget.widgets, parts, strict=True
            ):
                data[bound.html_name + suffix] = subwidget.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif value is None:
            data[bound.html_name] = ""
        else:
            formatted = widget.format_value(value)
            data[bound.html_name] = "" if formatted is None else formatted


def page_form_data(response) -> dict:
    """Everything the admin change (or add) page would post as it stands."""
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add_form(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add_form(data, form)
    return data


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def post_change(client, obj, **changes):
    """Open `obj`'s change page, change the given fields, save; the response."""
    page = client.get(change_url(obj))
    assert page.status_code == 200, page.status_code
    data = page_form_data(page)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return client.post(change_url(obj), data)


def admin_events(obj=None):
    events = AuditEvent.objects.filter(action__startswith="admin.")
    return events.for_object(obj) if obj is not None else events
