"""The one place that talks to GOV.UK Notify (notifications-python-client), turning its errors
into two kinds: worth retrying (a timeout, a refused connection, a 5xx, a 429) or not (any other
4xx: a bad template id, a bad address, a bad key)."""

from django.conf import settings
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyError(Exception):
    """Notify did not accept the email. The text is Notify's own reason, without the address."""


class NotifyTemporaryError(NotifyError):
    """A timeout or a server error: send again later."""


class NotifyPermanentError(NotifyError):
    """Notify refused the request itself: sending it again would fail the same way."""


def _client() -> NotificationsAPIClient:
    return NotificationsAPIClient(
        settings.NAAS_NOTIFY_API_KEY,
        base_url=settings.NAAS_NOTIFY_BASE_URL,
        timeout=settings.NAAS_NOTIFY_TIMEOUT_SECONDS,
    )


def _reason(error: APIError) -> str:
    message = error.message
    if isinstance(message, list):
        message = "; ".join(
            str(item.get("message", item)) if isinstance(item, dict) else str(item)
            for item in message
        )
    return f"{error.status_code}: {message}"[:500]


def _raise_for(error: APIError):
    status = error.status_code
    if status >= 500 or status == 429:
        raise NotifyTemporaryError(_reason(error)) from error
    raise NotifyPermanentError(_reason(error)) from error


def email_send(
    *, email_address: str, template_id: str, personalisation: dict, reference: str
) -> str:
    """Ask Notify to send one email; its notification id."""
    try:
        response = _client().send_email_notification(
            email_address=email_address,
            template_id=template_id,
            personalisation=personalisation,
            reference=reference,
        )
    except APIError as error:
        _raise_for(error)
    try:
        return str(response["id"])
    except (TypeError, KeyError) as error:
        raise NotifyTemporaryError("Notify answered without a notification id") from error


def email_status(*, notify_id: str) -> str:
    """Notify's status of an email it accepted ("sending", "delivered", "permanent-failure", …)."""
    try:
        response = _client().get_notification_by_id(notify_id)
    except APIError as error:
        _raise_for(error)
    return str(response.get("status", ""))
