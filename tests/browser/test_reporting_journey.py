"""Reporting in Chromium, with axe-core on every page visited: an LA lead requests a report,
watches its progress (the page's script polls and reloads it) and downloads the PDF and the
CSV; DfE staff filter the dashboard, meet an error, and download a table as CSV."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from naas.models import Role
from naas.tests.factories import TEST_PASSWORD, staff_user
from reporting import services
from reporting.models import LAReport
from reporting.tests.factories import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    data = world()
    data["lead"] = staff_user(Role.LA_LEAD, data["la_a"], full_name="Lesley Patel")
    data["dfe"] = staff_user(Role.DFE, full_name="Dee Francis")
    return data


def fill_date(page, prefix, day):
    page.fill(f"#id_{prefix}_0", str(day.day))
    page.fill(f"#id_{prefix}_1", str(day.month))
    page.fill(f"#id_{prefix}_2", str(day.year))


def test_la_lead_requests_watches_and_downloads_a_report(
    page, data, sign_in, assert_accessible, monkeypatch, tmp_path
):
    # given no worker picks the report up until the test builds it (so progress can be seen)
    monkeypatch.setattr(services, "document_queue", lambda *, document: None)

    sign_in(page, data["lead"].email, TEST_PASSWORD)
    page.get_by_role("link", name="Reports").click()
    page.wait_for_url("**/reporting/la-reports/la/*/")
    assert "Reports" in page.locator("h1").inner_text()
    assert_accessible(page)

    # a period that ends before it starts is refused
    fill_date(page, "period_start", date(2026, 6, 30))
    fill_date(page, "period_end", date(2026, 1, 1))
    page.get_by_role("button", name="Request report").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The end of the period must be the same as or after the start" in summary
    assert_accessible(page)

    # a good period: the progress page
    fill_date(page, "period_start", date(2026, 1, 1))
    fill_date(page, "period_end", date(2026, 6, 30))
    page.get_by_role("button", name="Request report").click()
    page.wait_for_url("**/reporting/la-reports/*/")
    assert "Report requested" in page.locator(".govuk-notification-banner").inner_text()
    assert "Your report is being made" in page.content()
    assert page.locator("progress").get_attribute("value") == "0"
    assert_accessible(page)

    # the report is made in the background; the page notices by itself and reloads
    report = LAReport.objects.get()
    services.la_report_build(report_id=report.pk)
    page.get_by_role("link", name="Download the report as a PDF").wait_for(timeout=20_000)
    assert "Ready" in page.locator(".govuk-summary-list").inner_text()
    assert_accessible(page)

    # both files download
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the report as a PDF").click()
    pdf_path = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf_path)
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download the figures and staff list as a CSV").click()
    csv_path = tmp_path / "report.csv"
    csv_download.value.save_as(csv_path)
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert ["Pipeline", "Met the standard (accredited)", "Workers", "2"] in rows

    # the list of reports shows it as ready
    page.get_by_role("link", name="Back to reports").click()
    assert "Ready" in page.locator("table").inner_text()
    assert_accessible(page)


def test_dfe_filters_the_dashboard_and_downloads_a_table(
    page, data, sign_in, assert_accessible, tmp_path
):
    sign_in(page, data["dfe"].email, TEST_PASSWORD)
    page.wait_for_url("**/reporting/")
    # the overview, with a contents list of the themes
    assert page.locator("h1").inner_text() == "Overview"
    assert_accessible(page)
    page.get_by_role("link", name="Pipeline").first.click()
    page.wait_for_url("**/reporting/pipeline/")

    # filter to the alpha phase: the filter is kept in the URL and in the links to other themes
    page.get_by_label("Phase", exact=True).select_option("alpha")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/reporting/pipeline/?*phase=alpha*")
    assert "Social workers" in page.locator("#table-pipeline").inner_text()
    assert "Lesley Patel" not in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Local authorities compared").first.click()
    page.wait_for_url("**/reporting/local-authorities/?*phase=alpha*")
    tables = " ".join(page.locator("table").all_inner_texts())
    assert "Ashford" in tables
    assert "Brookham" not in tables  # (the LA filter still offers it)
    assert_accessible(page)
    page.get_by_role("link", name="Pipeline").first.click()

    # a period that ends before it starts
    fill_date(page, "start", date(2026, 6, 1))
    fill_date(page, "end", date(2026, 1, 1))
    page.get_by_role("button", name="Apply filters").click()
    assert "The end of the period" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("#id_start_2").input_value() == "2026"
    assert_accessible(page)

    # fixed: the period filter applies, and the pipeline table downloads with the same filters
    fill_date(page, "start", date(2026, 1, 1))
    fill_date(page, "end", timezone.localdate())  # a period ends today at the latest
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/reporting/pipeline/?*start_2=2026*")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “pipeline” as CSV").click()
    path = tmp_path / "pipeline.csv"
    download.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert "Stage" in rows[0]
    accredited = next(row for row in rows if "Met the standard (accredited)" in row)
    assert "Alpha" in accredited  # the filters are recorded on every row
    # its count: a bare number, or withheld as a small count (2 people in the alpha phase)
    assert "fewer than 5" in accredited or any(cell.isdigit() for cell in accredited)
