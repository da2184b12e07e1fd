"""The README's scoring and moderation journey, walked in Chromium on the seeded demo as the
assessor, the second and third assessors and the moderator, with axe-core on every page
visited (with and without JavaScript)."""

import pytest

from assessment import selectors
from assessment.models import Attempt, AttemptState, MarkingDraft

from .test_outcome_journey import fill_marks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KIRKLEES = ("Daniel Davies", "Mohammed Ahmed", "Tom Patel")
BURY = "Daniel Nowak"


def attempt_of(name: str) -> Attempt:
    return Attempt.objects.get(worker__user__full_name=name, parent__isnull=True)


def test_the_assessor_saves_a_draft_comes_back_to_it_and_submits(walk):
    page = walk.page
    # "Allocated attempts lists three Kirklees attempts to score"
    walk.sign_in("assessor", "Your allocated attempts")
    to_mark = page.locator("table").first.inner_text()
    for name in KIRKLEES:
        assert name in to_mark, name
    assert "Showing 1 to 3 of 3 allocated attempts" in walk.main()
    attempt = attempt_of("Tom Patel")
    assert attempt.worker.local_authority.name == "Kirklees"
    walk.follow("Mark Tom Patel", "Mark the simulated practice")
    area_one = attempt.areas.get(number=1)
    page.select_option(f"#id_area_{area_one.pk}_role_play_1", "3")
    page.fill(f"#id_area_{area_one.pk}_evidence", "Explained the plan to the parent clearly")
    walk.press("Save and come back later", "Mark the simulated practice")
    saved = selectors.draft_saved_words(MarkingDraft.objects.get())
    assert saved.startswith("Draft saved at ") and saved in walk.main()

    # coming back later, the draft's marks are filled in again
    walk.go("/assessment/allocated/", "Your allocated attempts")
    walk.follow("Mark Tom Patel", "Mark the simulated practice")
    assert page.input_value(f"#id_area_{area_one.pk}_role_play_1") == "3"
    evidence = page.input_value(f"#id_area_{area_one.pk}_evidence")
    assert evidence == "Explained the plan to the parent clearly"
    fill_marks(page, attempt, note="Observed across the role plays and the written task")
    walk.press("Submit marks", "Your allocated attempts")
    assert not MarkingDraft.objects.exists()
    assert Attempt.objects.get(pk=attempt.pk).state != AttemptState.SAT
    assert "Showing 1 to 3 of 3" in walk.main()  # still listed, now marked
    assert "Marks submitted 2 June 2026" in walk.row("Tom Patel")


def test_second_marker_compares_and_the_moderator_decides_only_the_disagreement(walk):
    page = walk.page
    # the second and first markers of the demo's other attempts
    walk.sign_in("assessor2", "Your allocated attempts")
    assert "Showing 1 to 6 of 6 allocated attempts" in walk.main()
    assert "Marks submitted 2 June 2026" in walk.row(BURY)
    walk.sign_out()
    walk.sign_in("assessor3", "Your allocated attempts")
    walk.follow(f"Compare the marks for {BURY}", "Marks for the simulated practice")
    assert page.locator("main strong.govuk-tag", has_text="Disagree").count() == 1
    disagreement = page.locator("tr", has=page.locator("strong", has_text="Disagree"))
    assert "Role play 1" in disagreement.inner_text() or "role play 1" in disagreement.inner_text()
    walk.sign_out()

    # "moderator@demo.naas.test has a Bury attempt waiting"
    walk.sign_in("moderator", "Your allocated attempts")
    attempt = attempt_of(BURY)
    assert attempt.worker.local_authority.name == "Bury"
    walk.follow("Moderation", "Moderation", exact=True)
    walk.follow(f"Moderate {BURY}", "Moderate the simulated practice")
    # only the mark that disagrees is decided; the agreed ones are filled in
    assert page.locator("main input[type=radio]").count() == 3
    assert page.locator("main strong.govuk-tag", has_text="Disagree").count() == 1
    page.get_by_label("The second marker's mark (1)").check()
    walk.press("Record the final marks", "Moderate the simulated practice")
    assert "Enter the reason" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Reason for the mark for role play 1 in area 3").fill(
        "The recording shows the risks were named but not weighed"
    )
    walk.press("Record the final marks", "Your allocated attempts")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.MODERATED
    area_three = attempt.areas.get(number=3)
    assert selectors.final_marks(attempt)[area_three.pk].task_marks() == [1, 2, 3, 2]
