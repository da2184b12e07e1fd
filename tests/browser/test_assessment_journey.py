"""The assessment-day journey in Chromium, with axe-core on every page visited: an endorsed
worker books a sitting asking for adjustments, an administrator decides them, the worker sees
the decisions, the day comes and the test platform's results are uploaded (a bad file first),
and an assessor reads the candidate's test scores per KSS area."""

import pytest

from assessment import services
from assessment.models import Attempt, AttemptState, MarkerRole
from assessment.tests.factories import (
    CentreFactory,
    SittingFactory,
    answer_rows,
    endorsed,
    make_test_form,
    results_csv,
    set_sitting_date,
)
from naas.models import KSSArea, Level, Role
from naas.tests.factories import (
    TEST_PASSWORD,
    LocalAuthorityFactory,
    SocialWorkerFactory,
    staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day():
    la = LocalAuthorityFactory(name="Leeds")
    worker = SocialWorkerFactory(local_authority=la, user__full_name="Priya Iqbal")
    admin = staff_user(Role.ADMINISTRATOR, full_name="Ade Bello")
    assessor = staff_user(Role.ASSESSOR, LocalAuthorityFactory(), full_name="Alex Morgan")
    centre = CentreFactory(name="Leeds Assessment Centre")
    sitting = SittingFactory(centre=centre, capacity=12)
    SittingFactory(centre=centre, date=sitting.date, slot=3, capacity=12)
    form = make_test_form(Level.PRACTITIONER, actor=admin, code="P-2026-A")
    endorsed(worker)
    return {
        "worker": worker,
        "admin": admin,
        "assessor": assessor,
        "sitting": sitting,
        "form": form,
    }


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")


def click_button(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_book_decide_upload_and_read_scores_per_area(page, day, sign_in, assert_accessible):
    worker, sitting, form = day["worker"], day["sitting"], day["form"]

    def check(expected_h1):
        assert expected_h1 in page.locator("h1").first.inner_text()
        assert_accessible(page)

    # the endorsed worker books a sitting, asking for extra time and something else
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Your assessment").click()
    check("Your assessment")
    page.get_by_role("link", name="Book a sitting").click()
    check("Book an assessment sitting")
    click_button(page, "Continue")  # nothing chosen: the errors are accessible too
    assert "Choose a sitting" in page.locator(".govuk-error-summary").inner_text()
    check("Book an assessment sitting")
    page.get_by_label("morning (starts 9am), Leeds Assessment Centre", exact=False).check()
    page.get_by_label("Extra time", exact=True).check()
    page.get_by_label("Something else", exact=True).check()
    page.get_by_label("If you chose something else").fill("A height-adjustable desk")
    click_button(page, "Continue")
    check("Check the booking before you confirm it")
    assert "A height-adjustable desk" in page.content()
    click_button(page, "Confirm booking")
    check("Booking confirmed")
    page.get_by_role("link", name="View the booking").click()
    check("Assessment booking")
    assert page.get_by_text("Awaiting decision").count() == 2
    sign_out(page)

    # the administrator decides both requests before the day
    sign_in(page, day["admin"].email, TEST_PASSWORD)
    check("Assessment days")
    page.get_by_role("link", name="2 reasonable adjustment requests to decide").click()
    check("Adjustment requests to decide")
    for kind, decision, reason in [
        ("Extra time", "Approve", "25% extra time, as in the candidate's exam history"),
        ("Something else", "Decline", "Every room at the centre has adjustable desks"),
    ]:
        page.get_by_role("link", name=f"{kind} for Priya Iqbal").click()
        check("Decide an adjustment request")
        page.get_by_label(decision, exact=True).check()
        page.get_by_label("Reason for the decision").fill(reason)
        click_button(page, "Continue")
        check("Check your decision before you confirm it")
        click_button(page, "Confirm decision")
        check(f"Adjustment {decision.lower()}d")
        page.get_by_role("link", name="Back to adjustment requests").click()
        check("Adjustment requests to decide")
    # approved adjustments appear on the sitting's attendance list
    page.get_by_role("link", name="Sittings").click()
    page.locator("table a").first.click()
    check("morning")
    attendance = page.locator("table").first.inner_text()
    assert "Extra time" in attendance and "Something else" not in attendance
    sign_out(page)

    # the worker sees each decision and its reason
    sign_in(page, worker.user.email, TEST_PASSWORD)
    page.get_by_role("link", name="Your assessment").click()
    page.get_by_role("link", name="View booking").click()
    check("Assessment booking")
    text = page.locator("main").inner_text()
    assert "Approved" in text and "Declined" in text
    assert "Every room at the centre has adjustable desks" in text
    sign_out(page)

    # the day comes; the administrator uploads the test platform's results
    set_sitting_date(sitting, 0)
    attempt = Attempt.objects.get(worker=worker)
    three = next(link.item for link in form.form_items.all() if link.item.format == "3of8")
    rows = answer_rows(attempt, form, override={three.code: three.correct_options[:2]})
    sign_in(page, day["admin"].email, TEST_PASSWORD)
    page.goto(f"/assessment/days/{sitting.pk}/")
    page.get_by_role("link", name="Upload test results").click()
    check("Upload test results")
    bad = [*rows[:-1], ("SW999999", form.code, rows[0][2], "B")]
    page.set_input_files(
        "#id_csv_file",
        files=[{"name": "results.csv", "mimeType": "text/csv", "buffer": results_csv(bad)}],
    )
    click_button(page, "Upload and check")
    # the file is checked in the background (eager here): the job's page lists every problem
    check("The results file could not be imported")
    problems = page.locator("#row-errors").inner_text()
    assert "SW999999 is not a registration number the service knows" in problems
    assert "has answers for 29 of the 30 items" in problems
    page.get_by_role("link", name="upload the file again").click()
    page.set_input_files(
        "#id_csv_file",
        files=[{"name": "results.csv", "mimeType": "text/csv", "buffer": results_csv(rows)}],
    )
    click_button(page, "Upload and check")
    check("Results file imported")
    assert "1 candidate recorded" in page.locator(".govuk-panel").inner_text()
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SAT
    sign_out(page)

    # the assessor, once allocated the attempt, reads the candidate's test scores per KSS area
    services.allocation_create(
        attempt=attempt, assessor=day["assessor"], role=MarkerRole.FIRST, actor=day["admin"]
    )
    sign_in(page, day["assessor"].email, TEST_PASSWORD)
    check("Your allocated attempts")
    page.get_by_role("link", name="Knowledge test results").click()
    check("Knowledge test results")
    page.get_by_role("link", name="Priya Iqbal").click()
    check("Knowledge test result")
    table = page.locator("table").first
    assert "Score per KSS area" in table.inner_text()
    for area in KSSArea.objects.filter(framework=attempt.framework):
        assert area.title in table.inner_text()
    assert "29 out of 30" in page.locator("main").inner_text()
    area_row = page.get_by_role("row", name=three.area.title, exact=False)
    assert "100%" not in area_row.inner_text()


def test_every_other_assessment_page_is_accessible(page, day, sign_in, assert_accessible):
    """The pages the journey does not pass through, including forms showing their errors."""
    worker, sitting = day["worker"], day["sitting"]
    lead = staff_user(Role.LA_LEAD, worker.local_authority)

    def visit(url, expected_h1, submit=None):
        page.goto(url)
        if submit:
            click_button(page, submit)
        assert expected_h1 in page.locator("h1").first.inner_text(), page.url
        assert_accessible(page)

    # the LA lead books on the worker's behalf, then changes and cancels the booking
    sign_in(page, lead.email, TEST_PASSWORD)
    visit("/assessment/la/", "Assessment bookings")
    page.get_by_role("link", name="Book a sitting for Priya Iqbal").click()
    page.get_by_label("morning (starts 9am), Leeds Assessment Centre", exact=False).check()
    page.get_by_label("A reader", exact=True).check()
    click_button(page, "Continue")
    click_button(page, "Confirm booking")
    attempt = Attempt.objects.get(worker=worker)
    visit("/assessment/la/", "Assessment bookings")
    visit(
        f"/assessment/attempts/{attempt.pk}/rebook/", "Change the sitting", submit="Change booking"
    )
    visit(f"/assessment/attempts/{attempt.pk}/cancel/", "Are you sure")
    sign_out(page)

    # the administrator's pages, with their forms' errors
    sign_in(page, day["admin"].email, TEST_PASSWORD)
    visit("/assessment/days/new/", "Add a sitting", submit="Add sitting")
    visit("/assessment/centres/", "Assessment centres", submit="Add centre")
    visit("/assessment/scenarios/", "Scenarios", submit="Add scenario")
    visit("/assessment/items/", "Item bank")
    visit("/assessment/items/new/", "Add a question", submit="Add question")
    item = day["form"].form_items.first().item
    visit(f"/assessment/items/{item.pk}/", f"Question {item.code}")
    visit(f"/assessment/items/{item.pk}/edit/", f"Edit question {item.code}")
    visit("/assessment/forms/", "Test forms")
    visit("/assessment/forms/new/", "Make a test form", submit="Continue")
    visit(f"/assessment/forms/{day['form'].pk}/", "Test form P-2026-A")
    visit("/assessment/adjustments/", "Adjustment requests to decide")
    visit("/assessment/adjustments/decisions/", "Adjustment decisions")
    visit("/assessment/days/past/", "Past sittings")
    set_sitting_date(sitting, 0)
    visit(f"/assessment/days/{sitting.pk}/", "morning")
    visit(
        f"/assessment/days/{sitting.pk}/results/", "Upload test results", submit="Upload and check"
    )
