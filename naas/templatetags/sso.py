from django import template
from django.conf import settings

from naas.sso import providers

register = template.Library()


@register.simple_tag
def sso_sign_in_options() -> dict:
    """What the sign-in page offers: the configured providers' buttons, and the password form
    unless NAAS_LOCAL_PASSWORDS_ENABLED is off."""
    return {
        "providers": providers.configured(),
        "local_passwords": settings.NAAS_LOCAL_PASSWORDS_ENABLED,
    }
