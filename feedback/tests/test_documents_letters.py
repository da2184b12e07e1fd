"""The result letter, read back from its PDF (pdftotext) and rendered to PNG (pdftoppm): the
sentence that explains the overall result comes from the outcome rule, and the next steps carry
the deadlines computed by assessment.rules and the addresses to act at."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from assessment.outcome_rules import Result, RuleParameters, overall_result
from feedback import rules
from feedback.documents import letter_context, letter_render
from feedback.models import Letter
from naas.dates import govuk_date
from naas.pdf import site_url

from ..selectors import fast_track_deadline, review_deadline
from .factories import MET, NOT_MET, PARTIAL, published_result

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils missing"
)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's words (one space between them), after checking it renders to PNG pages."""
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", source, tmp_path / "page"], check=True)
    assert sorted(tmp_path.glob("page*.png")), "the PDF rendered no page"
    text = subprocess.run(
        ["pdftotext", "-layout", source, "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def page_count(tmp_path: Path) -> int:
    return len(list(tmp_path.glob("page*.png")))


def letter_for(outcome) -> Letter:
    return Letter.objects.get(outcome=outcome)


FEEDBACK = "The analysis of risk did not weigh the history of neglect."


@needs_poppler
def test_a_partially_met_letter_explains_the_result_and_gives_the_computed_deadlines(tmp_path):
    outcome, _ = published_result({5: PARTIAL}, feedback={5: FEEDBACK})
    text = pdf_text(letter_render(letter_for(outcome)), tmp_path)

    assert "Your overall result is partially met because you met 9 of the 10 areas" in text
    booking = site_url(reverse("assessment:fast_track", kwargs={"attempt_id": outcome.attempt_id}))
    review = site_url(
        reverse("assessment:review_request", kwargs={"attempt_id": outcome.attempt_id})
    )
    assert f"until {govuk_date(fast_track_deadline(outcome))}" in text
    assert f"review of this result until {govuk_date(review_deadline(outcome))}" in text
    assert booking in text
    assert review in text
    assert FEEDBACK in text


@needs_poppler
def test_a_not_met_letter_with_no_area_not_met_says_why(tmp_path):
    # 6 of 10 met, 4 partially met: short of two thirds, so not met overall, yet no area reads
    # "not met" in the table.
    outcome, _ = published_result(
        {n: PARTIAL for n in (1, 2, 3, 4)}, feedback={n: FEEDBACK for n in (1, 2, 3, 4)}
    )
    assert outcome.result == NOT_MET
    text = pdf_text(letter_render(letter_for(outcome)), tmp_path)

    assert "Your overall result is not met because you met 6 of the 10 areas" in text
    assert "a partially met area does not count as met" in text
    assert "new practice endorsement" in text
    assert f"until {govuk_date(review_deadline(outcome))}" in text
    assert "fast-track" not in text.split("What happens next")[1].split("Feedback")[0]


def test_the_sentence_is_the_rule_that_decided_the_outcome():
    outcome, _ = published_result({1: NOT_MET, 2: PARTIAL}, feedback={1: FEEDBACK, 2: FEEDBACK})
    context = letter_context(letter_for(outcome))
    areas = [row.result for row in context["areas"]]
    parameters = RuleParameters.from_json(outcome.rule_set.parameters)

    assert overall_result(areas, parameters) == outcome.result
    assert context["outcome_summary"] == rules.overall_result_sentence(areas, parameters)


def test_the_areas_needed_come_from_the_rule_itself():
    parameters = RuleParameters()
    needed = rules.areas_needed_for(Result.PARTIALLY_MET, 5, parameters)
    met_short = [Result.MET] * (needed - 1) + [Result.PARTIALLY_MET] * (5 - needed + 1)
    met_enough = [Result.MET] * needed + [Result.PARTIALLY_MET] * (5 - needed)

    assert overall_result(met_short, parameters) == Result.NOT_MET
    assert overall_result(met_enough, parameters) == Result.PARTIALLY_MET
    sentence = rules.overall_result_sentence(
        [Result.PARTIALLY_MET] * 2 + [Result.NOT_MET] * 3, parameters
    )
    assert sentence == (
        "Your overall result is not met because you met none of the 5 areas (2 were partially "
        f"met and 3 were not met), and at least {needed} must be met for a partially met result."
    )


@needs_poppler
def test_a_met_letter_flows_onto_as_few_pages_as_its_text_needs(tmp_path):
    outcome, _ = published_result()
    assert outcome.result == MET
    text = pdf_text(letter_render(letter_for(outcome)), tmp_path)

    assert "Your overall result is met because you met all 10 areas." in text
    assert site_url(reverse("feedback:my_results")) in text
    # Feedback no longer starts a page of its own: a letter with little feedback is one page
    # plus, at most, the signature's page.
    assert page_count(tmp_path) <= 2
