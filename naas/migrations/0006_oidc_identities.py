# Issue 16 (oidc): single sign-on identities, one per (provider, subject) and per (provider, user).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("naas", "0005_notify_messages")]

    operations = [
        migrations.CreateModel(
            name="OidcIdentity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "provider",
                    models.CharField(
                        choices=[("staff", "DfE Sign-in"), ("worker", "GOV.UK One Login")],
                        max_length=20,
                    ),
                ),
                ("subject", models.CharField(max_length=255)),
                ("created", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="oidc_identities",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "single sign-on identity",
                "verbose_name_plural": "single sign-on identities",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("provider", "subject"), name="unique_oidc_subject"
                    ),
                    models.UniqueConstraint(fields=("provider", "user"), name="unique_oidc_user"),
                ],
            },
        ),
    ]
