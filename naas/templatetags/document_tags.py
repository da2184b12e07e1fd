"""Display helpers for generated documents (letters, certificates, LA reports): the state's
GOV.UK tag, and whether a document should be asked for again."""

from django import template
from django.utils.html import format_html

from naas.models import DocumentState, is_failed_or_stale

register = template.Library()

# state -> (GOV.UK tag modifier, label); anything else shows as waiting.
DOCUMENT_TAGS = {
    DocumentState.READY: ("govuk-tag--green", "Ready"),
    DocumentState.FAILED: ("govuk-tag--red", "Failed"),
    DocumentState.RUNNING: ("govuk-tag--blue", "Being made"),
}
WAITING_TAG = ("govuk-tag--grey", "Waiting to start")


@register.simple_tag
def document_tag(document):
    colour, label = DOCUMENT_TAGS.get(document.state, WAITING_TAG)
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, label)


@register.filter
def needs_retry(document) -> bool:
    """Failed, or stuck unfinished for too long: an administrator may ask for it again."""
    return is_failed_or_stale(document)
