from io import StringIO

import pytest
from django.core.management import call_command

from assessment.models import AreaOutcome, Attempt, Outcome
from naas.models import LocalAuthority, SocialWorker
from reporting import national_data

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("seed_national", *args, stdout=out)
    return out.getvalue()


def test_seed_national_makes_the_las_workers_and_their_history():
    # when
    output = run("--workers", "600")
    # then
    las = LocalAuthority.objects.filter(ons_code__startswith=national_data.ONS_PREFIX)
    assert las.count() == 152
    assert {
        code: las.filter(phase__code=code).count() for code in ("alpha", "beta", "national")
    } == {
        "alpha": 5,
        "beta": 48,
        "national": 99,
    }
    workers = SocialWorker.objects.filter(local_authority__in=las)
    assert workers.count() == 600
    assert workers.exclude(ethnicity_group="").count() > 300  # most gave equality answers
    assert Attempt.objects.filter(parent__isnull=False).exists()  # fast-track retakes
    outcome = Outcome.objects.filter(attempt__parent__isnull=True).first()
    assert (
        AreaOutcome.objects.filter(outcome=outcome).count()
        == outcome.attempt.framework.areas.count()
    )
    assert "Made 152 LAs, 600 social workers" in output


def test_seed_national_runs_once_unless_reset():
    run("--workers", "200")
    assert "nothing to do" in run("--workers", "200")
    assert SocialWorker.objects.count() == 200
    run("--workers", "300", "--reset")
    assert SocialWorker.objects.count() == 300
    assert LocalAuthority.objects.count() == 152
