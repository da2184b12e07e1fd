"""The service's own contact address, for the phase banner's feedback link on every page."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def support_email() -> str:
    return settings.NAAS_SUPPORT_EMAIL
