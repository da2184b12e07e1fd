"""The blueprint every knowledge-test form must follow, and the check that lists every way a
proposed form falls short of it."""

from collections import Counter
from dataclasses import dataclass

from naas.models import KSSFramework, Level

from .models import Item, Scenario


@dataclass(frozen=True)
class Blueprint:
    general_count: int
    applied_count: int
    general_level: str  # the level of the KSS the general questions are tagged to
    min_items_per_area: int = 1

    @property
    def total(self) -> int:
        return self.general_count + self.applied_count


# 30 questions: 18 general and 12 applied to one scenario. For practice supervisors the general
# questions are at practitioner level.
BLUEPRINTS = {
    Level.PRACTITIONER: Blueprint(18, 12, general_level=Level.PRACTITIONER),
    Level.SUPERVISOR: Blueprint(18, 12, general_level=Level.PRACTITIONER),
    Level.LEADER: Blueprint(18, 12, general_level=Level.LEADER),
}


def _level_name(level: str) -> str:
    return Level(level).label.lower()


def blueprint_problems(
    *, level: str, scenario: Scenario | None, general: list[Item], applied: list[Item]
) -> list[str]:
    """Every reason the proposed form breaks the blueprint (empty when it follows it).
    Items must come with `area__framework` loaded."""
    blueprint = BLUEPRINTS[level]
    framework = KSSFramework.objects.prefetch_related("areas").get(level=level, is_current=True)
    general_framework_id = (
        framework.pk
        if blueprint.general_level == level
        else KSSFramework.objects.get(level=blueprint.general_level, is_current=True).pk
    )
    problems = []
    if len(general) != blueprint.general_count:
        problems.append(
            f"The form has {len(general)} general question{'s' if len(general) != 1 else ''}; "
            f"it needs exactly {blueprint.general_count}"
        )
    if len(applied) != blueprint.applied_count:
        problems.append(
            f"The form has {len(applied)} applied question{'s' if len(applied) != 1 else ''}; "
            f"it needs exactly {blueprint.applied_count}"
        )
    counts = Counter(item.code for item in [*general, *applied])
    problems += [
        f"Question {code} is on the form more than once" for code, n in counts.items() if n > 1
    ]
    for item in [*general, *applied]:
        if not item.is_active:
            problems.append(f"Question {item.code} version {item.version} is not active")
    if scenario is None:
        problems.append("Choose the scenario the applied questions are set in")
    elif scenario.level != level:
        problems.append(
            f"Scenario {scenario.code} is for the {_level_name(scenario.level)} level, "
            f"not the {_level_name(level)} level"
        )
    for item in general:
        if item.scenario_id is not None:
            problems.append(
                f"Question {item.code} is an applied question (scenario "
                f"{item.scenario.code}), so it cannot be a general question"
            )
        if item.area.framework_id != general_framework_id:
            problems.append(
                f"General question {item.code} is tagged to the "
                f"{_level_name(item.area.framework.level)} KSS; general questions on a "
                f"{_level_name(level)} form must be at {_level_name(blueprint.general_level)} level"
            )
    for item in applied:
        if scenario is not None and item.scenario_id != scenario.pk:
            where = f"scenario {item.scenario.code}" if item.scenario_id else "no scenario"
            problems.append(
                f"Applied question {item.code} belongs to {where}, not scenario {scenario.code}"
            )
        if item.area.framework_id != framework.pk:
            problems.append(
                f"Applied question {item.code} is tagged to the "
                f"{_level_name(item.area.framework.level)} KSS, not the {_level_name(level)} KSS"
            )
    per_area = Counter(
        item.area_id for item in [*general, *applied] if item.area.framework_id == framework.pk
    )
    for area in framework.areas.all():
        if per_area[area.pk] < blueprint.min_items_per_area:
            problems.append(f"No question covers KSS area {area.number}: {area.title}")
    return problems
