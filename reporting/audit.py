"""What the audit trail records for LA reports: every action is a member here."""

from naas.audit import AuditAction


class ReportingAction(AuditAction):
    LA_REPORT_REQUESTED = "la_report.requested"
