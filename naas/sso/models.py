"""Who a provider's account is here: one row per (provider, subject), imported by naas.models."""

from django.conf import settings
from django.db import models


class ProviderKey(models.TextChoices):
    STAFF = "staff", "DfE Sign-in"
    WORKER = "worker", "GOV.UK One Login"


class OidcIdentity(models.Model):
    """A provider's account (its `sub`), linked once to one of our users: afterwards that pair
    alone signs them in. One account per provider per user."""

    provider = models.CharField(max_length=20, choices=ProviderKey.choices)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "naas"
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="unique_oidc_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="unique_oidc_user"),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} identity of user {self.user_id}"
