"""What the audit trail records for endorsements: every action is a member here."""

from naas.audit import AuditAction


class EndorsementAction(AuditAction):
    ENDORSEMENT_CONFIRMED = "endorsement.confirmed"
    ENDORSEMENT_CONSENT_RECORDED = "endorsement.consent_recorded"
    ENDORSEMENT_DECLINED = "endorsement.declined"
    ENDORSEMENT_LAPSED = "endorsement.lapsed"
    ENDORSEMENT_RELEASED = "endorsement.released"
    ENDORSEMENT_RETURNED = "endorsement.returned"
    ENDORSEMENT_SIGNED_OFF = "endorsement.signed_off"
    ENDORSEMENT_STARTED = "endorsement.started"
    ENDORSEMENT_USED = "endorsement.used"
    ENDORSEMENT_WITHDRAWN = "endorsement.withdrawn"
    SERVICE_USER_FEEDBACK_CONSIDERED = "service_user_feedback.considered"
    SERVICE_USER_FEEDBACK_RECORDED = "service_user_feedback.recorded"
    SUPERVISION_SESSION_RECORDED = "supervision_session.recorded"
