"""Marking that respects assessors' time, in Chromium with axe-core on every page visited: a
first marker saves a draft, comes back to it pre-filled and submits; a second marker marks
blind, then sees the marks side by side; the moderator sees them side by side and decides
only the marks that differ, each with a reason."""

import pytest

from assessment import selectors
from assessment.models import Attempt, AttemptState, MarkerRole, MarkingDraft
from assessment.tests.factories import allocate, sat_attempt
from naas.models import Role
from naas.tests.factories import (
    TEST_PASSWORD,
    LocalAuthorityFactory,
    SocialWorkerFactory,
    staff_user,
)

from .test_outcome_journey import click_button, fill_marks, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_then_submit_then_moderate_side_by_side(page, sign_in, assert_accessible, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    admin = staff_user(Role.ADMINISTRATOR, full_name="Ade Bello")
    first = staff_user(Role.ASSESSOR, LocalAuthorityFactory(), full_name="Alex Morgan")
    second = staff_user(Role.ASSESSOR, LocalAuthorityFactory(), full_name="Jordan Hale")
    moderator = staff_user(Role.MODERATOR, LocalAuthorityFactory(), full_name="Morgan Reid")
    worker = SocialWorkerFactory(user__full_name="Priya Iqbal")
    attempt = sat_attempt(worker, admin=admin)
    allocate(attempt, MarkerRole.FIRST, admin=admin, assessor=first)
    area_one = attempt.areas.get(number=1)

    def check(expected_h1):
        assert expected_h1 in page.locator("h1").first.inner_text()
        assert_accessible(page)

    # the first marker enters a little, with one mark out of range: nothing is kept
    sign_in(page, first.email, TEST_PASSWORD)
    page.goto(f"/assessment/attempts/{attempt.pk}/marking/")
    check("Mark the simulated practice")
    page.select_option(f"#id_area_{area_one.pk}_role_play_1", "2")
    page.fill(f"#id_area_{area_one.pk}_evidence", "Half-way note")
    page.evaluate(
        "id => { const o = document.createElement('option'); o.value = '9'; "
        "document.getElementById(id).append(o); document.getElementById(id).value = '9'; }",
        f"id_area_{area_one.pk}_written",
    )
    click_button(page, "Save and come back later")
    assert (
        "Choose a mark from 1 to 4 for written task in area 1"
        in page.locator(".govuk-error-summary").inner_text()
    )
    check("Mark the simulated practice")
    assert not MarkingDraft.objects.exists()
    # then saves a valid draft and comes back to it later
    page.select_option(f"#id_area_{area_one.pk}_written", "")
    click_button(page, "Save and come back later")
    check("Mark the simulated practice")
    saved = selectors.draft_saved_words(MarkingDraft.objects.get())
    assert saved in page.locator("main").inner_text()
    page.goto("/assessment/allocated/")
    page.get_by_role("link", name="Mark Priya Iqbal").click()
    check("Mark the simulated practice")
    assert page.input_value(f"#id_area_{area_one.pk}_role_play_1") == "2"
    assert page.input_value(f"#id_area_{area_one.pk}_evidence") == "Half-way note"
    fill_marks(page, attempt, note="First view")
    click_button(page, "Submit marks")
    check("Your allocated attempts")
    assert not MarkingDraft.objects.exists()
    sign_out(page)

    # the second marker marks blind, two points apart on area 1's role play 1
    allocate(Attempt.objects.get(pk=attempt.pk), MarkerRole.SECOND, admin=admin, assessor=second)
    sign_in(page, second.email, TEST_PASSWORD)
    page.goto(f"/assessment/attempts/{attempt.pk}/marking/")
    check("Mark the simulated practice")
    assert "First view" not in page.content()
    fill_marks(page, attempt, per_area={1: ("1", "3", "3", "3")}, note="Second view")
    click_button(page, "Submit marks")
    check("Your allocated attempts")
    # and then sees the two side by side
    page.goto("/assessment/allocated/second-marking/")
    page.get_by_role("link", name="Compare the marks for Priya Iqbal").click()
    check("Marks for the simulated practice")
    assert page.locator("main strong.govuk-tag", has_text="Disagree").count() == 1
    sign_out(page)

    # the moderator decides only that mark, with a reason (a missing reason is an error)
    allocate(
        Attempt.objects.get(pk=attempt.pk), MarkerRole.MODERATOR, admin=admin, assessor=moderator
    )
    sign_in(page, moderator.email, TEST_PASSWORD)
    page.goto("/assessment/allocated/moderation/")
    page.get_by_role("link", name="Moderate Priya Iqbal").click()
    check("Moderate the simulated practice")
    assert page.locator("input[type=radio]").count() == 3
    page.get_by_label("Another mark").check()
    page.get_by_label("Your mark for role play 1 in area 1").select_option("2")
    click_button(page, "Record the final marks")
    assert (
        "Enter the reason for the mark for role play 1 in area 1"
        in page.locator(".govuk-error-summary").inner_text()
    )
    check("Moderate the simulated practice")
    page.get_by_label("Reason for the mark for role play 1 in area 1").fill(
        "The recording shows some but not all of the evidence"
    )
    click_button(page, "Record the final marks")
    check("Your allocated attempts")
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.state == AttemptState.MODERATED
    final = selectors.final_marks(attempt)
    assert final[area_one.pk].task_marks() == [2, 3, 3, 3]
