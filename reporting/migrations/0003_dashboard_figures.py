# The dashboards' precomputed figures (reporting.summaries).
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_document_state_machine")]

    operations = [
        migrations.CreateModel(
            name="FiguresRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("computed_at", models.DateTimeField()),
                (
                    "as_of",
                    models.DateField(
                        help_text="The day tenure and the last 12 months were counted to"
                    ),
                ),
                ("through_audit_id", models.BigIntegerField(default=0)),
            ],
            options={
                "ordering": ["-id"],
            },
        ),
        migrations.CreateModel(
            name="FigureCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("local_authority_id", models.BigIntegerField()),
                ("level", models.CharField(blank=True, max_length=30)),
                ("measure", models.CharField(max_length=20)),
                ("key", models.CharField(blank=True, max_length=80)),
                ("label", models.CharField(blank=True, max_length=200)),
                ("result", models.CharField(blank=True, max_length=20)),
                ("count", models.IntegerField()),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="counts",
                        to="reporting.figuresrun",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["run", "level", "measure"], name="reporting_f_run_id_2c5b29_idx"
                    )
                ],
            },
        ),
    ]
