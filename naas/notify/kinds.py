"""The kinds of email the service sends, and what each one's Notify template is given.

Personalisation is names, levels, counts, links and references only: never feedback, a
statement, grounds or anything else a person wrote. A key not listed for the kind is refused
(services.notify_message_queue), so a new field cannot slip into an email unseen."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    label: str  # what staff read on the failed-messages page
    subject: str  # printed by console delivery; the real subject is in the Notify template
    keys: frozenset[str]


def _kind(label: str, subject: str, *keys: str) -> Kind:
    return Kind(label=label, subject=subject, keys=frozenset(keys))


KINDS: dict[str, Kind] = {
    "endorsement_signed_off_worker": _kind(
        "Signed off (to the worker)",
        "Your supervisor has signed you off for assessment",
        "name",
        "level",
        "link",
    ),
    "endorsement_signed_off_lead": _kind(
        "Signed off (to an LA lead)",
        "A practice endorsement is waiting for your confirmation",
        "worker_name",
        "level",
        "link",
    ),
    "endorsement_endorsed_worker": _kind(
        "Endorsed (to the worker)",
        "You have been endorsed for assessment",
        "name",
        "level",
        "link",
    ),
    "endorsement_endorsed_lead": _kind(
        "Endorsed (to an LA lead)",
        "A practice endorsement has been confirmed",
        "worker_name",
        "level",
        "link",
    ),
    "feedback_letter_ready": _kind(
        "Result letter ready", "Your assessment result letter is ready", "name", "link"
    ),
    "feedback_support_requested": _kind(
        "Support requested",
        "A social worker has asked for support",
        "worker_name",
        "area_count",
        "link",
    ),
    "password_set_link": _kind(
        "Set-password link", "Set your password for Social work accreditation", "name", "link"
    ),
}

# Longest value a personalisation field may have: enough for a name or a link, not for prose.
MAX_VALUE_LENGTH = 300


class PersonalisationRefused(ValueError):
    """The email's personalisation has a key its kind does not allow, or a value that is not a
    short text or a number."""


def check_personalisation(kind: str, personalisation: dict) -> dict:
    """The personalisation, checked against the kind (raises PersonalisationRefused)."""
    if kind not in KINDS:
        raise PersonalisationRefused(f"Unknown kind of email: {kind}")
    extra = sorted(set(personalisation) - KINDS[kind].keys)
    if extra:
        raise PersonalisationRefused(f"{kind} may not be given {', '.join(extra)}")
    for key, value in personalisation.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise PersonalisationRefused(f"{kind}: {key} must be a text or a whole number")
        if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
            raise PersonalisationRefused(f"{kind}: {key} is too long for an email field")
    return dict(personalisation)
