"""The accreditation certificate, read back from its PDF: the worker, level, dates, reference and
the public check address, with a QR code of that same address; and the check page enforces the
"valid until" the certificate prints."""

import pytest
from django.urls import reverse

from feedback import rules, selectors
from feedback.documents import certificate_context, certificate_render, check_qr_code
from feedback.models import Certificate
from naas.dates import govuk_date
from naas.pdf import site_url

from .factories import published_result
from .test_documents_letters import needs_poppler, page_count, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    outcome, _ = published_result()
    return Certificate.objects.select_related("accreditation__worker__user").get(
        accreditation__outcome=outcome
    )


@needs_poppler
def test_the_certificate_shows_who_what_when_and_where_to_check(certificate, tmp_path):
    accreditation = certificate.accreditation
    text = pdf_text(certificate_render(certificate), tmp_path)

    assert page_count(tmp_path) == 1
    assert accreditation.worker.user.full_name in text
    assert accreditation.get_level_display() in text
    assert f"Date accredited {govuk_date(accreditation.accredited_on)}" in text
    valid_until = rules.accreditation_valid_until(accreditation.accredited_on)
    assert f"Valid until {govuk_date(valid_until)}" in text
    assert accreditation.reference in text
    assert accreditation.worker.registration_number in text
    assert site_url(reverse("feedback:check_accreditation")) in text


def test_the_qr_code_encodes_the_check_address(certificate):
    context = certificate_context(certificate)
    expected = site_url(reverse("feedback:check_accreditation"))

    assert context["check_url"] == expected
    # No decoder here: the same payload through segno gives the same symbol, module for module.
    assert context["qr_code"].matrix == check_qr_code(expected).matrix
    assert context["qr_data_uri"].startswith("data:image/svg+xml")


def test_the_check_page_enforces_the_valid_until_the_certificate_prints(certificate):
    accreditation = certificate.accreditation
    valid_until = rules.accreditation_valid_until(accreditation.accredited_on)
    ask = {
        "registration_number": accreditation.worker.registration_number,
        "reference": accreditation.reference,
    }
    assert selectors.accreditation_is_valid(**ask, on=valid_until)
    assert not selectors.accreditation_is_valid(
        **ask, on=valid_until + (valid_until - valid_until.replace(day=valid_until.day)) + _day()
    )


def _day():
    from datetime import timedelta

    return timedelta(days=1)
