"""What the audit trail records for feedback, letters, accreditation and support plans: every action is a member here."""

from naas.audit import AuditAction


class FeedbackAction(AuditAction):
    ACCREDITATION_RECORDED = "accreditation.recorded"
    ACCREDITATION_WITHDRAWN = "accreditation.withdrawn"
    AREA_FEEDBACK_CREATED = "area_feedback.created"
    AREA_FEEDBACK_UPDATED = "area_feedback.updated"
    CREDENTIAL_ISSUED = "credential.issued"
    CREDENTIAL_REVOKED = "credential.revoked"
    LETTER_REQUESTED = "letter.requested"
    SUPPORT_ACTION_CREATED = "support_action.created"
    SUPPORT_ACTION_STATUS_CHANGED = "support_action.status_changed"
    SUPPORT_PLAN_CREATED = "support_plan.created"
    SUPPORT_REQUESTED = "support_request.sent"
