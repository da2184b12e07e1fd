"""The authorization code flow, from our side: the redirect to the provider, the code exchanged
for tokens, and the ID token checked (signature against the provider's JWKS, issuer, audience,
expiry, nonce) before anything in it is believed."""

import base64
import hashlib
import secrets
from urllib.parse import urlencode

import requests
from django.conf import settings
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError, MissingKeyError
from joserfc.jwk import KeySet

from .providers import Provider, ProviderUnavailable

# Asymmetric algorithms only: "none" and HMAC (keyed with the shared secret) are refused.
ALGORITHMS = ["RS256", "PS256", "ES256"]
LEEWAY_SECONDS = 60


class TokenRefused(Exception):
    """What the provider sent back cannot be trusted (the reason is for the logs, no data)."""


def new_request() -> dict:
    """A fresh state, nonce and PKCE verifier for one sign-in, kept in the session."""
    return {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
    }


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(provider: Provider, pending: dict, redirect_uri: str) -> str:
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.scopes),
        "state": pending["state"],
        "nonce": pending["nonce"],
        "code_challenge": _challenge(pending["verifier"]),
        "code_challenge_method": "S256",
    }
    return f"{provider.metadata()['authorization_endpoint']}?{urlencode(query)}"


def exchange_code(provider: Provider, *, code: str, verifier: str, redirect_uri: str) -> dict:
    """The token endpoint's answer for this code (client_secret_basic)."""
    try:
        response = requests.post(
            provider.metadata()["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            auth=(provider.client_id, provider.client_secret),
            timeout=settings.NAAS_OIDC_TIMEOUT_SECONDS,
        )
        tokens = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable("the token endpoint could not be read") from error
    if response.status_code != 200 or not isinstance(tokens, dict):
        raise TokenRefused(f"the token endpoint answered {response.status_code}")
    if not isinstance(tokens.get("id_token"), str):
        raise TokenRefused("the token endpoint sent no ID token")
    return tokens


def _decode(provider: Provider, id_token: str):
    try:
        try:
            keys = KeySet.import_key_set(provider.keys())
            return jwt.decode(id_token, keys, algorithms=ALGORITHMS)
        except (InvalidKeyIdError, MissingKeyError):
            # A key we do not know: the provider may have rotated its keys since we fetched them.
            keys = KeySet.import_key_set(provider.keys(refresh=True))
            return jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError, TypeError) as error:
        raise TokenRefused(f"the ID token was refused: {type(error).__name__}") from error


def verify_id_token(provider: Provider, id_token: str, *, nonce: str) -> dict:
    """The ID token's claims once its signature, issuer, audience, expiry and nonce are right."""
    token = _decode(provider, id_token)
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise TokenRefused(f"the ID token's claims were refused: {error.error}") from error
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or provider.client_id not in audiences:
        raise TokenRefused("the ID token is for another client")
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise TokenRefused("the ID token was given to another party")
    return claims


def user_claims(provider: Provider, tokens: dict, claims: dict) -> dict:
    """The ID token's claims, with the userinfo endpoint's (where the email usually is) when the
    provider has one; userinfo about another subject is refused."""
    endpoint = provider.metadata().get("userinfo_endpoint")
    access_token = tokens.get("access_token")
    if not endpoint or not isinstance(access_token, str):
        return claims
    try:
        response = requests.get(
            endpoint,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=settings.NAAS_OIDC_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable("the userinfo endpoint could not be read") from error
    if not isinstance(info, dict) or info.get("sub") != claims["sub"]:
        raise TokenRefused("userinfo is about another subject")
    return {**info, **claims}


def end_session_url(provider: Provider, *, id_token: str, after: str) -> str | None:
    """Where to send someone for the provider to end its own session, when it says."""
    try:
        endpoint = provider.metadata().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    query = {"post_logout_redirect_uri": after, "client_id": provider.client_id}
    if id_token:  # only an ID token that names nobody goes in the URL (views.PERSONAL_CLAIMS)
        query["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(query)}"
