"""The two configured OpenID Connect providers and what they publish about themselves.

Each provider is one entry of `settings.NAAS_OIDC_PROVIDERS` ("staff": DfE Sign-in, "worker":
GOV.UK One Login). It is offered only when enabled with an issuer and a client id. The discovery
document and the signing keys (JWKS) are fetched over HTTPS and kept in the cache for a while;
keys are fetched again once when a token names a key we do not have (the provider rotated)."""

from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.urls import reverse

from .models import ProviderKey

METADATA_SECONDS = 60 * 60
KEYS_SECONDS = 10 * 60


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered something we cannot use."""


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]

    @property
    def start_url(self) -> str:
        return reverse(f"sso:start_{self.key}")

    @property
    def callback_url_name(self) -> str:
        return f"sso:callback_{self.key}"

    def metadata(self) -> dict:
        """The provider's discovery document, checked to be about this issuer."""
        cache_key = f"naas.sso.metadata:{self.key}:{self.issuer}"
        found = cache.get(cache_key)
        if found is None:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            found = _get_json(url)
            if found.get("issuer") != self.issuer:
                raise ProviderUnavailable("the discovery document names another issuer")
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(found.get(name), str):
                    raise ProviderUnavailable(f"the discovery document has no {name}")
            cache.set(cache_key, found, METADATA_SECONDS)
        return found

    def keys(self, *, refresh: bool = False) -> dict:
        """The provider's public signing keys (a JWKS document)."""
        cache_key = f"naas.sso.jwks:{self.key}:{self.issuer}"
        found = None if refresh else cache.get(cache_key)
        if found is None:
            found = _get_json(self.metadata()["jwks_uri"])
            if not isinstance(found.get("keys"), list):
                raise ProviderUnavailable("the JWKS document has no keys")
            cache.set(cache_key, found, KEYS_SECONDS)
        return found


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.NAAS_OIDC_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url} could not be read") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} is not a JSON object")
    return document


def configured() -> list[Provider]:
    """The providers offered on the sign-in page, staff first."""
    found = []
    for key in ProviderKey.values:
        entry = settings.NAAS_OIDC_PROVIDERS.get(key) or {}
        if entry.get("ENABLED") and entry.get("ISSUER") and entry.get("CLIENT_ID"):
            found.append(
                Provider(
                    key=key,
                    label=ProviderKey(key).label,
                    issuer=entry["ISSUER"],
                    client_id=entry["CLIENT_ID"],
                    client_secret=entry.get("CLIENT_SECRET", ""),
                    scopes=tuple(entry.get("SCOPES") or ("openid", "email")),
                )
            )
    return found


def find(key: str) -> Provider | None:
    return next((provider for provider in configured() if provider.key == key), None)


def get_or_404(key: str) -> Provider:
    provider = find(key)
    if provider is None:
        raise Http404("No such sign-in provider")
    return provider
