"""The core domain's data rules: KSS frameworks, registration numbers, LA policy ranges,
role scoping and the append-only audit trail."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from naas.audit import NaasAction
from naas.models import (
    AuditEvent,
    KSSArea,
    KSSFramework,
    Level,
    LocalAuthority,
    Role,
    SocialWorker,
    StaffRole,
)
from naas.services import audit_event_record
from naas.tests.factories import (
    LocalAuthorityFactory,
    SocialWorkerFactory,
    UserFactory,
    current_framework,
)

pytestmark = pytest.mark.django_db

# Copied from the published statements (shared/DOMAIN.md), not from the data migration.
PUBLISHED_KSS = {
    Level.PRACTITIONER: [
        "Relationships and effective direct work",
        "Communication",
        "Child development",
        "Adult mental ill health, substance misuse, domestic abuse, physical ill health and "
        "disability",
        "Abuse and neglect of children",
        "Child and family assessment",
        "Analysis, decision-making, planning and review",
        "The law and the family and youth justice systems",
        "The role of supervision and research",
        "Organisational context",
    ],
    Level.SUPERVISOR: [
        "Promote and govern excellent practice",
        "Developing excellent practitioners",
        "Shaping and influencing the practice system",
        "Effective use of power and authority",
        "Confident analysis and decision-making",
        "Purposeful and effective social work",
        "Emotionally intelligent practice supervision",
        "Performance management and improvement",
    ],
    Level.LEADER: [
        "Lead and govern excellent practice",
        "Creating a context for excellent practice",
        "Designing a system to support effective social work practice",
        "Developing excellent practitioners",
        "Support effective decision-making",
        "Quality assurance and improvement",
    ],
}


# KSS frameworks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "count"), [(Level.PRACTITIONER, 10), (Level.SUPERVISOR, 8), (Level.LEADER, 6)]
)
def test_current_framework_has_the_published_areas_in_order(level, count):
    # given the frameworks the data migration loaded
    framework = current_framework(level)
    # when the areas are read in their order
    areas = list(framework.areas.order_by("number").values_list("number", "title"))
    # then they are exactly the published titles, numbered from 1
    assert len(areas) == count
    assert areas == list(enumerate(PUBLISHED_KSS[level], start=1))


def test_each_level_has_exactly_one_current_framework():
    # given the loaded frameworks
    # when they are counted per level
    current = KSSFramework.objects.filter(is_current=True)
    # then every level has one, and there are 24 areas in all
    assert sorted(current.values_list("level", flat=True)) == sorted(Level.values)
    assert KSSArea.objects.filter(framework__is_current=True).count() == 24


def test_framework_titles_and_years():
    # given the loaded frameworks
    frameworks = {f.level: f for f in KSSFramework.objects.filter(is_current=True)}
    # then each is titled after its level
    assert frameworks[Level.PRACTITIONER].title == "Approved child and family practitioner"
    assert frameworks[Level.SUPERVISOR].title == "Practice supervisor"
    assert frameworks[Level.LEADER].title == "Practice leader"
    assert frameworks[Level.PRACTITIONER].year == 2018


def test_practitioner_framework_is_not_the_2014_newly_qualified_statement():
    # given the practitioner framework
    first = current_framework(Level.PRACTITIONER).areas.get(number=1)
    # then it is not the 2014 statement for newly qualified workers
    assert not first.title.startswith("The role of child and family social work")


def test_a_second_current_framework_for_a_level_is_refused():
    # given the current practitioner framework
    # when another current version is added for the same level
    # then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        KSSFramework.objects.create(
            level=Level.PRACTITIONER, year=2026, version=2, title="New", is_current=True
        )


def test_area_numbers_are_unique_within_a_framework():
    framework = current_framework(Level.LEADER)
    with pytest.raises(IntegrityError), transaction.atomic():
        KSSArea.objects.create(framework=framework, number=1, title="Duplicate")


# Registration numbers -----------------------------------------------------------------------


def _unsaved_worker(registration_number: str) -> SocialWorker:
    la = LocalAuthorityFactory()
    return SocialWorkerFactory.build(
        user=UserFactory(),
        local_authority=la,
        supervisor=None,
        registration_number=registration_number,
    )


@pytest.mark.parametrize("number", ["SW1", "SW12", "SW123", "SW123456"])
def test_valid_registration_numbers_pass_full_clean(number):
    # given a worker with a well-formed number
    worker = _unsaved_worker(number)
    # when validated, then no error is raised
    worker.full_clean()


@pytest.mark.parametrize(
    "number",
    ["SW", "SW1234567", "sw123", "XSW12", "SW12a", "SW12\n", "S123", "SW 12", "SW-12", ""],
)
def test_invalid_registration_numbers_fail_full_clean(number):
    # given a worker with a malformed number
    worker = _unsaved_worker(number)
    # when validated
    with pytest.raises(ValidationError) as caught:
        worker.full_clean()
    # then the registration number is the field in error
    assert "registration_number" in caught.value.message_dict


def test_registration_number_must_be_unique():
    # given a worker with SW123
    SocialWorkerFactory(registration_number="SW123")
    # when a second worker with the same number is validated
    duplicate = _unsaved_worker("SW123")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    # then it is refused by validation
    assert "registration_number" in caught.value.message_dict
    # and by the database
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_worker_cannot_supervise_themselves():
    worker = _unsaved_worker("SW55")
    worker.supervisor = worker.user
    with pytest.raises(ValidationError) as caught:
        worker.full_clean()
    assert "supervisor" in caught.value.message_dict


# Local authority minimum tenure -------------------------------------------------------------


@pytest.mark.parametrize("months", [6, 9, 12])
def test_minimum_tenure_from_6_to_12_months_is_valid(months):
    la = LocalAuthorityFactory.build(phase=LocalAuthorityFactory().phase, min_tenure_months=months)
    la.full_clean()


@pytest.mark.parametrize("months", [0, 5, 13, 24])
def test_minimum_tenure_outside_6_to_12_months_fails_validation(months):
    # given an LA with a minimum tenure out of range
    la = LocalAuthorityFactory.build(phase=LocalAuthorityFactory().phase, min_tenure_months=months)
    # when validated
    with pytest.raises(ValidationError) as caught:
        la.full_clean()
    # then the tenure is in error
    assert "min_tenure_months" in caught.value.message_dict


def test_minimum_tenure_defaults_to_6_months():
    assert LocalAuthority._meta.get_field("min_tenure_months").default == 6


@pytest.mark.parametrize("months", [5, 13])
def test_database_refuses_minimum_tenure_outside_6_to_12_months(months):
    # given a saved LA
    la = LocalAuthorityFactory()
    # when the tenure is written straight to the database, around the validators
    # then the check constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalAuthority.objects.filter(pk=la.pk).update(min_tenure_months=months)
    la.refresh_from_db()
    assert la.min_tenure_months == 6


# Staff roles --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LA_LEAD])
def test_la_roles_need_an_la(role):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=user, role=role, local_authority=None)
    with pytest.raises(ValidationError):
        StaffRole(user=user, role=role, local_authority=None).full_clean()


@pytest.mark.parametrize("role", [Role.DFE, Role.ADMINISTRATOR])
def test_national_roles_must_not_have_an_la(role):
    user, la = UserFactory(), LocalAuthorityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=user, role=role, local_authority=la)
    with pytest.raises(ValidationError):
        StaffRole(user=user, role=role, local_authority=la).full_clean()


@pytest.mark.parametrize(
    ("role", "scoped"),
    [
        (Role.SUPERVISOR, True),
        (Role.LA_LEAD, True),
        (Role.ASSESSOR, True),
        (Role.ASSESSOR, False),
        (Role.MODERATOR, True),
        (Role.MODERATOR, False),
        (Role.DFE, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_allowed_role_scopes_are_saved(role, scoped):
    user = UserFactory()
    la = LocalAuthorityFactory() if scoped else None
    staff_role = StaffRole(user=user, role=role, local_authority=la)
    staff_role.full_clean()
    staff_role.save()
    assert StaffRole.objects.filter(user=user, role=role, local_authority=la).exists()


def test_an_unscoped_role_is_held_once():
    user = UserFactory()
    StaffRole.objects.create(user=user, role=Role.DFE)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=user, role=Role.DFE)


def test_a_scoped_role_is_held_once_per_la():
    user, la = UserFactory(), LocalAuthorityFactory()
    StaffRole.objects.create(user=user, role=Role.SUPERVISOR, local_authority=la)
    StaffRole.objects.create(
        user=user, role=Role.SUPERVISOR, local_authority=LocalAuthorityFactory()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=user, role=Role.SUPERVISOR, local_authority=la)


# Audit events -------------------------------------------------------------------------------


def _event() -> AuditEvent:
    la = LocalAuthorityFactory()
    return audit_event_record(
        actor=UserFactory(),
        subject=la,
        action=NaasAction.EQUALITY_DATA_UPDATED,
        from_state="a",
        to_state="b",
    )


def test_audit_event_records_actor_subject_and_states():
    # given an event recorded about an LA
    event = _event()
    # then it can be found for that LA, with its details
    found = AuditEvent.objects.for_object(event.subject).get()
    assert found.pk == event.pk
    assert (found.action, found.from_state, found.to_state) == (
        NaasAction.EQUALITY_DATA_UPDATED,
        "a",
        "b",
    )
    assert found.actor is not None
    assert found.occurred_at is not None


def test_audit_event_cannot_be_changed_by_saving_it_again():
    event = _event()
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_audit_event_cannot_be_deleted():
    event = _event()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_or_deleted_in_bulk():
    event = _event()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(reason="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_an_anonymous_actor_is_recorded_as_no_one():
    from django.contrib.auth.models import AnonymousUser

    event = audit_event_record(
        actor=AnonymousUser(), subject=LocalAuthorityFactory(), action=NaasAction.DOCUMENT_RETRIED
    )
    assert event.actor is None
