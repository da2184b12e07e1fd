"""What goes into the feedback app's PDFs: the result letter and the accreditation certificate.

Each `*_context` function reads what its document needs in a fixed number of queries and states
only what the rules work out (feedback.rules, assessment.rules): the overall result's reason,
the deadlines and the validity date are computed, never copied. `*_render` turns it into PDF
bytes through naas.pdf; `feedback.services` builds and saves them in the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import segno
from django.urls import reverse
from django.utils import timezone

from assessment.models import Outcome, OutcomeResult
from assessment.outcome_rules import RuleParameters
from naas.dates import govuk_date
from naas.pdf import render_pdf, site_url

from . import rules, selectors
from .models import Accreditation, Certificate, Letter

LETTER_TEMPLATE = "pdf/letter.html"
CERTIFICATE_TEMPLATE = "pdf/certificate.html"
# Medium error correction: a printed, folded certificate still scans.
QR_ERROR_LEVEL = "m"


@dataclass(frozen=True)
class NextStep:
    """One thing the reader can do, with the address to do it at (if there is one)."""

    text: str
    url: str = ""


# --- The result letter ------------------------------------------------------------------------


def _outcome_for_letter(letter: Letter) -> Outcome:
    return Outcome.objects.select_related(
        "rule_set",
        "attempt",
        "attempt__worker",
        "attempt__worker__user",
        "attempt__worker__local_authority",
    ).get(pk=letter.outcome_id)


def result_sentence(outcome: Outcome, area_results: list[str]) -> str:
    """Why the overall result is what it is, from the rule set that decided it."""
    return rules.overall_result_sentence(
        area_results, RuleParameters.from_json(outcome.rule_set.parameters)
    )


def next_steps(outcome: Outcome) -> list[NextStep]:
    """What the reader can do now, each deadline from assessment.rules (via the selectors that
    the results page and the services use too)."""
    fast_track = selectors.fast_track_deadline(outcome)
    review = selectors.review_deadline(outcome)
    attempt_id = outcome.attempt_id
    steps = []
    if outcome.result == OutcomeResult.MET:
        steps.append(
            NextStep(
                "Your accreditation certificate is ready to download from your results page.",
                site_url(reverse("feedback:my_results")),
            )
        )
    elif fast_track:
        steps.append(
            NextStep(
                "You can retake only the areas not met, without a new endorsement, "
                f"until {govuk_date(fast_track)}.",
                site_url(reverse("assessment:fast_track", kwargs={"attempt_id": attempt_id})),
            )
        )
    else:
        steps.append(
            NextStep("To be assessed again you need a new practice endorsement from your employer.")
        )
    if outcome.result != OutcomeResult.MET:
        steps.append(
            NextStep("Talk to your supervisor about the support your employer will give you.")
        )
    if review:
        steps.append(
            NextStep(
                f"You can ask for a review of this result until {govuk_date(review)}.",
                site_url(reverse("assessment:review_request", kwargs={"attempt_id": attempt_id})),
            )
        )
    return steps


def letter_context(letter: Letter, *, today: date | None = None) -> dict:
    outcome = _outcome_for_letter(letter)
    worker = outcome.attempt.worker
    rows = selectors.area_rows(outcome)
    return {
        "worker_name": worker.user.full_name,
        "registration_number": worker.registration_number,
        "local_authority": worker.local_authority.name,
        "reference": outcome.reference,
        "version": outcome.version,
        "is_retake": outcome.attempt.parent_id is not None,
        "letter_date": today or timezone.localdate(outcome.published_at or timezone.now()),
        "level": outcome.attempt.get_level_display(),
        "outcome": outcome.get_result_display(),
        "outcome_summary": result_sentence(outcome, [row.result for row in rows]),
        "areas": rows,
        "areas_with_feedback": [row for row in rows if row.feedback or row.development_suggestions],
        "next_steps": next_steps(outcome),
    }


def letter_title(context: dict) -> str:
    return f"Accreditation assessment result {context['reference']}"


def letter_render(letter: Letter) -> bytes:
    context = letter_context(letter)
    return render_pdf(template_name=LETTER_TEMPLATE, context=context, title=letter_title(context))


# --- The certificate --------------------------------------------------------------------------


def check_url() -> str:
    """The public page where anyone can check an accreditation, as an absolute address."""
    return site_url(reverse("feedback:check_accreditation"))


def check_qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR_LEVEL)


def certificate_context(certificate: Certificate) -> dict:
    accreditation = Accreditation.objects.select_related("worker", "worker__user").get(
        pk=certificate.accreditation_id
    )
    url = check_url()
    qr = check_qr_code(url)
    return {
        "worker_name": accreditation.worker.user.full_name,
        "registration_number": accreditation.worker.registration_number,
        "level": accreditation.get_level_display(),
        "accredited_on": accreditation.accredited_on,
        "valid_until": rules.accreditation_valid_until(accreditation.accredited_on),
        "reference": accreditation.reference,
        "check_url": url,
        "qr_code": qr,
        # A vector image: sharp at any print size, and nothing for WeasyPrint to fetch.
        "qr_data_uri": qr.svg_data_uri(scale=4, border=0, dark="#0b0c0c"),
    }


def certificate_render(certificate: Certificate) -> bytes:
    context = certificate_context(certificate)
    return render_pdf(
        template_name=CERTIFICATE_TEMPLATE,
        context=context,
        title=f"Accreditation certificate {context['reference']}",
    )
