"""Standard setting: modified-Angoff exercises, their judges and ratings."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0004_default_rule_sets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AngoffExercise",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    django_fsm.FSMField(
                        choices=[
                            ("round_one", "Round 1: judges rating"),
                            ("round_two", "Round 2: judges rating again"),
                            ("closed", "Closed: cut computed"),
                            ("adopted", "Adopted into the outcome rules"),
                        ],
                        default="round_one",
                        max_length=50,
                        protected=True,
                    ),
                ),
                ("opened_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("judge_count", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "max_total",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
                ),
                (
                    "cut_raw",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
                ),
                (
                    "cut_percent",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True),
                ),
                (
                    "judge_sd",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=6, null=True),
                ),
                (
                    "judge_se",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=6, null=True),
                ),
                ("sem", models.DecimalField(blank=True, decimal_places=3, max_digits=6, null=True)),
                (
                    "adjusted_cut_percent",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
                ),
                ("not_adjusted_reason", models.CharField(blank=True, max_length=200)),
                ("results_used", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "adopted_choice",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("raw", "The panel's cut"),
                            ("adjusted", "The cut adjusted for measurement error (plus one SEM)"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "rule_set",
                    models.OneToOneField(
                        blank=True,
                        help_text="The rule-set version this exercise's cut was adopted into",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="angoff_exercise",
                        to="assessment.outcomeruleset",
                    ),
                ),
                (
                    "test_form",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="assessment.testform",
                    ),
                ),
            ],
            options={
                "ordering": ["-opened_at", "-id"],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, django_fsm.FSMModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name="AngoffJudge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("invited_at", models.DateTimeField(auto_now_add=True)),
                (
                    "exercise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="judges",
                        to="assessment.angoffexercise",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["exercise", "invited_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="AngoffRating",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "round",
                    models.PositiveSmallIntegerField(choices=[(1, "Round 1"), (2, "Round 2")]),
                ),
                ("probability", models.DecimalField(decimal_places=2, max_digits=3)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="assessment.item",
                    ),
                ),
                (
                    "judge",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ratings",
                        to="assessment.angoffjudge",
                    ),
                ),
            ],
            options={
                "ordering": ["judge", "round", "item"],
            },
        ),
        migrations.AddConstraint(
            model_name="angoffexercise",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "adopted"), _negated=True),
                    ("rule_set__isnull", False),
                    _connector="OR",
                ),
                name="adopted_angoff_has_rule_set",
            ),
        ),
        migrations.AddConstraint(
            model_name="angoffjudge",
            constraint=models.UniqueConstraint(
                fields=("exercise", "user"), name="one_judge_per_user"
            ),
        ),
        migrations.AddConstraint(
            model_name="angoffrating",
            constraint=models.UniqueConstraint(
                fields=("judge", "item", "round"), name="one_rating_per_item_and_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="angoffrating",
            constraint=models.CheckConstraint(
                condition=models.Q(("probability__gte", 0), ("probability__lte", 1)),
                name="angoff_probability_in_range",
            ),
        ),
    ]
