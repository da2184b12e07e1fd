"""The people the access tests sign in as: one user for each role, anonymous included."""

from naas.models import Role, User
from naas.tests.factories import SocialWorkerFactory, UserFactory, staff_user

ROLES = [
    "anonymous",
    "social_worker",
    "supervisor",
    "la_lead",
    "assessor",
    "moderator",
    "administrator",
    "dfe",
    "superuser",
]


def one_user_per_role(la, full_names: dict[str, str] | None = None) -> dict[str, User | None]:
    """A user for each of ROLES, by role (None for anonymous): a social worker in `la`
    supervised by `la`'s supervisor, `la`'s LA lead, an assessor and a moderator linked to `la`,
    an administrator, someone at the DfE and a superuser. `full_names` names any of them."""
    names = full_names or {}
    unknown = set(names) - set(ROLES[1:])
    assert not unknown, f"no such role: {sorted(unknown)}"

    def named(role: str) -> dict:
        return {"full_name": names[role]} if role in names else {}

    supervisor = staff_user(Role.SUPERVISOR, la, **named("supervisor"))
    worker = SocialWorkerFactory(
        local_authority=la,
        supervisor=supervisor,
        **{f"user__{key}": value for key, value in named("social_worker").items()},
    )
    return {
        "anonymous": None,
        "social_worker": worker.user,
        "supervisor": supervisor,
        "la_lead": staff_user(Role.LA_LEAD, la, **named("la_lead")),
        "assessor": staff_user(Role.ASSESSOR, la, **named("assessor")),
        "moderator": staff_user(Role.MODERATOR, la, **named("moderator")),
        "administrator": staff_user(Role.ADMINISTRATOR, **named("administrator")),
        "dfe": staff_user(Role.DFE, **named("dfe")),
        "superuser": UserFactory(is_superuser=True, is_staff=True, **named("superuser")),
    }
