from django.apps import AppConfig
from django.urls import reverse


def _feedback_page(outcome) -> str:
    """Where missing feedback is written: the attempt's feedback page (its first marker's)."""
    return reverse("feedback:write_feedback", kwargs={"attempt_id": outcome.attempt_id})


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self):
        from django.core.checks import register

        from assessment.signals import outcome_published, register_pre_publish_check
        from endorsement.selectors import register_accreditation_check

        from . import selectors, services, tasks  # noqa: F401  (registers the build tasks)
        from .credentials import checks

        outcome_published.connect(services.on_outcome_published, dispatch_uid="feedback.letter")
        register_pre_publish_check(
            services.publication_feedback_problems,
            fix_url=_feedback_page,
            many=services.publication_feedback_problems_by_outcome,
        )
        register_accreditation_check(selectors.worker_holds_accreditation)
        register(checks.credential_signing_key)
        register(checks.credential_issuer_address)
