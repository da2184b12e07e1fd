"""`manage.py check` (and so every migrate and deploy) fails when emails are to go through
GOV.UK Notify without what Notify needs: an API key and a template for every kind of email."""

import re

from django.conf import settings
from django.core.checks import Error, Tags, register

from .kinds import KINDS

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
API_KEY = re.compile(rf"^.+-{UUID}-{UUID}$")


@register()
def notify_configured(app_configs=None, **kwargs) -> list[Error]:
    delivery = settings.NAAS_EMAIL_DELIVERY
    if delivery not in ("console", "notify"):
        return [
            Error(
                f"NAAS_EMAIL_DELIVERY is {delivery!r}",
                hint='Set it to "notify" (GOV.UK Notify) or "console" (the demo).',
                id="naas.E101",
            )
        ]
    if delivery != "notify":
        return []
    errors = []
    if not API_KEY.match(settings.NAAS_NOTIFY_API_KEY or ""):
        errors.append(
            Error(
                "NAAS_NOTIFY_API_KEY is missing or not a Notify API key",
                hint="Create a live API key in GOV.UK Notify (API integration) and set it.",
                id="naas.E102",
            )
        )
    templates = settings.NAAS_NOTIFY_TEMPLATES
    for kind in KINDS:
        if not re.fullmatch(UUID, templates.get(kind) or ""):
            errors.append(
                Error(
                    f"No GOV.UK Notify template id for {kind} emails",
                    hint=f"Set NAAS_NOTIFY_TEMPLATE_{kind.upper()} to the template's id.",
                    id="naas.E103",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def notify_used_in_deployment(app_configs=None, **kwargs) -> list[Error]:
    """`check --deploy`: a deployed service sends real emails, never to the console."""
    if settings.NAAS_EMAIL_DELIVERY == "notify":
        return []
    return [
        Error(
            "Emails are printed to the console, not sent (NAAS_EMAIL_DELIVERY is not notify)",
            hint="Set NAAS_EMAIL_DELIVERY=notify with the Notify API key and template ids.",
            id="naas.E104",
        )
    ]
