"""Partner API clients and the answers kept for their idempotent writes."""

import hashlib

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    """What a client may do: each endpoint asks for one of these."""

    RESULTS_WRITE = "results:write", "Push a sitting's test results"
    CHECK_READ = "check:read", "Check an accreditation"
    STAFF_READ = "staff:read", "Read its local authority's staff list"
    STAFF_WRITE = "staff:write", "Update its local authority's staff list"
    DASHBOARD_READ = "dashboard:read", "Read DfE's aggregate figures"


def token_digest(token: str) -> str:
    """The only form in which a token is stored or looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    """One partner system (the test platform, an LA's HR system, DfE's analysts). Its token is
    shown once, when it is made; only the token's SHA-256 is kept."""

    name = models.CharField(max_length=120, unique=True)
    scopes = models.JSONField(default=list)  # Scope values
    token_sha256 = models.CharField(max_length=64, unique=True)
    # Whose name its writes go in under (every audit event also names the client).
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients"
    )
    # An LA HR client reads and writes only this LA's staff.
    local_authority = models.ForeignKey(
        "naas.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # DRF treats the authenticated "auth" object as a token; these make the client usable there.
    @property
    def is_authenticated(self) -> bool:
        return True

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotentRequest(models.Model):
    """The answer given to a client's write under one Idempotency-Key, so a replay of the same
    request gets the same answer and changes nothing."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=200)
    request_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.endpoint}"
