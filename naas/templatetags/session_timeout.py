"""The idle sign-out's timing, for the warning dialog in base.html. One source: the dialog counts
down from what the idle-timeout middleware will enforce (SESSION_IDLE_TIMEOUT_SECONDS since the
last-seen time it recorded), so a page opened within a minute of the last recorded visit still
warns in time (the middleware records last-seen at most once a minute)."""

import time

from django import template
from django.conf import settings

from naas.middleware import SESSION_KEY

register = template.Library()


def idle_seconds_left(session, *, now: int | None = None) -> int:
    """Seconds until the middleware would sign this session out for being idle."""
    now = int(time.time()) if now is None else now
    last_seen = session.get(SESSION_KEY, now)
    return max(0, settings.SESSION_IDLE_TIMEOUT_SECONDS - (now - last_seen))


def warning_seconds() -> int:
    """How long before the sign-out the warning shows: never more than half the timeout."""
    return min(settings.SESSION_IDLE_WARNING_SECONDS, settings.SESSION_IDLE_TIMEOUT_SECONDS // 2)


@register.inclusion_tag("includes/session_timeout.html", takes_context=True)
def session_timeout_dialog(context):
    request = context["request"]
    return {
        "request": request,
        "seconds_left": idle_seconds_left(request.session),
        "warning_seconds": warning_seconds(),
        "timeout_seconds": settings.SESSION_IDLE_TIMEOUT_SECONDS,
    }
