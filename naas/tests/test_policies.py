"""Object-level access to the core models, for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from naas import policies
from naas.models import Role, StaffRole
from naas.tests.factories import (
    LocalAuthorityFactory,
    SocialWorkerFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two LAs. In `home`: a supervisor with two supervisees, another supervisor's supervisee,
    and the LA lead. In `away`: a worker whose supervisor field points at home's supervisor
    (who holds no role there), and that LA's own lead."""
    home, away = LocalAuthorityFactory(name="Home"), LocalAuthorityFactory(name="Away")
    supervisor = staff_user(Role.SUPERVISOR, home)
    colleague = staff_user(Role.SUPERVISOR, home)
    mine = [SocialWorkerFactory(local_authority=home, supervisor=supervisor) for _ in range(2)]
    colleagues = SocialWorkerFactory(local_authority=home, supervisor=colleague)
    away_worker = SocialWorkerFactory(local_authority=away, supervisor=supervisor)
    away_other = SocialWorkerFactory(local_authority=away)
    return {
        "home": home,
        "away": away,
        "supervisor": supervisor,
        "lead": staff_user(Role.LA_LEAD, home),
        "away_lead": staff_user(Role.LA_LEAD, away),
        "mine": mine,
        "colleagues": colleagues,
        "away_worker": away_worker,
        "away_other": away_other,
        "assessor": staff_user(Role.ASSESSOR, home),
        "moderator": staff_user(Role.MODERATOR, home),
        "administrator": staff_user(Role.ADMINISTRATOR),
        "dfe": staff_user(Role.DFE),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


def visible(user) -> set[int]:
    return set(policies.social_workers_visible_to(user).values_list("pk", flat=True))


def test_social_worker_sees_only_their_own_record(world):
    # given a social worker
    worker = world["mine"][0]
    # then they see their own record and no one else's
    assert visible(worker.user) == {worker.pk}
    assert policies.can_view_social_worker(worker.user, worker)
    assert not policies.can_view_social_worker(worker.user, world["mine"][1])
    assert not policies.can_view_social_worker(worker.user, world["colleagues"])


def test_supervisor_sees_their_supervisees_in_their_own_la(world):
    supervisor = world["supervisor"]
    assert visible(supervisor) == {w.pk for w in world["mine"]}
    for worker in world["mine"]:
        assert policies.can_view_social_worker(supervisor, worker)
        assert policies.can_supervise(supervisor, worker)


def test_supervisor_does_not_see_a_colleagues_supervisee(world):
    supervisor, worker = world["supervisor"], world["colleagues"]
    assert not policies.can_view_social_worker(supervisor, worker)
    assert not policies.can_supervise(supervisor, worker)


def test_supervisor_does_not_see_a_supervisee_in_another_la(world):
    # given a worker in another LA whose supervisor field names this supervisor,
    # who holds no supervisor role in that LA
    supervisor, worker = world["supervisor"], world["away_worker"]
    # then the supervisor may neither see nor supervise them
    assert not policies.can_view_social_worker(supervisor, worker)
    assert not policies.can_supervise(supervisor, worker)


def test_supervisor_with_a_role_in_that_la_may_supervise_there(world):
    supervisor, worker = world["supervisor"], world["away_worker"]
    StaffRole.objects.create(user=supervisor, role=Role.SUPERVISOR, local_authority=world["away"])
    assert policies.can_supervise(supervisor, worker)
    assert policies.can_view_social_worker(supervisor, worker)


def test_la_lead_sees_every_worker_in_their_own_la_only(world):
    lead = world["lead"]
    home_workers = {w.pk for w in world["mine"]} | {world["colleagues"].pk}
    assert visible(lead) == home_workers
    assert not policies.can_view_social_worker(lead, world["away_worker"])
    assert not policies.can_view_social_worker(lead, world["away_other"])
    # and the lead does not supervise anyone by being lead
    assert not any(policies.can_supervise(lead, w) for w in world["mine"])


def test_la_lead_manages_staff_only_in_their_own_la(world):
    assert policies.can_manage_staff(world["lead"], world["home"])
    assert not policies.can_manage_staff(world["lead"], world["away"])
    assert policies.can_manage_staff(world["away_lead"], world["away"])
    assert not policies.can_manage_staff(world["away_lead"], world["home"])


@pytest.mark.parametrize("kind", ["assessor", "moderator", "administrator", "dfe", "superuser"])
def test_national_and_assessment_roles_see_no_individual_worker(world, kind):
    # given a user whose role is not about an LA's own staff (even when linked to that LA)
    user = world[kind]
    # then they see no individual worker, supervise no one and manage no LA's staff
    assert visible(user) == set()
    everyone = [*world["mine"], world["colleagues"], world["away_worker"], world["away_other"]]
    assert not any(policies.can_view_social_worker(user, w) for w in everyone)
    assert not any(policies.can_supervise(user, w) for w in everyone)
    assert not policies.can_manage_staff(user, world["home"])
    assert not policies.can_manage_staff(user, world["away"])


def test_supervisor_cannot_manage_staff(world):
    assert not policies.can_manage_staff(world["supervisor"], world["home"])


def test_anonymous_user_sees_nothing(world):
    anonymous = AnonymousUser()
    assert visible(anonymous) == set()
    assert not policies.can_view_social_worker(anonymous, world["mine"][0])
    assert not policies.can_supervise(anonymous, world["mine"][0])
    assert not policies.can_manage_staff(anonymous, world["home"])
    assert policies.roles_of(anonymous) == frozenset()
    assert not policies.is_social_worker(anonymous)


def test_a_supervisor_who_is_also_a_social_worker_sees_their_own_record_too(world):
    supervisor = world["supervisor"]
    own = SocialWorkerFactory(user=supervisor, local_authority=world["home"], supervisor=None)
    assert visible(supervisor) == {w.pk for w in world["mine"]} | {own.pk}
    assert not policies.can_supervise(supervisor, own)


def test_dashboards_are_for_dfe_only(world):
    assert policies.can_view_dashboards(world["dfe"])
    for kind in ["supervisor", "lead", "assessor", "moderator", "administrator", "superuser"]:
        assert not policies.can_view_dashboards(world[kind])
    assert not policies.can_view_dashboards(world["mine"][0].user)


def test_assessment_administrator_question(world):
    assert policies.is_assessment_administrator(world["administrator"])
    for kind in ["supervisor", "lead", "assessor", "moderator", "dfe", "superuser"]:
        assert not policies.is_assessment_administrator(world[kind])


def test_roles_are_read_once_per_user_object(world, django_assert_num_queries):
    user = world["lead"]
    with django_assert_num_queries(1):
        assert policies.has_role(user, Role.LA_LEAD)
        assert not policies.has_role(user, Role.DFE)
        assert policies.roles_of(user) == frozenset({Role.LA_LEAD})


def test_roles_and_their_las_are_one_query_per_user_object(world, django_assert_num_queries):
    user = world["lead"]
    with django_assert_num_queries(1):
        assert policies.roles_of(user) == frozenset({Role.LA_LEAD})
        assert policies.la_ids_where(user, Role.LA_LEAD) == {world["home"].pk}
        assert policies.la_ids_where(user, Role.SUPERVISOR) == set()


def test_being_a_social_worker_is_read_once_per_user_object(world, django_assert_num_queries):
    worker, staff = world["mine"][0].user, world["lead"]
    with django_assert_num_queries(2):
        assert policies.is_social_worker(worker) and policies.is_social_worker(worker)
        assert not policies.is_social_worker(staff) and not policies.is_social_worker(staff)


def test_the_own_worker_record_is_read_once_with_its_user(world, django_assert_num_queries):
    worker, staff = world["mine"][0], world["lead"]
    user = type(worker.user).objects.get(pk=worker.user_id)  # a fresh object, as each request has
    with django_assert_num_queries(1):
        found = policies.own_social_worker(user)
        assert found == worker and found.user is user
        assert policies.is_social_worker(user) and policies.own_social_worker(user) is found
    with django_assert_num_queries(1):
        assert policies.own_social_worker(staff) is None and not policies.is_social_worker(staff)
