"""Factories for the core domain, shared by every app's tests."""

from datetime import date
from importlib import import_module

import factory
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.utils import timezone

from naas.models import (
    KSSFramework,
    Level,
    LocalAuthority,
    OfstedGrade,
    Phase,
    PhaseCode,
    Region,
    Role,
    SocialWorker,
    StaffRole,
    User,
)

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase
        django_get_or_create = ("code",)

    code = PhaseCode.ALPHA
    starts_on = date(2018, 4, 1)
    target_accredited = 500


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"Borough {n}")
    ons_code = factory.Sequence(lambda n: f"E{n + 8000000:08d}")
    region = Region.NORTH_WEST
    ofsted_grade = OfstedGrade.GOOD
    phase = factory.SubFactory(PhaseFactory)
    min_tenure_months = 6
    endorses_agency_workers = True


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    role = Role.SUPERVISOR
    local_authority = factory.SubFactory(LocalAuthorityFactory)


def staff_user(role: str, local_authority=None, **user_fields) -> User:
    """A user holding one role (scoped to `local_authority` where the role needs one)."""
    user = UserFactory(**user_fields)
    if role in (Role.ADMINISTRATOR, Role.DFE):
        local_authority = None
    elif local_authority is None and role in (Role.SUPERVISOR, Role.LA_LEAD):
        local_authority = LocalAuthorityFactory()
    StaffRole.objects.create(user=user, role=role, local_authority=local_authority)
    return user


class SocialWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialWorker

    user = factory.SubFactory(UserFactory)
    registration_number = factory.Sequence(lambda n: f"SW{n + 10000}")
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    employed_since = factory.LazyFunction(lambda: timezone.localdate() - relativedelta(years=2))
    job_level = Level.PRACTITIONER
    supervisor = factory.LazyAttribute(lambda o: staff_user(Role.SUPERVISOR, o.local_authority))


def current_framework(level: str = Level.PRACTITIONER) -> KSSFramework:
    return KSSFramework.objects.get(level=level, is_current=True)


def ensure_kss_frameworks() -> None:
    """The KSS frameworks come from a data migration, which transactional tests flush: load
    them again when they are missing."""
    if not KSSFramework.objects.exists():
        import_module("naas.migrations.0002_kss_frameworks").load_frameworks(apps, None)
