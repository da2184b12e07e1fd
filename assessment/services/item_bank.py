"""Writes for the knowledge-test item bank: scenarios, items and their revisions, test forms."""

from django.db import transaction

from naas.models import KSSArea, KSSFramework
from naas.services import audit_event_record

from ..audit import AssessmentAction
from ..blueprint import blueprint_problems
from ..models import (
    FORMAT_SHAPE,
    OPTION_LETTERS,
    FormSection,
    Item,
    Scenario,
    TestForm,
    TestFormItem,
)
from .common import AssessmentError, require_administrator


@transaction.atomic
def scenario_create(*, actor, code: str, title: str, text: str, level: str) -> Scenario:
    require_administrator(actor)
    code = code.strip().upper()
    if Scenario.objects.filter(code=code).exists():
        raise AssessmentError(f"There is already a scenario with code {code}")
    scenario = Scenario.objects.create(code=code, title=title, text=text, level=level)
    audit_event_record(actor=actor, subject=scenario, action=AssessmentAction.SCENARIO_CREATED)
    return scenario


def item_problems(
    *, area: KSSArea, scenario: Scenario | None, item_format: str, options: list[str], correct: str
) -> list[str]:
    """Every reason an item's content is not acceptable (empty when it is)."""
    problems = []
    if item_format not in FORMAT_SHAPE:
        return ["Choose the question format"]
    option_count, correct_count = FORMAT_SHAPE[item_format]
    label = "choose 1 of 4" if correct_count == 1 else "choose 3 of 8"
    filled = [text.strip() for text in options]
    if len(filled) != option_count or not all(filled):
        problems.append(f"A “{label}” question needs exactly {option_count} options, all filled in")
    letters = sorted(set(correct))
    allowed = OPTION_LETTERS[:option_count]
    if any(letter not in allowed for letter in letters):
        problems.append(f"Correct options must be among {allowed[0]} to {allowed[-1]}")
    if len(letters) != correct_count or len(correct) != len(letters):
        problems.append(
            f"A “{label}” question needs exactly {correct_count} correct option"
            f"{'s' if correct_count > 1 else ''}; {len(letters)} chosen"
        )
    if scenario is not None and scenario.level != area.framework.level:
        problems.append(
            f"Scenario {scenario.code} is for a different level from KSS area “{area.title}”"
        )
    return problems


@transaction.atomic
def item_create(
    *,
    actor,
    code: str,
    area: KSSArea,
    scenario: Scenario | None,
    item_format: str,
    stem: str,
    options: list[str],
    correct: str,
) -> Item:
    """Add a question to the item bank (version 1)."""
    require_administrator(actor)
    code = code.strip().upper()
    problems = item_problems(
        area=area, scenario=scenario, item_format=item_format, options=options, correct=correct
    )
    if Item.objects.filter(code=code).exists():
        problems.insert(0, f"There is already a question with code {code}")
    if problems:
        raise AssessmentError(*problems)
    item = Item.objects.create(
        code=code,
        area=area,
        scenario=scenario,
        format=item_format,
        stem=stem,
        options=[text.strip() for text in options],
        correct_options="".join(sorted(correct)),
        created_by=actor,
    )
    audit_event_record(
        actor=actor, subject=item, action=AssessmentAction.ITEM_CREATED, detail={"version": 1}
    )
    return item


@transaction.atomic
def item_revise(
    *,
    actor,
    item: Item,
    area: KSSArea,
    scenario: Scenario | None,
    item_format: str,
    stem: str,
    options: list[str],
    correct: str,
) -> Item:
    """Edit a question by making a new active version; the old version stays, inactive, for the
    forms and results that used it."""
    require_administrator(actor)
    problems = item_problems(
        area=area, scenario=scenario, item_format=item_format, options=options, correct=correct
    )
    if problems:
        raise AssessmentError(*problems)
    versions = Item.objects.select_for_update().filter(code=item.code)
    latest = max(v.version for v in versions)
    versions.filter(is_active=True).update(is_active=False)
    revised = Item.objects.create(
        code=item.code,
        version=latest + 1,
        area=area,
        scenario=scenario,
        format=item_format,
        stem=stem,
        options=[text.strip() for text in options],
        correct_options="".join(sorted(correct)),
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        subject=revised,
        action=AssessmentAction.ITEM_REVISED,
        detail={"from_version": item.version, "version": revised.version},
    )
    return revised


@transaction.atomic
def item_set_active(*, actor, item: Item, active: bool) -> Item:
    """Take a question out of use, or bring one version back (retiring any other version)."""
    require_administrator(actor)
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if locked.is_active == active:
        return locked
    if active:
        Item.objects.filter(code=locked.code, is_active=True).update(is_active=False)
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action=AssessmentAction.ITEM_ACTIVATED if active else AssessmentAction.ITEM_DEACTIVATED,
    )
    return locked


@transaction.atomic
def test_form_create(
    *,
    actor,
    code: str,
    title: str,
    level: str,
    scenario: Scenario | None,
    general_codes: list[str],
    applied_codes: list[str],
    three_of_eight_scoring: str,
) -> TestForm:
    """Assemble a 30-question test form from active items; refused with every reason if it
    does not follow the blueprint."""
    require_administrator(actor)
    code = code.strip().upper()
    wanted = {c.strip().upper() for c in [*general_codes, *applied_codes]}
    active = {
        item.code: item
        for item in Item.objects.filter(code__in=wanted, is_active=True).select_related(
            "area__framework", "scenario"
        )
    }
    problems = []
    if TestForm.objects.filter(code=code).exists():
        problems.append(f"There is already a test form with code {code}")
    unknown = sorted(wanted - active.keys())
    if unknown:
        problems.append("There is no active question with code " + ", ".join(unknown))
    general = [active[c.strip().upper()] for c in general_codes if c.strip().upper() in active]
    applied = [active[c.strip().upper()] for c in applied_codes if c.strip().upper() in active]
    problems += blueprint_problems(level=level, scenario=scenario, general=general, applied=applied)
    if problems:
        raise AssessmentError(*problems)
    form = TestForm.objects.create(
        code=code,
        title=title,
        level=level,
        framework=KSSFramework.objects.get(level=level, is_current=True),
        scenario=scenario,
        three_of_eight_scoring=three_of_eight_scoring,
        created_by=actor,
    )
    TestFormItem.objects.bulk_create(
        TestFormItem(form=form, item=item, section=section, position=position)
        for position, (section, item) in enumerate(
            [(FormSection.GENERAL, i) for i in general]
            + [(FormSection.APPLIED, i) for i in applied],
            start=1,
        )
    )
    audit_event_record(
        actor=actor,
        subject=form,
        action=AssessmentAction.TEST_FORM_CREATED,
        detail={"items": [i.pk for i in [*general, *applied]]},
    )
    return form


@transaction.atomic
def test_form_set_active(*, actor, form: TestForm, active: bool) -> TestForm:
    require_administrator(actor)
    locked = TestForm.objects.select_for_update().get(pk=form.pk)
    if locked.is_active != active:
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_event_record(
            actor=actor,
            subject=locked,
            action=AssessmentAction.TEST_FORM_ACTIVATED
            if active
            else AssessmentAction.TEST_FORM_DEACTIVATED,
        )
    return locked
