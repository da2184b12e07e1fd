import pytest
from django.core.exceptions import PermissionDenied

from assessment import services
from assessment.models import FormSection, Item, TestForm
from assessment.services import AssessmentError
from naas.models import KSSArea, Level, Role
from naas.tests.factories import staff_user

from .factories import administrator, blueprint_items, make_item, make_scenario

pytestmark = pytest.mark.django_db


def create(level, scenario, general, applied, actor=None, code="FORM1"):
    return services.test_form_create(
        actor=actor or administrator(),
        code=code,
        title="A form",
        level=level,
        scenario=scenario,
        general_codes=[i.code for i in general],
        applied_codes=[i.code for i in applied],
        three_of_eight_scoring="exact",
    )


def refusal(level, scenario, general, applied) -> list[str]:
    with pytest.raises(AssessmentError) as caught:
        create(level, scenario, general, applied)
    assert not TestForm.objects.exists()  # nothing saved
    return caught.value.messages


@pytest.mark.parametrize("level", Level.values)
def test_a_form_that_follows_the_blueprint_is_saved_for_every_level(level):
    scenario, general, applied = blueprint_items(level)
    form = create(level, scenario, general, applied)
    links = list(form.form_items.order_by("position"))
    assert len(links) == 30
    assert [link.section for link in links] == [FormSection.GENERAL] * 18 + [
        FormSection.APPLIED
    ] * 12


def test_supervisor_forms_use_practitioner_general_questions():
    # given supervisor-level questions offered as general questions
    scenario, general, applied = blueprint_items(Level.SUPERVISOR)
    supervisor_areas = list(KSSArea.objects.filter(framework__level=Level.SUPERVISOR))
    general[0] = make_item(supervisor_areas[0])
    # then the form is refused with the reason
    problems = refusal(Level.SUPERVISOR, scenario, general, applied)
    assert any(
        f"General question {general[0].code} is tagged to the practice supervisor KSS" in p
        and "must be at approved child and family practitioner level" in p
        for p in problems
    )


def test_a_form_that_misses_a_kss_area_is_refused_naming_the_area():
    # given a practitioner form whose 30 questions never touch area 10
    scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    areas = list(KSSArea.objects.filter(framework__level=Level.PRACTITIONER).order_by("number"))
    general = [make_item(areas[n % 9]) for n in range(18)]
    applied = [make_item(areas[n % 9], scenario=scenario) for n in range(12)]
    problems = refusal(Level.PRACTITIONER, scenario, general, applied)
    assert problems == ["No question covers KSS area 10: Organisational context"]


def test_wrong_counts_are_refused_with_the_numbers():
    scenario, general, applied = blueprint_items(Level.LEADER)
    problems = refusal(Level.LEADER, scenario, general[:17], [*applied, general[17]])
    assert "The form has 17 general questions; it needs exactly 18" in problems
    assert "The form has 13 applied questions; it needs exactly 12" in problems
    assert any("belongs to no scenario" in p for p in problems)


def test_applied_questions_must_all_share_the_form_scenario():
    scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    other = make_scenario(Level.PRACTITIONER)
    applied[3] = make_item(applied[3].area, scenario=other)
    problems = refusal(Level.PRACTITIONER, scenario, general, applied)
    assert problems == [
        f"Applied question {applied[3].code} belongs to scenario {other.code}, "
        f"not scenario {scenario.code}"
    ]


def test_applied_question_as_general_and_scenario_of_another_level_are_refused():
    _scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    leader_scenario = make_scenario(Level.LEADER)
    general[0], applied[0] = applied[0], general[0]
    problems = refusal(Level.PRACTITIONER, leader_scenario, general, applied)
    assert any("is an applied question" in p for p in problems)
    assert any("is for the practice leader level" in p for p in problems)


def test_duplicates_unknown_and_inactive_questions_are_refused():
    scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    Item.objects.filter(pk=general[1].pk).update(is_active=False)
    general[2] = general[3]
    with pytest.raises(AssessmentError) as caught:
        services.test_form_create(
            actor=administrator(),
            code="F2",
            title="x",
            level=Level.PRACTITIONER,
            scenario=scenario,
            general_codes=[i.code for i in general] + ["NOPE-1"],
            applied_codes=[i.code for i in applied],
            three_of_eight_scoring="exact",
        )
    problems = caught.value.messages
    assert f"There is no active question with code NOPE-1, {general[1].code}" in problems
    assert f"Question {general[3].code} is on the form more than once" in problems


def test_only_administrators_make_forms():
    scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        create(Level.PRACTITIONER, scenario, general, applied, actor=staff_user(Role.ASSESSOR))
