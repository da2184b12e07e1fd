"""The LA report's summary page, trend by quarter and comparison with similar LAs, read back
from the PDF the build makes (rendered to PNG with pdftoppm, text by pdftotext)."""

import shutil
import subprocess
from datetime import date

import pytest

from naas.models import Role
from naas.tests.factories import staff_user
from reporting import selectors, services
from reporting.selectors.la_report_summary import quarter_label, trend_quarter_starts
from reporting.suppression import SUPPRESSED_TEXT

from .factories import world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing"),
]
START, END = date(2026, 1, 1), date(2026, 12, 31)


def report_text(tmp_path, data) -> tuple[str, int]:
    report, _ = services.la_report_request(
        local_authority=data["la_a"],
        period_start=START,
        period_end=END,
        actor=staff_user(Role.LA_LEAD, data["la_a"]),
    )
    report = services.la_report_build(report_id=report.pk)
    source = tmp_path / "report.pdf"
    source.write_bytes(report.file.read())
    subprocess.run(["pdftoppm", "-r", "40", "-png", source, tmp_path / "page"], check=True)
    full = subprocess.run(
        ["pdftotext", source, "-"], capture_output=True, text=True, check=True
    ).stdout
    # The summary is what comes before the trend (it may run onto a second page).
    summary = " ".join(full.split()).split("Trend by quarter")[0]
    return summary, len(list(tmp_path.glob("page*.png")))


def test_the_report_opens_with_a_suppressed_summary_against_england(tmp_path):
    data = world()
    summary, pages = report_text(tmp_path, data)

    assert pages >= 2
    assert "Summary" in summary
    assert "Social workers at each stage in the period" in summary
    assert "Met rate per KSS area, against England" in summary
    # Ashford's handful of workers: small counts are not printed.
    assert SUPPRESSED_TEXT in summary


def test_the_trend_and_the_comparison_follow(tmp_path):
    data = world()
    report_text(tmp_path, data)
    full = subprocess.run(
        ["pdftotext", tmp_path / "report.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(full.split())

    assert "Trend by quarter" in text
    for start in trend_quarter_starts(END):
        assert quarter_label(start) in text
    assert "Compared with similar local authorities" in text
    assert "LAs with the same Ofsted grade (Good)" in text
    assert "LAs in the same region (North West)" in text
    # Headers break between syllables at most, never mid-word without a hyphen.
    assert "Employ-" in text or "Employment" in text


def test_the_comparison_groups_are_the_las_that_share_a_grade_or_a_region(frozen_today):
    data = world()
    summary = selectors.la_report_data(data["la_a"], START, END, today=frozen_today)
    groups = {row.label: row.la_count for row in summary["comparison"]}

    assert groups == {
        "Ashford": 1,
        "LAs with the same Ofsted grade (Good)": 1,
        "LAs in the same region (North West)": 1,
        "England": 2,
    }
