"""Demo data for feedback: for every published outcome in the demo (the assessment app's demo
makes them), feedback for each area not met, the letter, and for a met outcome the
accreditation and certificate. Idempotent. Celery is eager in the demo, so the PDFs are made
when the seed's transaction commits."""

from datetime import date

from assessment.models import Allocation, MarkerRole, Outcome, OutcomeResult

from .models import AreaFeedback
from .services import outcome_publication_record

FEEDBACK_TEXT = (
    "The evidence in this area did not yet show the standard expected. In the role play the "
    "risks were named but not weighed against the family's strengths, and the written task "
    "did not say how the plan would be reviewed."
)
SUGGESTIONS_TEXT = (
    "Discuss recent cases in supervision with a focus on this area, and shadow an experienced "
    "colleague through an assessment from start to finish."
)


def seed(accounts: dict, today: date) -> None:
    outcomes = Outcome.objects.filter(published_at__isnull=False).select_related("attempt")
    for outcome in outcomes:
        attempt = outcome.attempt
        marker = (
            Allocation.objects.filter(attempt=attempt, role=MarkerRole.FIRST)
            .values_list("assessor", flat=True)
            .first()
        )
        writer_id = marker or accounts["assessor"].pk
        for area_outcome in outcome.area_outcomes.exclude(result=OutcomeResult.MET):
            AreaFeedback.objects.get_or_create(
                attempt=attempt,
                area_id=area_outcome.area_id,
                defaults={
                    "feedback": FEEDBACK_TEXT,
                    "development_suggestions": SUGGESTIONS_TEXT,
                    "written_by_id": writer_id,
                },
            )
        outcome_publication_record(outcome=outcome)
