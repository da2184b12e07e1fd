"""Version 1 of the outcome rules (the defaults in assessment.outcome_rules) for every current
KSS framework."""

from django.db import migrations

from assessment.outcome_rules import RuleParameters


def create_default_rule_sets(apps, schema_editor):
    KSSFramework = apps.get_model("naas", "KSSFramework")
    OutcomeRuleSet = apps.get_model("assessment", "OutcomeRuleSet")
    for framework in KSSFramework.objects.filter(is_current=True):
        OutcomeRuleSet.objects.get_or_create(
            framework=framework,
            version=1,
            defaults={
                "parameters": RuleParameters().to_json(),
                "notes": "Default rules: area met at an observation mean of 2.5 and a "
                "knowledge-test score of 60%; overall partially met at two thirds of areas.",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0003_review_and_marking"),
        ("naas", "0002_kss_frameworks"),
    ]

    operations = [migrations.RunPython(create_default_rule_sets, migrations.RunPython.noop)]
