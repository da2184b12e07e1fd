"""What the test-form builder offers for one level: the active general questions grouped by KSS
area, and the active applied questions grouped by scenario. The level of the general questions
comes from the blueprint (practice supervisor forms use practitioner-level general questions)."""

from dataclasses import dataclass

from naas.models import KSSArea

from ..blueprint import BLUEPRINTS
from ..models import Item, Scenario


@dataclass(frozen=True)
class QuestionGroup:
    key: str  # a form field name suffix, stable for the group
    heading: str
    items: list[Item]


def general_question_groups(level: str) -> list[QuestionGroup]:
    general_level = BLUEPRINTS[level].general_level
    areas = KSSArea.objects.filter(
        framework__level=general_level, framework__is_current=True
    ).order_by("number")
    items = Item.objects.filter(is_active=True, scenario__isnull=True, area__in=areas).order_by(
        "code"
    )
    by_area: dict[int, list[Item]] = {}
    for item in items:
        by_area.setdefault(item.area_id, []).append(item)
    return [
        QuestionGroup(f"area_{area.number}", f"{area.number}. {area.title}", by_area[area.pk])
        for area in areas
        if area.pk in by_area
    ]


def scenarios_for_level(level: str):
    return Scenario.objects.filter(level=level).order_by("code")


def applied_question_groups(level: str) -> list[QuestionGroup]:
    scenarios = list(scenarios_for_level(level))
    items = Item.objects.filter(is_active=True, scenario__in=scenarios).order_by("code")
    by_scenario: dict[int, list[Item]] = {}
    for item in items:
        by_scenario.setdefault(item.scenario_id, []).append(item)
    return [
        QuestionGroup(f"scenario_{scenario.pk}", f"{scenario.code}: {scenario.title}", found)
        for scenario in scenarios
        if (found := by_scenario.get(scenario.pk))
    ]
