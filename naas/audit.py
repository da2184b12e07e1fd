"""Audit actions are enum members, never free text.

`AuditAction` is the one base: each app names its own actions in a subclass in its `audit.py`
(`EndorsementAction`, `AssessmentAction`, ...), so an app declares only what it does and the core
never imports an app above it. `audit_event_record` refuses anything that is not a member, and
`registered_actions()` lists every member of every app for the tests and the audit pages.
"""

from django.db import models


class AuditAction(models.TextChoices):
    """The base of every app's audit actions (an enum with no members can be subclassed)."""


def registered_actions() -> dict[str, AuditAction]:
    """Every audit action of every loaded app, by its stored value."""
    members = {}
    for subclass in AuditAction.__subclasses__():
        for action in subclass:
            if action.value in members:
                raise ValueError(f"Audit action {action.value} is declared twice")
            members[action.value] = action
    return members


class NaasAction(AuditAction):
    """What the audit trail records for people, staff imports, documents and the admin site."""

    ADMIN_CHANGED = "admin.changed"
    ADMIN_CREATED = "admin.created"
    ADMIN_DELETED = "admin.deleted"
    DOCUMENT_FAILED = "document.failed"
    DOCUMENT_READY = "document.ready"
    DOCUMENT_RETRIED = "document.retried"
    DOCUMENT_STARTED = "document.started"
    EQUALITY_DATA_UPDATED = "equality_data.updated"
    NOTIFY_MESSAGE_FAILED = "notify_message.failed"
    NOTIFY_MESSAGE_QUEUED = "notify_message.queued"
    SSO_IDENTITY_LINKED = "sso_identity.linked"
    SSO_SIGNED_IN = "sso.signed_in"
    STAFF_IMPORT_APPLIED = "staff_import.applied"
    STAFF_IMPORT_CREATED = "staff_import.created"
    STAFF_IMPORT_UPDATED = "staff_import.updated"


def audit_action(action) -> AuditAction:
    """The action, checked: free text is refused, so every audit row says a declared action."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"An audit action must be an AuditAction member, not {action!r}")
    return action
