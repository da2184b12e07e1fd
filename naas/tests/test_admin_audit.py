"""The back office is an audited write path: every change made there is one audit event with
each changed field's value before and after; password hashes never enter the trail."""

import json

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from naas.admin import TENURE_MESSAGE, AuditedModelAdmin, ReadOnlyAdmin
from naas.models import AuditEvent, KSSFramework, LocalAuthority, Phase, Role, StaffRole, User
from naas.tests.admin_forms import admin_events, change_url, changelist_url, post_change
from naas.tests.factories import (
    LocalAuthorityFactory,
    SocialWorkerFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True, email="back.office@example.gov.uk")


@pytest.fixture
def back_office(client, superuser):
    client.force_login(superuser)
    return client


def only_event(obj) -> AuditEvent:
    events = list(admin_events(obj))
    assert len(events) == 1, [(e.action, e.detail) for e in events]
    return events[0]


def assert_saved(response):
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )


# Every ModelAdmin is audited ----------------------------------------------------------------


def test_every_registered_model_admin_is_audited():
    unaudited = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert unaudited == []


def test_there_is_one_read_only_admin():
    from assessment import admin as assessment_admin
    from endorsement import admin as endorsement_admin
    from feedback import admin as feedback_admin
    from reporting import admin as reporting_admin

    for module in (assessment_admin, endorsement_admin, feedback_admin, reporting_admin):
        assert module.ReadOnlyAdmin is ReadOnlyAdmin
    assert issubclass(ReadOnlyAdmin, AuditedModelAdmin)


# One event per change, with before and after -------------------------------------------------


def test_making_a_user_a_superuser_is_audited(back_office, superuser):
    # given an ordinary user
    user = UserFactory(full_name="Sam Brown")
    # when the back office makes them a superuser
    assert_saved(post_change(back_office, user, is_superuser=True, is_staff=True))
    # then one event says who did it, and the flags before and after
    event = only_event(user)
    assert event.action == "admin.changed"
    assert event.actor == superuser
    assert event.detail["changes"] == {
        "is_staff": {"before": False, "after": True},
        "is_superuser": {"before": False, "after": True},
    }
    user.refresh_from_db()
    assert user.is_superuser


def test_removing_the_superuser_flag_is_audited(back_office):
    user = UserFactory(is_superuser=True, is_staff=True)
    assert_saved(post_change(back_office, user, is_superuser=False))
    assert only_event(user).detail["changes"] == {"is_superuser": {"before": True, "after": False}}


def test_a_password_changed_in_the_back_office_is_audited_without_its_hash(back_office):
    # given a user with a password
    user = UserFactory()
    old_hash = user.password
    # when the back office sets a new one
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = back_office.post(
        url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password != old_hash
    # then one event records that the password changed, and neither hash is in it
    event = only_event(user)
    assert event.detail == {"changes": {"password": "changed"}}
    trail = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert old_hash not in trail
    assert user.password not in trail


def test_adding_a_user_is_audited_without_the_password_hash(back_office):
    response = back_office.post(
        reverse("admin:naas_user_add"),
        {
            "email": "new.person@example.org",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    event = only_event(user)
    assert event.action == "admin.created"
    assert event.detail["changes"]["email"] == {"before": None, "after": "new.person@example.org"}
    assert event.detail["changes"]["password"] == "changed"
    assert user.password not in json.dumps(event.detail)


def test_changing_a_phase_is_audited(back_office):
    phase = Phase.objects.create(code="beta", starts_on="2019-04-01", target_accredited=500)
    assert_saved(post_change(back_office, phase, target_accredited="750"))
    assert only_event(phase).detail["changes"] == {
        "target_accredited": {"before": 500, "after": 750}
    }


def test_changing_an_las_minimum_tenure_is_audited(back_office):
    la = LocalAuthorityFactory(min_tenure_months=6)
    assert_saved(post_change(back_office, la, min_tenure_months="9"))
    assert only_event(la).detail["changes"] == {"min_tenure_months": {"before": 6, "after": 9}}


def test_moving_a_worker_to_another_supervisor_and_la_is_audited(back_office):
    # given a worker, and a supervisor in another LA
    worker = SocialWorkerFactory()
    old_la, old_supervisor = worker.local_authority, worker.supervisor
    new_la = LocalAuthorityFactory()
    new_supervisor = staff_user(Role.SUPERVISOR, new_la)
    # when the back office moves them
    response = post_change(
        back_office,
        worker,
        local_authority=str(new_la.pk),
        supervisor=str(new_supervisor.pk),
    )
    assert_saved(response)
    # then one event has both changes, by id
    assert only_event(worker).detail["changes"] == {
        "local_authority": {"before": old_la.pk, "after": new_la.pk},
        "supervisor": {"before": old_supervisor.pk, "after": new_supervisor.pk},
    }


def test_a_workers_equality_answers_are_audited_as_changed_never_with_their_values(back_office):
    worker = SocialWorkerFactory()
    assert_saved(post_change(back_office, worker, sex="female"))
    assert only_event(worker).detail["changes"] == {"sex": "changed"}


def test_granting_a_staff_role_is_audited(back_office):
    la = LocalAuthorityFactory()
    user = staff_user(Role.SUPERVISOR, la)
    grant = StaffRole.objects.get(user=user)
    assert_saved(post_change(back_office, grant, role=Role.LA_LEAD))
    assert only_event(grant).detail["changes"] == {
        "role": {"before": Role.SUPERVISOR, "after": Role.LA_LEAD}
    }


def test_a_framework_and_its_inline_areas_are_audited_each_as_its_own_object(back_office):
    # given a KSS framework with its areas (shown inline)
    framework = KSSFramework.objects.filter(is_current=True).first()
    area = framework.areas.order_by("pk").first()
    area_index = list(framework.areas.order_by("pk")).index(area)
    old_title = area.title
    # when one area's title changes and nothing else does
    response = post_change(back_office, framework, **{f"areas-{area_index}-title": "Renamed"})
    assert_saved(response)
    # then the area has one event and the framework none (nothing of its own changed)
    assert only_event(area).detail["changes"] == {
        "title": {"before": old_title, "after": "Renamed"}
    }
    assert list(admin_events(framework)) == []


def test_saving_without_a_change_records_nothing(back_office):
    la = LocalAuthorityFactory()
    assert_saved(post_change(back_office, la))
    assert list(admin_events(la)) == []


def test_a_permission_group_is_audited(back_office):
    group = Group.objects.create(name="Helpdesk")
    assert_saved(post_change(back_office, group, name="Service desk"))
    assert only_event(group).detail["changes"] == {
        "name": {"before": "Helpdesk", "after": "Service desk"}
    }


# Deleting, one by one and in bulk -----------------------------------------------------------


def test_deleting_is_audited_with_the_values_that_went(back_office):
    phase = Phase.objects.create(code="gamma", starts_on="2020-04-01", target_accredited=9)
    phase_pk = phase.pk
    url = reverse("admin:naas_phase_delete", args=[phase.pk])
    assert back_office.post(url, {"post": "yes"}).status_code == 302
    assert not Phase.objects.filter(pk=phase_pk).exists()
    event = AuditEvent.objects.get(action="admin.deleted", object_id=str(phase_pk))
    assert event.detail["changes"]["target_accredited"] == {"before": 9, "after": None}


def test_the_delete_selected_action_audits_every_object(back_office):
    groups = [Group.objects.create(name=f"Group {n}") for n in range(3)]
    response = back_office.post(
        changelist_url(Group),
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Group.objects.exists()
    events = AuditEvent.objects.filter(action="admin.deleted").order_by("object_id")
    assert [e.object_id for e in events] == sorted(str(g.pk) for g in groups)
    assert {e.detail["changes"]["name"]["before"] for e in events} == {
        "Group 0",
        "Group 1",
        "Group 2",
    }


def test_lifting_a_lockout_in_the_back_office_is_audited_without_the_address(back_office):
    attempt = AccessAttempt.objects.create(
        username="locked@example.org",
        ip_address="203.0.113.7",
        user_agent="Browser",
        failures_since_start=10,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/sign-in/",
    )
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert back_office.post(url, {"post": "yes"}).status_code == 302
    event = AuditEvent.objects.get(action="admin.deleted")
    assert event.detail["changes"]["username"]["before"] == "locked@example.org"
    assert event.detail["changes"]["ip_address"] == "changed"
    assert "203.0.113.7" not in json.dumps(event.detail)


# Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("months", ["5", "13"])
def test_the_back_office_refuses_a_minimum_tenure_outside_6_to_12_months(back_office, months):
    la = LocalAuthorityFactory(min_tenure_months=6)
    response = post_change(back_office, la, min_tenure_months=months)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["min_tenure_months"] == [TENURE_MESSAGE]
    assert TENURE_MESSAGE in response.content.decode()
    la.refresh_from_db()
    assert la.min_tenure_months == 6
    assert list(admin_events(la)) == []


def test_audit_events_cannot_be_changed_in_the_back_office(back_office, superuser):
    event = AuditEvent.objects.create(
        actor=superuser,
        content_type=ContentType.objects.get_for_model(superuser),
        object_id=str(superuser.pk),
        action="x.y",
    )
    assert back_office.post(change_url(event), {"action": "changed"}).status_code == 403
    assert (
        back_office.post(reverse("admin:naas_auditevent_delete", args=[event.pk])).status_code
        == 403
    )


def test_an_la_keeps_the_model_rule_too():
    la = LocalAuthority(min_tenure_months=13)
    with pytest.raises(Exception) as caught:
        la.full_clean(exclude=["name", "ons_code", "region", "ofsted_grade", "phase"])
    assert "min_tenure_months" in caught.value.message_dict
