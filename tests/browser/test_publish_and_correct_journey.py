"""Publishing only what is ready, and correcting one answer, in Chromium with axe-core on
every page: one confirmed outcome is ready and another waits for feedback (linked); the
administrator publishes the ready one, then corrects one answer of the published candidate."""

import pytest

from assessment import selectors, services
from assessment.models import TestResponse, TestResult
from assessment.tests.factories import first_mark, publish
from assessment.tests.psychometrics.test_item_withdrawal import (
    answer_rows,
    area_items,
    booked_day,
    import_results,
    reload,
    wrong,
)
from naas.models import Role
from naas.tests.factories import TEST_PASSWORD, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "The test platform confirmed the answer was recorded wrongly"


@pytest.fixture
def day(settings):
    """Two candidates, every answer right and observed well. `waiting` had a published met
    outcome; two answers corrected since make area 3 partially met, which needs feedback, so
    its new version waits confirmed. `ready`'s outcome is confirmed."""
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    admin = staff_user(Role.ADMINISTRATOR, full_name="Ade Bello")
    sitting, (ready, waiting), form = booked_day(2)
    import_results(sitting, answer_rows(ready, form) + answer_rows(waiting, form), admin)
    for attempt in (ready, waiting):
        first_mark(reload(attempt), admin=admin, marks=(3, 3, 3, 3))
    publish(reload(waiting), admin=admin)
    for item in area_items(form, 3)[:2]:
        services.test_response_correct(
            attempt=waiting, item=item, chosen=wrong(item), reason=REASON, actor=admin
        )
    services.outcome_confirm(outcome=selectors.current_outcome(ready), actor=admin)
    return admin, reload(ready), reload(waiting), form


def test_publish_the_ready_one_then_correct_an_answer(page, day, sign_in, assert_accessible):
    admin, ready, waiting, form = day

    def check(expected_h1):
        assert expected_h1 in page.locator("h1").first.inner_text()
        assert_accessible(page)

    sign_in(page, admin.email, TEST_PASSWORD)
    page.goto("/assessment/outcomes/publish/")
    check("Publish outcomes")
    ready_box = page.get_by_label(f"{selectors.current_outcome(ready).reference}:", exact=False)
    assert ready_box.is_checked()
    fix = page.get_by_role("link", name="Write feedback for area 3", exact=False)
    assert f"/attempts/{waiting.pk}/feedback/" in fix.get_attribute("href")
    page.get_by_role("button", name="Publish the ticked outcomes").click()
    page.wait_for_load_state()
    check("Outcomes published")
    assert selectors.current_outcome(ready).is_published
    assert not selectors.current_outcome(waiting).is_published

    # correct one of the published candidate's answers: form, check, confirmation
    item = area_items(form, 1)[0]
    page.goto(f"/assessment/outcomes/{selectors.current_outcome(ready).pk}/")
    page.get_by_role("link", name="Correct a knowledge-test answer").click()
    check("Correct a knowledge-test answer")
    page.get_by_label("Which question's answer is wrong?").select_option(str(item.pk))
    page.get_by_label("Corrected answer").fill(wrong(item))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert (
        "Enter the reason for the correction" in page.locator(".govuk-error-summary").inner_text()
    )
    check("Correct a knowledge-test answer")
    page.get_by_label("Reason for the correction").fill(REASON)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    check("Check the correction before you make it")
    page.get_by_role("button", name="Correct the answer and rescore").click()
    page.wait_for_load_state()
    check("Answer corrected")
    result = TestResult.objects.get(attempt=ready)
    assert TestResponse.objects.get(result=result, item=item).chosen == wrong(item)
