"""Who may see or do what in the core domain. Every object-level access decision about
local authorities and social workers is made here, never in a view."""

from django.db.models import Q, QuerySet

from .models import Role, SocialWorker, StaffRole


def _staff_roles(user) -> tuple[tuple[str, int | None], ...]:
    """The user's (role, LA id) pairs, in one query cached on the user object for the request:
    every guarded page asks which roles, and most then ask in which LAs."""
    cached = getattr(user, "_naas_staff_roles", None)
    if cached is None:
        # order_by(): the model's ordering by the user's name would join the users table to
        # sort one person's rows.
        roles = StaffRole.objects.filter(user=user).order_by()
        cached = tuple(roles.values_list("role", "local_authority_id"))
        user._naas_staff_roles = cached
    return cached


def roles_of(user) -> frozenset[str]:
    """The roles a signed-in user holds."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(role for role, _ in _staff_roles(user))


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def own_social_worker(user) -> SocialWorker | None:
    """The user's own social worker record, or None: read once per request and kept on the
    user object, as the guard, the navigation and the worker's own pages all ask. Every page
    asks (the navigation), so it is the cheapest read: no join, and order_by() drops the
    model's ordering by name, which would join the users table to sort one row."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_naas_social_worker"):
        found = next(iter(SocialWorker.objects.filter(user=user).order_by()[:1]), None)
        if found is not None:
            found.user = user  # the same row: no second read of it
        user._naas_social_worker = found
    return user._naas_social_worker


def is_social_worker(user) -> bool:
    """Whether the user has a social worker record."""
    return own_social_worker(user) is not None


def la_ids_where(user, role: str) -> set[int]:
    """The LAs in which the user holds a role (for an assessor: the LAs they are linked to)."""
    if not user.is_authenticated:
        return set()
    return {la_id for held, la_id in _staff_roles(user) if held == role and la_id is not None}


def social_workers_visible_to(user) -> QuerySet[SocialWorker]:
    """Individual worker records a user may open: their own, their supervisees in the
    supervisor's LA, or all of an LA lead's LA. DfE and assessors see none here."""
    workers = SocialWorker.objects.all()
    if not user.is_authenticated:
        return workers.none()
    allowed = Q(user=user)
    supervisor_las = la_ids_where(user, Role.SUPERVISOR)
    if supervisor_las:
        allowed |= Q(supervisor=user, local_authority_id__in=supervisor_las)
    lead_las = la_ids_where(user, Role.LA_LEAD)
    if lead_las:
        allowed |= Q(local_authority_id__in=lead_las)
    return workers.filter(allowed)


def can_view_social_worker(user, worker: SocialWorker) -> bool:
    return social_workers_visible_to(user).filter(pk=worker.pk).exists()


def can_supervise(user, worker: SocialWorker) -> bool:
    """The user is this worker's supervisor and acts as a supervisor in the worker's LA."""
    return (
        user.is_authenticated
        and worker.supervisor_id == user.pk
        and worker.local_authority_id in la_ids_where(user, Role.SUPERVISOR)
    )


def can_lead_la(user, local_authority_id: int) -> bool:
    return local_authority_id in la_ids_where(user, Role.LA_LEAD)


def can_manage_staff(user, local_authority) -> bool:
    return can_lead_la(user, local_authority.pk)


def can_view_dashboards(user) -> bool:
    return has_role(user, Role.DFE)


def is_assessment_administrator(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_see_failed_emails(user) -> bool:
    """Assessment administrators follow up emails that could not be delivered."""
    return has_role(user, Role.ADMINISTRATOR)
