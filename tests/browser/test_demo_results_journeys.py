"""The README's outcomes, results, reports and dashboards journeys, walked in Chromium on the
seeded demo as the administrator, the worker, her supervisor, the LA lead, DfE and the back
office, with axe-core on every page visited (with and without JavaScript)."""

import pytest

from assessment.models import Outcome, TestResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "The test platform confirmed the answer was recorded wrongly"
DASHBOARD_THEMES = [
    ("Pipeline", "Pipeline"),
    ("Outcomes", "Outcomes"),
    ("KSS areas", "KSS areas"),
    ("Local authorities compared", "Local authorities compared"),
    ("Employment type and equality", "Employment type and equality"),
    ("Funding and projection", "Funding and projection"),
]


def test_admin_publishes_the_ready_outcome_and_corrects_an_answer(walk):
    page = walk.page
    walk.sign_in("admin", "Assessment days")
    walk.go("/assessment/outcomes/publish/", "Publish outcomes")
    # "a fourth Oldham worker's met outcome" is ticked; nothing is held back in the demo
    ready = Outcome.objects.get(confirmed_at__isnull=False, published_at__isnull=True)
    assert ready.attempt.worker.local_authority.name == "Oldham"
    box = page.get_by_label(f"{ready.reference}: {ready.attempt.worker.user.full_name}")
    assert box.is_checked()
    assert "Ready to publish (1)" in walk.main()
    assert "Cannot be published yet" not in walk.main()
    walk.press("Publish the ticked outcomes", "Outcomes published")
    assert "1 outcome" in page.locator(".govuk-panel").inner_text()

    # Published outcomes lists it, by local authority, result and date
    walk.go("/assessment/outcomes/published-outcomes/", "Published outcomes")
    row = walk.row(ready.reference)
    for words in (ready.attempt.worker.user.full_name, "Oldham", "Met", "2 June 2026"):
        assert words in row, words
    assert "Showing 1 to 5 of 5 published outcomes" in walk.main()

    # correct one of the candidate's knowledge-test answers: form, check, done
    walk.follow(ready.reference, f"Outcome {ready.reference}", exact=True)
    walk.follow("Correct a knowledge-test answer", "Correct a knowledge-test answer")
    response = TestResponse.objects.filter(result__attempt=ready.attempt).order_by("pk").first()
    wrong = next(letter for letter in "ABCD" if letter not in response.item.correct_options)
    page.get_by_label("Which question's answer is wrong?").select_option(str(response.item_id))
    page.get_by_label("Corrected answer").fill(wrong)
    page.get_by_label("Reason for the correction").fill(REASON)
    walk.press("Continue", "Check the correction before you make it")
    assert REASON in walk.main()
    walk.press("Correct the answer and rescore", "Answer corrected")
    response.refresh_from_db()
    assert response.chosen == wrong


def test_wendy_asks_for_support_and_her_supervisor_sees_it(walk):
    page = walk.page
    walk.sign_in("worker", "Your accreditation")
    walk.follow("Your results", "Your results")
    results = walk.main()
    assert "Partially met" in results
    assert "Book a fast-track retake" in results and "Ask for a review" in results
    assert page.get_by_role("link", name="Download result letter", exact=False).count() == 1
    # her first result: the README says the history appears only once there is more than one
    assert page.locator("#history").count() == 0
    walk.follow("Ask for support", "Ask for support", exact=True)
    page.get_by_label("7. Emotionally intelligent practice supervision").check()
    page.get_by_label("What would help you?").fill("Time to shadow an experienced supervisor")
    walk.press("Continue", "Check your request for support")
    assert "Time to shadow an experienced supervisor" in walk.main()
    walk.press("Send request", "Request for support sent")
    walk.sign_out()

    walk.sign_in("supervisor", "Your supervisees")
    walk.follow("Results", "Assessment results", exact=True)
    walk.follow("Wendy Shaw", "Results for Wendy Shaw", exact=True)
    asked = page.locator("#support-requests")
    assert asked.inner_text() == "Support Wendy Shaw asked for"
    assert "Time to shadow an experienced supervisor" in walk.main()


def test_reports_dashboards_and_technical_reports(walk):
    # the LA lead's reports page, with last month's report already made by the schedule
    walk.sign_in("lead", "Social workers")
    walk.follow("Reports", "Reports", exact=True)
    assert "1 May 2026 to 31 May 2026" in walk.main()
    walk.sign_out()

    # DfE: an overview with a contents list, and each theme its own page
    walk.sign_in("dfe", "Overview")
    contents = walk.page.get_by_role("navigation", name="Contents").inner_text()
    for link, _ in DASHBOARD_THEMES:
        assert link in contents, link
    for link, heading in DASHBOARD_THEMES:
        walk.follow(link, heading, exact=True)
        assert "Figures as at" in walk.main()
    walk.go("/assessment/technical-reports/", "Technical reports")
    walk.sign_out()

    # the back office opens the Django admin
    walk.sign_in("backoffice", None)
    walk.go("/admin/", "Site administration")
