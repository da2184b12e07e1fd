"""The service's credential signing key, its issuer identifier (did:web) and JWS signing.

The key comes from NAAS_CREDENTIAL_SIGNING_KEY (an Ed25519 private key as a JWK or a PEM). When
the setting is empty, local and test settings derive a development-only key from SECRET_KEY with
HKDF-SHA256: every process (web, worker) gets the same key without a key file to share, and
nothing secret is kept in the repository. Production settings must be given the key (system
check feedback.E001, feedback/credentials/checks.py), and signing refuses to derive one there.

Signatures are EdDSA (Ed25519), as VC-JOSE-COSE and the wallets that read it expect. joserfc
warns that RFC 9864 deprecates the polymorphic "EdDSA" name; our registry knows only that one
algorithm, so it never accepts anything else and never warns.
"""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwa import EdDSAAlgorithm
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

from naas.pdf import site_url

ALGORITHM = "EdDSA"
CREDENTIAL_TYPE = "vc+jwt"
KEY_FRAGMENT = "key-1"
DERIVATION_SALT = b"naas credential signing key"
DERIVATION_INFO = b"development only: never used under production settings"


class _EdDSA(EdDSAAlgorithm):
    security_warning = None


class _CredentialRegistry(JWSRegistry):
    algorithms = {ALGORITHM: _EdDSA()}


REGISTRY = _CredentialRegistry(algorithms=[ALGORITHM])


def key_required() -> bool:
    """NAAS_CREDENTIAL_KEY_REQUIRED: true under the production settings module."""
    return settings.NAAS_CREDENTIAL_KEY_REQUIRED


def _import_key(text: str) -> OKPKey:
    text = text.strip()
    value = json.loads(text) if text.startswith("{") else text
    key = OKPKey.import_key(value)
    if key.curve_name != "Ed25519" or not key.is_private:
        raise ValueError("the key must be an Ed25519 private key")
    return key


@lru_cache(maxsize=4)
def _key_from(configured: str, secret_key: str) -> OKPKey:
    if configured:
        return _import_key(configured)
    seed = HKDF(algorithm=SHA256(), length=32, salt=DERIVATION_SALT, info=DERIVATION_INFO).derive(
        secret_key.encode()
    )
    return OKPKey.import_key(Ed25519PrivateKey.from_private_bytes(seed))


def signing_key() -> OKPKey:
    """The private key (the setting's, or the derived development key outside production)."""
    configured = settings.NAAS_CREDENTIAL_SIGNING_KEY
    if not configured and key_required():
        raise ImproperlyConfigured("Set NAAS_CREDENTIAL_SIGNING_KEY to sign credentials")
    return _key_from(configured, settings.SECRET_KEY)


def key_problems() -> list[str]:
    """What is wrong with the configured key (empty when it can sign)."""
    configured = settings.NAAS_CREDENTIAL_SIGNING_KEY
    if not configured:
        if key_required():
            return ["NAAS_CREDENTIAL_SIGNING_KEY is not set"]
        return []
    try:
        _import_key(configured)
    except (ValueError, JoseError) as exc:
        return [f"NAAS_CREDENTIAL_SIGNING_KEY cannot be read: {exc}"]
    return []


def issuer_did() -> str:
    """did:web of the service's public address (a port is percent-encoded, as did:web says)."""
    host = urlsplit(site_url("/")).netloc
    return "did:web:" + quote(host, safe="")


def key_id() -> str:
    return f"{issuer_did()}#{KEY_FRAGMENT}"


def public_jwk() -> dict:
    """The public half of the signing key as a JWK, with its key id."""
    public = signing_key().as_dict(private=False)
    return {**public, "kid": key_id(), "alg": ALGORITHM, "use": "sig"}


def sign(payload: dict, *, typ: str = CREDENTIAL_TYPE) -> str:
    """The payload as a compact JWS signed with our key."""
    header = {"alg": ALGORITHM, "typ": typ, "kid": key_id()}
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return jws.serialize_compact(header, body, signing_key(), registry=REGISTRY)


class NotOurs(Exception):
    """Not a JWS signed with our key (malformed, another algorithm, another key)."""


def verified(token: str) -> tuple[dict, dict]:
    """The header and payload of a compact JWS that our key signed; NotOurs otherwise."""
    public = OKPKey.import_key(signing_key().as_dict(private=False))
    try:
        obj = jws.deserialize_compact(token.strip(), public, registry=REGISTRY)
        header = obj.headers()
        payload = json.loads(obj.payload)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise NotOurs(str(exc)) from exc
    if header.get("kid") != key_id() or header.get("typ") != CREDENTIAL_TYPE:
        raise NotOurs("not one of our credentials")
    if not isinstance(payload, dict):
        raise NotOurs("the payload is not a credential")
    return header, payload
