"""The production system check: `manage.py check` (and every deploy) fails when production
settings have no credential signing key, a key that cannot sign, or no public address (the
issuer's did:web and the status list's URL are made from NAAS_SITE_URL)."""

from django.conf import settings
from django.core.checks import Error

from . import keys


def credential_signing_key(app_configs=None, **kwargs) -> list[Error]:
    return [
        Error(
            problem,
            hint="Set NAAS_CREDENTIAL_SIGNING_KEY to an Ed25519 private key (a JWK or a PEM).",
            id="feedback.E001",
        )
        for problem in keys.key_problems()
    ]


def credential_issuer_address(app_configs=None, **kwargs) -> list[Error]:
    if not keys.key_required() or settings.NAAS_SITE_URL.startswith("https://"):
        return []
    return [
        Error(
            "NAAS_SITE_URL must be the service's https:// address: credentials name their "
            "issuer (did:web) and status list from it",
            hint="Set NAAS_SITE_URL, for example https://accreditation.education.gov.uk",
            id="feedback.E002",
        )
    ]
