"""Who a provider's account is here, and the audit rows for it.

- A linked (provider, subject) pair signs its user in, while they can still use the service.
- Staff (DfE Sign-in): the provider's verified email must be an existing active account that
  holds a staff role; the first sign-in links it. No account or role is ever made here.
- Social workers (GOV.UK One Login): a verified email alone is never enough. The first time,
  they also give their Social Work England registration number, and both must be the same
  worker's record before the pair is linked.
- An email the provider has not verified is refused.

Every link and every sign-in is audited with user ids only."""

from django.db import IntegrityError, transaction

from naas.audit import NaasAction
from naas.audit_trail import audit_event_record
from naas.models import SocialWorker, StaffRole, User

from .models import OidcIdentity, ProviderKey

REFUSALS = {
    "unverified": "your provider has not confirmed your email address",
    "no_account": "no account of this service has that email address",
    "linked_elsewhere": "the account is already linked to another sign-in",
    "not_usable": "the linked account cannot use the service",
}


class SignInRefused(Exception):
    def __init__(self, reason: str):
        assert reason in REFUSALS, reason
        self.reason = reason
        super().__init__(REFUSALS[reason])


class NoMatchingWorker(Exception):
    """The email and registration number are not one worker's record."""


def verified_email(claims: dict) -> str | None:
    """The email, lower case, only when the provider says it verified it (a JSON true)."""
    email = claims.get("email")
    if claims.get("email_verified") is not True or not isinstance(email, str) or not email:
        return None
    return email.strip().lower()


def _usable(user: User, provider: str) -> bool:
    if not user.is_active:
        return False
    if provider == ProviderKey.STAFF:
        return user.staff_roles.exists()
    return SocialWorker.objects.filter(user=user).exists()


def _signed_in(user: User, provider: str) -> User:
    audit_event_record(
        actor=user, subject=user, action=NaasAction.SSO_SIGNED_IN, detail={"provider": provider}
    )
    return user


def _linked_user(provider: str, subject: str) -> User | None:
    identity = (
        OidcIdentity.objects.select_related("user")
        .filter(provider=provider, subject=subject)
        .first()
    )
    if identity is None:
        return None
    if not _usable(identity.user, provider):
        raise SignInRefused("not_usable")
    return identity.user


def _link(user: User, provider: str, subject: str) -> None:
    if OidcIdentity.objects.filter(provider=provider, user=user).exists():
        raise SignInRefused("linked_elsewhere")
    try:
        with transaction.atomic():
            identity = OidcIdentity.objects.create(provider=provider, subject=subject, user=user)
    except IntegrityError as error:  # linked at the same moment by another request
        raise SignInRefused("linked_elsewhere") from error
    audit_event_record(
        actor=user,
        subject=identity,
        action=NaasAction.SSO_IDENTITY_LINKED,
        detail={"provider": provider, "user": user.pk},
    )


@transaction.atomic
def oidc_identity_sign_in_staff(*, subject: str, claims: dict) -> User:
    """The staff user for a DfE Sign-in account, linking it on the first sign-in."""
    provider = ProviderKey.STAFF
    user = _linked_user(provider, subject)
    if user is not None:
        return _signed_in(user, provider)
    email = verified_email(claims)
    if email is None:
        raise SignInRefused("unverified")
    user = (
        User.objects.select_for_update()
        .filter(email=email, is_active=True, pk__in=StaffRole.objects.values("user"))
        .first()
    )
    if user is None:
        raise SignInRefused("no_account")
    _link(user, provider, subject)
    return _signed_in(user, provider)


@transaction.atomic
def oidc_identity_sign_in_worker(*, subject: str, claims: dict) -> User | None:
    """The social worker already linked to this GOV.UK One Login account, or None when they
    must first give their registration number (refused outright if the email is unverified)."""
    provider = ProviderKey.WORKER
    user = _linked_user(provider, subject)
    if user is not None:
        return _signed_in(user, provider)
    if verified_email(claims) is None:
        raise SignInRefused("unverified")
    return None


@transaction.atomic
def oidc_identity_link_worker(*, subject: str, email: str, registration_number: str) -> User:
    """Link a GOV.UK One Login account to the worker whose record has both this verified email
    and this registration number, and sign them in."""
    provider = ProviderKey.WORKER
    worker = (
        SocialWorker.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(
            user__email=email.strip().lower(),
            user__is_active=True,
            registration_number=registration_number.strip().upper(),
        )
        .first()
    )
    if worker is None:
        raise NoMatchingWorker
    existing = _linked_user(provider, subject)
    if existing is not None:
        if existing.pk != worker.user_id:
            raise SignInRefused("linked_elsewhere")
        return _signed_in(existing, provider)
    _link(worker.user, provider, subject)
    return _signed_in(worker.user, provider)
