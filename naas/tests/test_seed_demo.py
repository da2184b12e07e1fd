"""The demo seed: realistic, idempotent, and it tells you how to sign in."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from naas.demo import DEMO_PASSWORD
from naas.models import LocalAuthority, OfstedGrade, PhaseCode, Role, SocialWorker, User
from naas.navigation import start_url_for

pytestmark = pytest.mark.django_db

ALPHA_LAS = {"Bury", "Leeds", "Manchester", "Oldham", "Wigan"}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def every_count() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_is_idempotent():
    # given the demo seeded once
    seed()
    first = every_count()
    # when it is seeded again
    seed()
    # then every table holds the same number of rows
    assert every_count() == first


def test_seed_demo_creates_the_alpha_las_and_about_200_workers():
    seed()
    las = LocalAuthority.objects.select_related("phase")
    names = set(las.values_list("name", flat=True))
    assert names >= ALPHA_LAS
    assert {la.name for la in las if la.phase.code == PhaseCode.ALPHA} == ALPHA_LAS
    assert las.filter(phase__code=PhaseCode.BETA).exists()
    assert las.get(name="Manchester").ofsted_grade == OfstedGrade.INADEQUATE
    assert las.get(name="Leeds").ofsted_grade == OfstedGrade.GOOD
    assert all(6 <= la.min_tenure_months <= 12 for la in las)
    assert 180 <= SocialWorker.objects.count() <= 250
    assert SocialWorker.objects.filter(employment_type="agency").exists()
    # every worker has a supervisor who is a supervisor in the worker's own LA
    for worker in SocialWorker.objects.select_related("supervisor"):
        assert worker.supervisor.staff_roles.filter(
            role=Role.SUPERVISOR, local_authority=worker.local_authority
        ).exists(), worker


def test_seed_demo_prints_every_demo_account_and_the_password():
    # when the demo is seeded
    output = seed()
    # then the output names each role's account and the shared password
    assert DEMO_PASSWORD in output
    for role in [
        "supervisor",
        "la lead",
        "assessor",
        "moderator",
        "administrator",
        "dfe",
        "social worker",
        "superuser",
        "second assessor",
        "third assessor",
    ]:
        assert role in output
    emails = [line.split()[-1] for line in output.splitlines() if "@" in line]
    assert len(emails) == 10
    # and each printed account signs in with the password and has a start page
    for email in emails:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD), email
        assert start_url_for(user) is not None, email


def test_generated_workers_cannot_sign_in():
    # only the printed demo accounts have a password
    seed()
    worker = SocialWorker.objects.exclude(registration_number="SW100").select_related("user")[0]
    assert not worker.user.has_usable_password()
