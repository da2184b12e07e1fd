"""Loads the three published KSS frameworks with exactly their published area titles."""

from django.db import migrations

FRAMEWORKS = [
    (
        "practitioner",
        2018,
        "Approved child and family practitioner",
        [
            "Relationships and effective direct work",
            "Communication",
            "Child development",
            "Adult mental ill health, substance misuse, domestic abuse, physical ill health "
            "and disability",
            "Abuse and neglect of children",
            "Child and family assessment",
            "Analysis, decision-making, planning and review",
            "The law and the family and youth justice systems",
            "The role of supervision and research",
            "Organisational context",
        ],
    ),
    (
        "supervisor",
        2018,
        "Practice supervisor",
        [
            "Promote and govern excellent practice",
            "Developing excellent practitioners",
            "Shaping and influencing the practice system",
            "Effective use of power and authority",
            "Confident analysis and decision-making",
            "Purposeful and effective social work",
            "Emotionally intelligent practice supervision",
            "Performance management and improvement",
        ],
    ),
    (
        "leader",
        2018,
        "Practice leader",
        [
            "Lead and govern excellent practice",
            "Creating a context for excellent practice",
            "Designing a system to support effective social work practice",
            "Developing excellent practitioners",
            "Support effective decision-making",
            "Quality assurance and improvement",
        ],
    ),
]


def load_frameworks(apps, schema_editor):
    KSSFramework = apps.get_model("naas", "KSSFramework")
    KSSArea = apps.get_model("naas", "KSSArea")
    for level, year, title, areas in FRAMEWORKS:
        framework, _ = KSSFramework.objects.get_or_create(
            level=level, version=1, defaults={"year": year, "title": title, "is_current": True}
        )
        for number, area_title in enumerate(areas, start=1):
            KSSArea.objects.get_or_create(
                framework=framework, number=number, defaults={"title": area_title}
            )


def unload_frameworks(apps, schema_editor):
    apps.get_model("naas", "KSSArea").objects.filter(framework__version=1).delete()
    apps.get_model("naas", "KSSFramework").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("naas", "0001_initial")]

    operations = [migrations.RunPython(load_frameworks, unload_frameworks)]
