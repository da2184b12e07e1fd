"""Finding and removing what seed_national made, and nothing else."""

from django.db import transaction

from assessment.models import (
    AreaOutcome,
    Attempt,
    AttemptArea,
    Item,
    Outcome,
    ResultsImport,
    Scenario,
    Sitting,
    TestForm,
    TestResult,
)
from endorsement.models import Endorsement
from feedback.models import SupportAction, SupportPlan
from naas.models import LocalAuthority, SocialWorker, StaffRole, User

from ..models import LAReport
from .population import CENTRE_NAME, DOMAIN, ONS_PREFIX
from .psychometric_data import ITEM_PREFIX, staff_emails


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
    _remove_test_results(attempts)
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
    # The seeded item bank and staff, once nothing refers to them any more.
    TestForm.objects.filter(code__startswith=ITEM_PREFIX).delete()
    Item.objects.filter(code__startswith=ITEM_PREFIX).delete()
    Scenario.objects.filter(code__startswith=ITEM_PREFIX).delete()
    User.objects.filter(email__in=staff_emails()).delete()


def _remove_test_results(attempts) -> None:
    """Results (their responses and area scores go with them) and their files; the
    allocations and marks go with the attempts."""
    results = TestResult.objects.filter(attempt__in=attempts)
    import_ids = set(results.values_list("results_import_id", flat=True))
    results.delete()
    ResultsImport.objects.filter(pk__in=import_ids).delete()
