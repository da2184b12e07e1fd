"""Start (off to the provider), callback (back with a code), and the social worker's one-off
registration number page. Nothing here is in a URL but the provider's own parameters: the
state, nonce and PKCE verifier, and anything about the person, stay in the session."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from naas.middleware import PRIVATE_NO_STORE

from . import providers, services, tokens
from .forms import RegistrationNumberForm
from .models import ProviderKey

logger = logging.getLogger(__name__)

PENDING_KEY = "naas.sso.pending"  # state -> {provider, nonce, verifier}
PENDING_KEPT = 3  # sign-ins started in other tabs that may still come back
LINK_KEY = "naas.sso.link"  # a worker's verified account waiting for their registration number
SIGNED_IN_KEY = "naas.sso.signed_in"  # {provider, hint}: for signing out at the provider
LINK_ATTEMPTS = 5
BACKEND = "django.contrib.auth.backends.ModelBackend"

# Why a sign-in stopped: the page's heading, what to do, and its status.
REFUSAL_PAGES = {
    "expired": ("Your sign-in has expired", "Go back to the sign-in page and start again.", 400),
    "cancelled": (
        "You did not finish signing in",
        "Go back to the sign-in page to try again.",
        400,
    ),
    "unavailable": (
        "Sorry, there is a problem with signing in",
        "We could not reach {label}. Try again in a few minutes.",
        502,
    ),
    "token": (
        "We could not confirm who you are",
        "{label} sent something we could not check. Go back to the sign-in page and start again.",
        400,
    ),
    "unverified": (
        "Your email address has not been confirmed",
        "Confirm your email address with {label}, then sign in again.",
        403,
    ),
    "no_account": (
        "You do not have an account for this service",
        "Ask your employer or the Department for Education to give the service the email "
        "address you use with {label}.",
        403,
    ),
    "linked_elsewhere": (
        "Your account is already linked to a different sign-in",
        "Contact the service team to change how you sign in.",
        403,
    ),
    "not_usable": ("You cannot use this service at the moment", "Contact the service team.", 403),
    "no_match": (
        "We could not match your details",
        "Your email address and registration number are not the same social worker's record. "
        "Contact the service team.",
        403,
    ),
    "passwords_off": (
        "Sign in with your provider",
        "This service does not take passwords. Use a sign-in button on the sign-in page.",
        403,
    ),
}


def private(view):
    """Every answer here is about one person's sign-in: never kept by a cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response

    return wrapped


def refused(request, reason: str, provider=None):
    heading, advice, status = REFUSAL_PAGES[reason]
    label = provider.label if provider else "your sign-in provider"
    context = {
        "heading": heading,
        "advice": advice.format(label=label),
        "support_email": settings.NAAS_SUPPORT_EMAIL,
    }
    return render(request, "sso/refused.html", context, status=status)


def _callback_uri(request, provider) -> str:
    return request.build_absolute_uri(reverse(provider.callback_url_name))


def _sign_in(request, user, provider_key: str, hint: str):
    login(request, user, backend=BACKEND)
    request.session[SIGNED_IN_KEY] = {"provider": provider_key, "hint": hint}
    return redirect(settings.LOGIN_REDIRECT_URL)


@require_safe
@private
def start(request, provider):
    provider = providers.get_or_404(provider)
    pending = tokens.new_request()
    try:
        url = tokens.authorize_url(provider, pending, _callback_uri(request, provider))
    except providers.ProviderUnavailable:
        logger.warning("Single sign-on: %s metadata unavailable", provider.key)
        return refused(request, "unavailable", provider)
    kept = request.session.get(PENDING_KEY, {})
    kept = dict(list(kept.items())[-(PENDING_KEPT - 1) :])
    kept[pending["state"]] = {
        "provider": provider.key,
        "nonce": pending["nonce"],
        "verifier": pending["verifier"],
    }
    request.session[PENDING_KEY] = kept
    return redirect(url)


def _take_pending(request, provider, state: str) -> dict | None:
    """The sign-in this state belongs to, used once: a replayed callback finds nothing."""
    kept = request.session.get(PENDING_KEY, {})
    pending = kept.pop(state, None) if state else None
    if pending is not None:
        request.session[PENDING_KEY] = kept
    if pending is None or pending["provider"] != provider.key:
        return None
    return pending


# Claims that name a person: an ID token holding any of them is never put in a URL.
PERSONAL_CLAIMS = ("email", "name", "given_name", "family_name", "phone_number", "address")


def _verified_claims(request, provider, pending) -> tuple[dict, str]:
    """The person's claims, and the ID token as a sign-out hint (empty if it names them)."""
    answer = tokens.exchange_code(
        provider,
        code=request.GET["code"],
        verifier=pending["verifier"],
        redirect_uri=_callback_uri(request, provider),
    )
    claims = tokens.verify_id_token(provider, answer["id_token"], nonce=pending["nonce"])
    hint = "" if any(name in claims for name in PERSONAL_CLAIMS) else answer["id_token"]
    return tokens.user_claims(provider, answer, claims), hint


@require_safe
@private
def callback(request, provider):
    provider = providers.get_or_404(provider)
    pending = _take_pending(request, provider, request.GET.get("state", ""))
    if pending is None:
        return refused(request, "expired", provider)
    # RFC 9207: a response sent by another provider (a mix-up) is refused.
    if "iss" in request.GET and request.GET["iss"] != provider.issuer:
        return refused(request, "token", provider)
    if "error" in request.GET or not request.GET.get("code"):
        return refused(request, "cancelled", provider)
    try:
        claims, hint = _verified_claims(request, provider, pending)
    except providers.ProviderUnavailable:
        logger.warning("Single sign-on: %s unavailable during a callback", provider.key)
        return refused(request, "unavailable", provider)
    except tokens.TokenRefused as problem:
        logger.warning("Single sign-on: %s token refused: %s", provider.key, problem)
        return refused(request, "token", provider)
    try:
        if provider.key == ProviderKey.STAFF:
            user = services.oidc_identity_sign_in_staff(subject=claims["sub"], claims=claims)
        else:
            user = services.oidc_identity_sign_in_worker(subject=claims["sub"], claims=claims)
    except services.SignInRefused as refusal:
        return refused(request, refusal.reason, provider)
    if user is None:
        request.session[LINK_KEY] = {
            "subject": claims["sub"],
            "email": services.verified_email(claims),
            "hint": hint,
            "attempts": 0,
        }
        return redirect("sso:registration_number")
    return _sign_in(request, user, provider.key, hint)


@require_http_methods(["GET", "HEAD", "POST"])
@private
def registration_number(request):
    """Once, after a social worker's first GOV.UK One Login sign-in: their registration
    number, which with their verified email must be one worker's record."""
    link = request.session.get(LINK_KEY)
    if not link:
        return refused(request, "expired")
    form = RegistrationNumberForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = services.oidc_identity_link_worker(
                subject=link["subject"],
                email=link["email"],
                registration_number=form.cleaned_data["registration_number"],
            )
        except services.NoMatchingWorker:
            link["attempts"] += 1
            if link["attempts"] >= LINK_ATTEMPTS:
                del request.session[LINK_KEY]
                return refused(request, "no_match")
            request.session[LINK_KEY] = link
            form.add_error(
                "registration_number",
                "Enter the registration number that your employer gave the service",
            )
        except services.SignInRefused as refusal:
            del request.session[LINK_KEY]
            return refused(request, refusal.reason)
        else:
            del request.session[LINK_KEY]
            return _sign_in(request, user, ProviderKey.WORKER, link["hint"])
    return render(
        request,
        "sso/registration_number.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
