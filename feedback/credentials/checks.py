"""The production system check: `manage.py check` (and every deploy) fails when production
settings have no credential signing key, or a key that cannot sign."""

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
