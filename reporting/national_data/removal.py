"""Finding and removing what seed_national made, and nothing else."""

from django.db import transaction

from assessment.models import AreaOutcome, Attempt, AttemptArea, Outcome, Sitting
from endorsement.models import Endorsement
from feedback.models import SupportAction, SupportPlan
from naas.models import LocalAuthority, SocialWorker, StaffRole, User

from ..models import LAReport
from .population import CENTRE_NAME, DOMAIN, ONS_PREFIX


def exists() -> bool:
    return LocalAuthority.objects.filter(ons_code__startswith=ONS_PREFIX).exists()


@transaction.atomic
def reset() -> None:
    """Remove everything seed_national made (and nothing else)."""
    las = LocalAuthority.objects.filter(ons_code__startswith=ONS_PREFIX)
    workers = SocialWorker.objects.filter(local_authority__in=las)
    SupportAction.objects.filter(plan__worker__in=workers).delete()
    SupportPlan.objects.filter(worker__in=workers).delete()
    outcomes = Outcome.objects.filter(attempt__worker__in=workers)
    AreaOutcome.objects.filter(outcome__in=outcomes).delete()
    outcomes.delete()
    attempts = Attempt.objects.filter(worker__in=workers)
    AttemptArea.objects.filter(attempt__in=attempts).delete()
    attempts.filter(parent__isnull=False).delete()
    attempts.delete()
    Endorsement.objects.filter(worker__in=workers).delete()
    user_ids = list(workers.values_list("user_id", flat=True))
    workers.delete()
    for report in LAReport.objects.filter(local_authority__in=las):
        report.file.delete(save=False)
        report.csv_file.delete(save=False)
        report.delete()
    supervisor_ids = list(
        StaffRole.objects.filter(local_authority__in=las).values_list("user_id", flat=True)
    )
    StaffRole.objects.filter(local_authority__in=las).delete()
    User.objects.filter(pk__in=user_ids + supervisor_ids, email__endswith=f"@{DOMAIN}").delete()
    las.delete()
    Sitting.objects.filter(centre__name=CENTRE_NAME).delete()
