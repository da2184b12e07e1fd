# A marker's unfinished marks (save and come back later).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessment", "0009_technical_report")]

    operations = [
        migrations.CreateModel(
            name="MarkingDraft",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("answers", models.JSONField(default=dict)),
                ("reason", models.TextField(blank=True, max_length=1000)),
                ("saved_at", models.DateTimeField()),
                (
                    "allocation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="draft",
                        to="assessment.allocation",
                    ),
                ),
            ],
        ),
    ]
