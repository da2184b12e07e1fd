"""Making a test form by picking questions: the level first, then only that level's scenarios
and questions, grouped by KSS area (general) and scenario (applied)."""

import pytest
from django.urls import reverse

from assessment.models import TestForm
from naas.models import Level

from .factories import administrator, blueprint_items, make_scenario, picker_answers

pytestmark = pytest.mark.django_db

URL = reverse("assessment:test_form_create")


@pytest.fixture
def admin_client(client):
    client.force_login(administrator())
    return client


def test_the_first_page_asks_the_level_only(admin_client):
    page = admin_client.get(URL).content.decode()
    assert "Which level is the test form for?" in page
    assert 'name="code"' not in page


def test_an_unknown_level_is_an_error_on_the_level_question(admin_client):
    response = admin_client.get(URL + "?level=wizard")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the level from the list" in page
    assert 'href="#id_level_1"' in page and 'id="id_level_1"' in page


def test_only_the_levels_scenarios_and_questions_are_offered(admin_client):
    scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    leader_scenario, leader_general, _ = blueprint_items(Level.LEADER)
    page = admin_client.get(URL + f"?level={Level.PRACTITIONER}").content.decode()
    assert scenario.code in page and leader_scenario.code not in page
    assert all(item.code in page for item in general + applied)
    assert not any(item.code in page for item in leader_general)
    area = general[0].area
    assert f"{area.number}. {area.title}" in page  # grouped under its KSS area


def test_supervisor_forms_offer_practitioner_general_questions(admin_client):
    _, practitioner_general, _ = blueprint_items(Level.PRACTITIONER)
    supervisor_scenario = make_scenario(Level.SUPERVISOR)
    page = admin_client.get(URL + f"?level={Level.SUPERVISOR}").content.decode()
    assert all(item.code in page for item in practitioner_general)
    assert supervisor_scenario.code in page


def test_ticking_the_questions_makes_the_form(admin_client):
    scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    response = admin_client.post(
        URL + f"?level={Level.PRACTITIONER}",
        picker_answers(
            code="P-PICK", title="Picked", scenario=scenario, general=general, applied=applied
        ),
    )
    assert response.status_code == 302
    form = TestForm.objects.get(code="P-PICK")
    assert form.level == Level.PRACTITIONER
    assert set(form.items.values_list("code", flat=True)) == {i.code for i in general + applied}


def test_a_question_of_another_level_cannot_be_ticked(admin_client):
    scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    _, leader_general, _ = blueprint_items(Level.LEADER)
    data = picker_answers(
        code="P-SNEAK", title="Sneak", scenario=scenario, general=general, applied=applied
    )
    data[f"general_area_{general[0].area.number}"].append(leader_general[0].code)
    response = admin_client.post(URL + f"?level={Level.PRACTITIONER}", data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not TestForm.objects.filter(code="P-SNEAK").exists()
