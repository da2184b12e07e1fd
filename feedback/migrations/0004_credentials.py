# Reserved for issue 16 (credential): verifiable credentials and their revocation status list.
import django.db.models.deletion
from django.db import migrations, models


def create_first_list(apps, schema_editor):
    apps.get_model("feedback", "CredentialStatusList").objects.get_or_create(number=1)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_support_requests")]

    operations = [
        migrations.CreateModel(
            name="CredentialStatusList",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(unique=True)),
                ("size", models.PositiveIntegerField(default=131072)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["number"]},
        ),
        migrations.CreateModel(
            name="Credential",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uuid", models.UUIDField(unique=True)),
                ("status_index", models.PositiveIntegerField()),
                ("valid_from", models.DateTimeField()),
                ("valid_until", models.DateTimeField()),
                ("jws", models.TextField()),
                ("issued_at", models.DateTimeField(auto_now_add=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "accreditation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credential",
                        to="feedback.accreditation",
                    ),
                ),
                (
                    "status_list",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credentials",
                        to="feedback.credentialstatuslist",
                    ),
                ),
            ],
            options={
                "ordering": ["-issued_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("status_list", "status_index"),
                        name="one_credential_per_status_bit",
                    )
                ],
            },
        ),
        migrations.RunPython(create_first_list, migrations.RunPython.noop),
    ]
