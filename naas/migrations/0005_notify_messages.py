# Issue 16 (notify): one row per email sent through GOV.UK Notify.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import naas.notify.models


class Migration(migrations.Migration):
    dependencies = [("naas", "0004_list_indexes")]

    operations = [
        migrations.CreateModel(
            name="NotifyMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("endorsement_signed_off_worker", "Signed off (to the worker)"),
                            ("endorsement_signed_off_lead", "Signed off (to an LA lead)"),
                            ("endorsement_endorsed_worker", "Endorsed (to the worker)"),
                            ("endorsement_endorsed_lead", "Endorsed (to an LA lead)"),
                            ("feedback_letter_ready", "Result letter ready"),
                            ("feedback_support_requested", "Support requested"),
                            ("password_set_link", "Set-password link"),
                        ],
                        max_length=40,
                    ),
                ),
                ("template_id", models.CharField(blank=True, max_length=36)),
                ("personalisation", models.JSONField(blank=True, default=dict)),
                (
                    "reference",
                    models.CharField(
                        default=naas.notify.models._new_reference, max_length=32, unique=True
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("sending", "Sending"),
                            ("delivered", "Delivered"),
                            ("permanent-failure", "Permanent failure"),
                            ("temporary-failure", "Temporary failure"),
                            ("technical-failure", "Technical failure"),
                        ],
                        default="queued",
                        max_length=20,
                    ),
                ),
                ("notify_id", models.CharField(blank=True, db_index=True, max_length=36)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notify_messages",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["status", "updated_at"], name="naas_notify_status_idx")
                ],
            },
        ),
    ]
