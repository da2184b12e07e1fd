"""What the cookies page and the privacy notice say, read from the settings that make it true:
the cookies the service sets and how long they last, the idle sign-out."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

from .dates import duration_words


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def cookies() -> list[Cookie]:
    """Every cookie the service sets. All are essential, so no consent banner is needed."""
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in as you move between pages",
            f"When you sign out, after {duration_words(settings.SESSION_IDLE_TIMEOUT_SECONDS)} "
            f"without activity, or after {duration_words(settings.SESSION_COOKIE_AGE)}",
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            "Stops other websites sending forms to this service in your name",
            f"After {duration_words(settings.CSRF_COOKIE_AGE)}",
        ),
        Cookie(
            CookieStorage.cookie_name,
            "Shows a one-off message, such as 'Support action added', on the next page",
            "When the message has been shown",
        ),
    ]


def cookies_context() -> dict:
    return {"cookies": cookies()}


def privacy_context() -> dict:
    return {
        "idle_timeout": duration_words(settings.SESSION_IDLE_TIMEOUT_SECONDS),
        "support_email": settings.NAAS_SUPPORT_EMAIL,
    }
