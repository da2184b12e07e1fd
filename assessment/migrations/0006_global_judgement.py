# Borderline regression: each marker's overall judgement per KSS area (null for marks recorded
# before it was asked for) and the stored analyses.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0005_angoff"),
        ("naas", "0003_submitted_form"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="areamark",
            name="global_judgement",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[(0, "Not met"), (1, "Borderline"), (2, "Met"), (3, "Exceeds")],
                help_text="Empty for marks recorded before judgements were asked for",
                null=True,
                verbose_name="overall judgement",
            ),
        ),
        migrations.CreateModel(
            name="BorderlineAnalysis",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("window_start", models.DateField()),
                ("window_end", models.DateField()),
                (
                    "results",
                    models.JSONField(
                        help_text="Per area, in area order: number, title, status, reason, n, "
                        "intercept, slope, r_squared, r_squared_reason, cut_score"
                    ),
                ),
                ("computed_at", models.DateTimeField(auto_now_add=True)),
                ("adopted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "adopted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "adopted_rule_set",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="borderline_analysis",
                        to="assessment.outcomeruleset",
                    ),
                ),
                (
                    "computed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "framework",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="naas.kssframework",
                    ),
                ),
            ],
            options={
                "ordering": ["-computed_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("window_end__gte", models.F("window_start"))),
                        name="borderline_window_in_order",
                    )
                ],
            },
        ),
    ]
