"""What the audit trail records for the partner API: every action is a member here."""

from naas.audit import AuditAction


class ApiAction(AuditAction):
    CLIENT_CREATED = "api_client.created"
    RESULTS_PUSHED = "api_client.results_pushed"
    STAFF_UPDATED = "api_client.staff_updated"
