"""The outcome journeys in Chromium, with axe-core on every page visited.

1. An administrator allocates the marking; an assessor scores the simulated practice; the
   attempt is in the second-marking sample, so a second marker scores it blind and differs by
   two points; a moderator sets the final marks; the outcome is confirmed and published; the
   candidate sees it.
2. A candidate whose outcome is partially met books a fast-track retake of the areas not met,
   is scored on those areas only, and ends with a merged outcome."""

import pytest

from assessment import selectors, services, signals
from assessment.models import Attempt, AttemptState, MarkerRole, OutcomeResult
from assessment.tests.factories import (
    PARTIAL_MARKS,
    SittingFactory,
    published_attempt,
    sat_attempt,
    set_sitting_date,
)
from naas.models import Role
from naas.tests.factories import (
    TEST_PASSWORD,
    LocalAuthorityFactory,
    SocialWorkerFactory,
    staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")


def click_button(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def fill_marks(page, attempt, marks=("3", "3", "3", "3"), per_area=None, note="Evidence seen"):
    per_area = per_area or {}
    for area in attempt.areas.all():
        values = per_area.get(area.number, marks)
        for name, value in zip(
            ("role_play_1", "role_play_2", "reflective", "written"), values, strict=True
        ):
            page.select_option(f"#id_area_{area.pk}_{name}", value)
        page.fill(f"#id_area_{area.pk}_evidence", note)
        judgement = page.locator(f"input[name=area_{area.pk}_global_judgement][value='2']")
        if judgement.count():  # first and second markers give one; moderators do not
            judgement.check()


@pytest.fixture
def people():
    leeds = LocalAuthorityFactory(name="Leeds")
    return {
        "leeds": leeds,
        "admin": staff_user(Role.ADMINISTRATOR, full_name="Ade Bello"),
        "first": staff_user(Role.ASSESSOR, LocalAuthorityFactory(), full_name="Alex Morgan"),
        "second": staff_user(Role.ASSESSOR, LocalAuthorityFactory(), full_name="Jordan Hale"),
        "moderator": staff_user(Role.MODERATOR, LocalAuthorityFactory(), full_name="Morgan Reid"),
        "linked": staff_user(Role.ASSESSOR, leeds, full_name="Lee Linked"),
    }


def allocate_through_page(page, check, attempt, name, role_label):
    page.goto("/assessment/marking/")
    check("Allocate marking")
    page.get_by_role(
        "link", name=f"Allocate a {role_label} for {attempt.worker.user.full_name}"
    ).click()
    check(f"Allocate a {role_label}")
    assert "Lee Linked" not in page.locator("main").inner_text()  # linked to Leeds
    page.get_by_label(name, exact=True).check()
    click_button(page, "Allocate")
    check("Allocate marking")


def test_score_second_mark_moderate_publish_and_the_candidate_sees_it(
    page, people, sign_in, assert_accessible, settings
):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    worker = SocialWorkerFactory(local_authority=people["leeds"], user__full_name="Priya Iqbal")
    attempt = sat_attempt(worker, admin=people["admin"], percent=80)

    def check(expected_h1):
        assert expected_h1 in page.locator("h1").first.inner_text()
        assert_accessible(page)

    # the administrator allocates the first marker (never one linked to Leeds)
    sign_in(page, people["admin"].email, TEST_PASSWORD)
    allocate_through_page(page, check, attempt, "Alex Morgan", "first marker")
    sign_out(page)

    # the first marker scores every area: a bad try first, then the marks
    sign_in(page, people["first"].email, TEST_PASSWORD)
    page.goto("/assessment/allocated/")
    check("Your allocated attempts")
    page.get_by_role("link", name="Mark Priya Iqbal").click()
    check("Mark the simulated practice")
    fill_marks(page, attempt, note="")
    click_button(page, "Submit marks")
    assert "Enter the evidence for area 1" in page.locator(".govuk-error-summary").inner_text()
    check("Mark the simulated practice")
    fill_marks(page, attempt, note="FIRST-MARKER-NOTE: warm, clear direct work")
    click_button(page, "Submit marks")
    check("Your allocated attempts")
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.SCORED
    sign_out(page)

    # the attempt is in the sample: a second marker is allocated and marks it blind
    sign_in(page, people["admin"].email, TEST_PASSWORD)
    allocate_through_page(page, check, attempt, "Jordan Hale", "second marker")
    sign_out(page)
    sign_in(page, people["second"].email, TEST_PASSWORD)
    page.goto("/assessment/allocated/second-marking/")
    check("Second marking")
    page.get_by_role("link", name="Mark Priya Iqbal").click()
    check("Mark the simulated practice")
    assert "FIRST-MARKER-NOTE" not in page.content()
    response = page.goto(f"/assessment/attempts/{attempt.pk}/marks/")
    assert response.status == 403  # the first marks are refused by URL too
    page.goto(f"/assessment/attempts/{attempt.pk}/marking/")
    fill_marks(page, attempt, per_area={2: ("1", "3", "3", "3")}, note="Second view")
    click_button(page, "Submit marks")
    check("Your allocated attempts")
    assert selectors.attempt_next_step(Attempt.objects.get(pk=attempt.pk)) == MarkerRole.MODERATOR
    sign_out(page)

    # two points apart on one task: a moderator is allocated and sets the final marks
    sign_in(page, people["admin"].email, TEST_PASSWORD)
    allocate_through_page(page, check, attempt, "Morgan Reid", "moderator")
    sign_out(page)
    sign_in(page, people["moderator"].email, TEST_PASSWORD)
    page.goto("/assessment/allocated/moderation/")
    check("Moderation")
    page.get_by_role("link", name="Moderate Priya Iqbal").click()
    check("Moderate the simulated practice")
    # the moderator sees the marks side by side and decides only the one disagreement
    assert "Disagree" in page.locator("main").inner_text()
    page.get_by_label("The first marker's mark (3)").check()
    page.get_by_label("Reason for the mark for role play 1 in area 2").fill(
        "The recording of role play 1 shows the evidence for area 2"
    )
    click_button(page, "Record the final marks")
    check("Your allocated attempts")
    sign_out(page)

    # the administrator checks and confirms the outcome, then publishes
    sign_in(page, people["admin"].email, TEST_PASSWORD)
    page.goto("/assessment/outcomes/")
    check("Outcomes")
    page.get_by_role("link", name="Check and confirm").click()
    check("Check the outcome before you confirm it")
    click_button(page, "Confirm outcome")
    check("Outcomes")
    page.get_by_role("link", name="Publish confirmed outcomes").click()
    check("Publish outcomes")
    click_button(page, "Publish the ticked outcomes")
    check("Outcomes published")
    sign_out(page)

    # the candidate sees the outcome and how it was decided
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.goto("/assessment/mine/outcome/")
    check("Your outcome")
    assert "Met" in page.locator("main").inner_text()
    page.get_by_role("link", name="How your outcome was decided").click()
    check("Outcome NAAS-")
    assert "Observation mean 3 reaches 2.5" in page.locator("main").inner_text()
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.OUTCOME_PUBLISHED


def test_partially_met_candidate_retakes_the_areas_not_met_and_ends_with_a_merged_outcome(
    page, people, sign_in, assert_accessible, settings, monkeypatch
):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    worker = SocialWorkerFactory(local_authority=people["leeds"], user__full_name="Sam Ahmed")
    with monkeypatch.context() as patched:  # no feedback app checks for the earlier outcome
        patched.setattr(signals, "pre_publish_checks", [])
        parent, earlier = published_attempt(worker, admin=people["admin"], per_area=PARTIAL_MARKS)
    assert earlier.result == OutcomeResult.PARTIALLY_MET
    SittingFactory()

    def check(expected_h1):
        assert expected_h1 in page.locator("h1").first.inner_text()
        assert_accessible(page)

    # the candidate books the fast-track retake
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.goto("/assessment/mine/outcome/")
    check("Your outcome")
    page.get_by_role("link", name="Book a fast-track retake").click()
    check("Book a fast-track retake")
    click_button(page, "Continue")
    assert "Choose a sitting" in page.locator(".govuk-error-summary").inner_text()
    check("Book a fast-track retake")
    page.locator("input[name=sitting]").first.check()
    click_button(page, "Continue")
    check("Check your retake booking")
    click_button(page, "Confirm booking")
    check("Booking confirmed")
    sign_out(page)
    retake = Attempt.objects.get(parent=parent)
    assert sorted(a.number for a in retake.areas.all()) == [9, 10]

    # the day comes and the candidate attends
    set_sitting_date(retake.sitting, 0)
    services.attempt_record_attendance(attempt=retake, attended=True, actor=people["admin"])
    sign_in(page, people["admin"].email, TEST_PASSWORD)
    allocate_through_page(page, check, retake, "Alex Morgan", "first marker")
    sign_out(page)

    # the assessor scores only the two retaken areas
    sign_in(page, people["first"].email, TEST_PASSWORD)
    page.goto("/assessment/allocated/")
    page.get_by_role("link", name="Mark Sam Ahmed").click()
    check("Mark the simulated practice")
    assert page.locator("legend.govuk-fieldset__legend--m").count() == 2  # one per area
    fill_marks(page, retake, note="Now clearly demonstrated")
    click_button(page, "Submit marks")
    check("Your allocated attempts")
    sign_out(page)

    # confirmed and published
    sign_in(page, people["admin"].email, TEST_PASSWORD)
    page.goto("/assessment/outcomes/")
    page.get_by_role("link", name="Check and confirm").click()
    check("Check the outcome before you confirm it")
    assert "Carried forward" in page.locator("main").inner_text()
    click_button(page, "Confirm outcome")
    page.get_by_role("link", name="Publish confirmed outcomes").click()
    click_button(page, "Publish the ticked outcomes")
    check("Outcomes published")
    sign_out(page)

    # the candidate sees the merged outcome
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.goto("/assessment/mine/outcome/")
    check("Your outcome")
    text = page.locator("main").inner_text()
    assert "fast-track retake" in text and "Carried forward" in text
    merged = selectors.current_outcome(Attempt.objects.get(pk=retake.pk))
    assert merged.result == OutcomeResult.MET
    assert merged.area_outcomes.filter(carried_forward=True).count() == 8
