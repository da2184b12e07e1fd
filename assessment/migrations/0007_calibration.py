# Assessor calibration: sets of agreed-mark cases, assessors' blind markings and overrides.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0006_global_judgement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CalibrationSet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("active", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("activated_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
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
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("active", True)),
                        fields=("framework",),
                        name="one_active_calibration_set_per_framework",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CalibrationOverride",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(max_length=1000)),
                ("granted_at", models.DateTimeField(auto_now_add=True)),
                (
                    "assessor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "granted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "calibration_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="overrides",
                        to="assessment.calibrationset",
                    ),
                ),
            ],
            options={
                "ordering": ["calibration_set", "granted_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("calibration_set", "assessor"),
                        name="one_calibration_override_per_assessor",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CalibrationCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("agreed_marks", models.JSONField()),
                ("added_at", models.DateTimeField(auto_now_add=True)),
                (
                    "added_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "attempt",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="assessment.attempt",
                    ),
                ),
                (
                    "calibration_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cases",
                        to="assessment.calibrationset",
                    ),
                ),
            ],
            options={
                "ordering": ["calibration_set", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("calibration_set", "attempt"), name="one_case_per_attempt_per_set"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CalibrationMarking",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("marks", models.JSONField()),
                ("evidence", models.JSONField(default=dict)),
                ("submitted_at", models.DateTimeField()),
                (
                    "assessor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="calibration_markings",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="markings",
                        to="assessment.calibrationcase",
                    ),
                ),
            ],
            options={
                "ordering": ["case", "submitted_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("case", "assessor"), name="one_calibration_marking_per_assessor"
                    ),
                ],
            },
        ),
    ]
