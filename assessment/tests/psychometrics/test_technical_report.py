"""The technical report: one PDF per sitting window, built in the background, with its page.

The figures are a small fixed set made by the real pure statistics on simulated data, so the
PDF's layout, suppression and pseudonymous assessor codes are tested apart from the reads."""

import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment import services, tasks
from assessment.models import TechnicalReport
from assessment.selectors.psychometric_figures import (
    AreaAgreementFigure,
    AssessorFigure,
    DifFigure,
    FairnessFigure,
    FormFigure,
    ItemFigure,
    TechnicalReportFigures,
)
from assessment.services import technical_report as report_service
from assessment.services.common import AssessmentError
from assessment.tests.factories import published_outcome
from naas.models import DocumentState, Role
from naas.tests.factories import SocialWorkerFactory, staff_user

ASSESSOR_LABEL = "assessor-jane-doe"
HEADINGS = (
    "Summary",
    "Test statistics",
    "Item statistics",
    "Differential item functioning",
    "Assessor agreement",
    "Assessor stringency",
    "Fairness",
    "Method notes",
)


FACILITIES = (0.95, 0.81, 0.64, 0.52, 0.47, 0.33, 0.18, 0.72)
ASSESSOR_ID = 4242


def _item(index: int, facility: float) -> ItemFigure:
    grouping_dif = [
        DifFigure("sex", "female", "male", "ok", "", 160, 140, delta=-1.72, category="C"),
        DifFigure("age_band", "35_44", "under_25", "too_few", "too few", 150, 20),
    ]
    return ItemFigure(
        code=f"Q{index + 1:02d}",
        area_number=1 + index % 4,
        position=index + 1,
        facility=facility,
        mean=facility,
        item_rest_r=0.31,
        item_rest_r_reason="",
        discrimination=0.27,
        flags=["too_easy"] if facility > 0.9 else (["too_hard"] if facility < 0.2 else []),
        options=[],
        dif=grouping_dif,
    )


def fixed_figures(window_start, window_end) -> TechnicalReportFigures:
    """A small fixed set of figures, in the shape selectors.psychometric_figures returns."""
    form = FormFigure(
        "TF-FIXED",
        "ok",
        "",
        n=300,
        n_items=len(FACILITIES),
        max_total=8,
        mean=4.62,
        sd=1.87,
        reliability_method="KR-20",
        reliability=0.71,
        sem=1.01,
        items=[_item(i, f) for i, f in enumerate(FACILITIES)],
    )
    group_a = {
        "group": "Group A",
        "suppressed": False,
        "n": 60,
        "count": 30,
        "rate": 0.5,
        "ci_low": 0.377,
        "ci_high": 0.623,
        "impact_ratio": 1.0,
        "adverse_impact": False,
    }
    group_b = {"group": "Group B", "suppressed": True}
    return TechnicalReportFigures(
        window_start=window_start,
        window_end=window_end,
        forms=[form],
        agreement=[
            AreaAgreementFigure("1", "", 1, "ok", "", 120, 0.78, 0.76, 0.61, 0.97),
            AreaAgreementFigure("2", "", 2, "too_few", "too few pairs", 3, None, None, None, None),
        ],
        stringency=[
            AssessorFigure(ASSESSOR_ID, ASSESSOR_LABEL, "ok", "", 40, 0.41, 0.29, 0.53, "lenient"),
        ],
        fairness=[FairnessFigure("ethnicity_group", "ok", "", [group_a, group_b])],
    )


@pytest.fixture
def figures(monkeypatch):
    def made(report):
        return fixed_figures(report.window_start, report.window_end)

    monkeypatch.setattr(report_service, "_figures", made)
    return made


@pytest.fixture
def dfe(db):
    return staff_user(Role.DFE)


@pytest.fixture
def window(frozen_today):
    return frozen_today - timedelta(days=60), frozen_today - timedelta(days=1)


def request_report(actor, window):
    start, end = window
    return services.technical_report_request(window_start=start, window_end=end, actor=actor)


def pdf_text(path, *, layout=False) -> str:
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def built(admin_user, window, figures, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, created = request_report(admin_user, window)
    assert created
    report.refresh_from_db()
    return report


# --- The PDF ---------------------------------------------------------------------------------


def test_a_request_builds_the_pdf_with_every_section(built, tmp_path):
    assert built.state == DocumentState.READY
    assert built.progress == 100
    content = built.file.read()
    assert content.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = pdf_text(path)
    for heading in HEADINGS:
        assert heading in text
    assert "TF-FIXED" in text
    assert "4.62" in text and "0.71" in text  # the form's mean and reliability
    assert "0.95" in text  # the first item's facility
    assert "KR-20" in text
    assert "Too few to test" in text  # the DIF grouping with 20 in its focal group
    assert "0.78" in text  # area 1's weighted kappa


def test_page_one_renders_as_an_image(built, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(built.file.read())
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    (image,) = tmp_path.glob("page*.png")
    data = image.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000


def test_small_groups_are_suppressed_in_the_pdf(built, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(built.file.read())
    lines = pdf_text(path, layout=True).splitlines()
    (group_b,) = [line for line in lines if "Group B" in line]
    assert group_b.count("[c]") == 5
    assert not any(character.isdigit() for character in group_b)
    (group_a,) = [line for line in lines if "Group A" in line]
    assert "60" in group_a and "50%" in group_a


def test_assessors_appear_only_by_pseudonymous_code(built, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(built.file.read())
    text = pdf_text(path)
    assert ASSESSOR_LABEL not in text
    assert report_service.assessor_code(ASSESSOR_ID) in text


def test_the_chart_has_an_accessible_title_and_description(window):
    context = report_service.report_context(
        fixed_figures(*window), window_start=window[0], window_end=window[1], generated_on=window[1]
    )
    chart = context["forms"][0]["chart"]
    assert chart["title"] == "Facility of each item on form TF-FIXED"
    assert "8 items" in chart["desc"]
    assert len(chart["bars"]) == 8
    assert all(0 <= bar.width <= report_service.CHART_PLOT_WIDTH for bar in chart["bars"])


# --- Requests, duplicates, failures -----------------------------------------------------------


def test_asking_again_while_one_is_being_made_gives_the_same_one(admin_user, dfe, window):
    first, created = request_report(admin_user, window)
    again, created_again = request_report(dfe, window)
    assert created and not created_again
    assert again.pk == first.pk
    assert TechnicalReport.objects.count() == 1


def test_the_database_refuses_two_unfinished_reports_for_one_window(admin_user, window):
    request_report(admin_user, window)
    with pytest.raises(IntegrityError), transaction.atomic():
        TechnicalReport.objects.create(window_start=window[0], window_end=window[1])


def test_a_new_report_is_made_once_the_last_one_is_ready(built, admin_user, window):
    second, created = request_report(admin_user, window)
    assert created and second.pk != built.pk


def test_a_window_that_ends_before_it_starts_is_refused(admin_user, window):
    with pytest.raises(AssessmentError, match="end of the sitting window"):
        request_report(admin_user, (window[1], window[0]))
    assert not TechnicalReport.objects.exists()


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.SUPERVISOR, Role.LA_LEAD])
def test_only_administrators_and_dfe_may_ask(db, role, window):
    with pytest.raises(PermissionDenied):
        request_report(staff_user(role), window)
    assert not TechnicalReport.objects.exists()


def test_a_failing_build_is_marked_failed_and_can_be_retried(
    admin_user, window, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(report):
        raise RuntimeError("figures could not be read")

    monkeypatch.setattr(report_service, "_figures", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = request_report(admin_user, window)
    report.refresh_from_db()
    assert report.state == DocumentState.FAILED
    assert "figures could not be read" in report.last_error
    # the problem is fixed, and the administrator asks again
    monkeypatch.setattr(report_service, "_figures", lambda r: fixed_figures(*window))
    with django_capture_on_commit_callbacks(execute=True):
        retry = services.technical_report_retry(report=report, actor=admin_user)
    assert retry.queued and retry.document.pk == report.pk
    report.refresh_from_db()
    assert report.state == DocumentState.READY
    assert report.attempts == 2


def test_the_task_builds_from_an_id(admin_user, window, figures):
    report, _ = request_report(admin_user, window)
    tasks.build_technical_report(report.pk)
    report.refresh_from_db()
    assert report.state == DocumentState.READY


# --- The pages --------------------------------------------------------------------------------


def list_url():
    return reverse("assessment:technical_reports")


def post_window(client, start, end):
    data = {}
    for name, day in (("window_start", start), ("window_end", end)):
        data.update({f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year})
    return client.post(list_url(), data)


@pytest.fixture(params=["administrator", "dfe"])
def allowed_user(request, admin_user, dfe):
    return admin_user if request.param == "administrator" else dfe


def test_allowed_users_request_a_report_and_follow_its_progress(client, allowed_user, window):
    client.force_login(allowed_user)
    assert client.get(list_url()).status_code == 200
    response = post_window(client, *window)
    report = TechnicalReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assessment:technical_report", args=[report.pk])
    page = client.get(response.url).content.decode()
    assert "window.location.reload()" in page and "Check progress now" in page
    assert 'http-equiv="refresh"' not in page  # never without the reader's say (WCAG 2.2.1)
    assert "being made" in page


def test_a_ready_report_can_be_downloaded_and_stops_refreshing(client, dfe, built):
    client.force_login(dfe)
    page = client.get(reverse("assessment:technical_report", args=[built.pk])).content.decode()
    assert "window.location.reload()" not in page
    response = client.get(reverse("assessment:technical_report_download", args=[built.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_failed_report_offers_a_retry_on_its_page(
    client, admin_user, window, figures, django_capture_on_commit_callbacks
):
    report, _ = request_report(admin_user, window)
    TechnicalReport.objects.filter(pk=report.pk).update(state=DocumentState.FAILED)
    client.force_login(admin_user)
    page = client.get(reverse("assessment:technical_report", args=[report.pk])).content.decode()
    assert "could not be made" in page and "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment:technical_report_retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == DocumentState.READY  # eager Celery built it on commit


def test_a_window_ending_before_it_starts_shows_an_error_and_makes_nothing(
    client, admin_user, window
):
    client.force_login(admin_user)
    response = post_window(client, window[1], window[0])
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The end of the sitting window must be the same as or after the start" in html
    assert not TechnicalReport.objects.exists()


def test_a_download_before_the_report_is_ready_is_not_found(client, admin_user, window):
    report, _ = request_report(admin_user, window)
    client.force_login(admin_user)
    response = client.get(reverse("assessment:technical_report_download", args=[report.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["worker", "supervisor", "assessor", "la_lead"])
def test_everyone_else_is_refused_every_page(client, who, admin_user, window):
    report, _ = request_report(admin_user, window)
    user = SocialWorkerFactory().user if who == "worker" else staff_user(who)
    client.force_login(user)
    urls = [
        list_url(),
        reverse("assessment:technical_report", args=[report.pk]),
        reverse("assessment:technical_report_download", args=[report.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("assessment:technical_report_retry", args=[report.pk])).status_code
        == 403
    )
    assert post_window(client, *window).status_code == 403
    assert TechnicalReport.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, admin_user, window):
    report, _ = request_report(admin_user, window)
    for url in (list_url(), reverse("assessment:technical_report", args=[report.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response.url


def test_an_unknown_report_is_not_found(client, dfe):
    client.force_login(dfe)
    assert client.get(reverse("assessment:technical_report", args=[999999])).status_code == 404


def _make_reports(count, start):
    for offset in range(count):
        TechnicalReport.objects.create(
            window_start=start - timedelta(days=offset + 1), window_end=start
        )


def test_the_list_page_query_count_does_not_grow(
    client, admin_user, frozen_today, django_assert_max_num_queries
):
    client.force_login(admin_user)
    _make_reports(2, frozen_today)
    client.get(list_url())  # warm up the session and the roles
    with django_assert_max_num_queries(8) as small:
        assert client.get(list_url()).status_code == 200
    _make_reports(10, frozen_today - timedelta(days=30))
    with django_assert_max_num_queries(8) as large:
        assert client.get(list_url()).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_report_page_query_count_does_not_grow(
    client, dfe, frozen_today, django_assert_max_num_queries
):
    client.force_login(dfe)
    _make_reports(1, frozen_today)
    first = TechnicalReport.objects.get()
    url = reverse("assessment:technical_report", args=[first.pk])
    client.get(url)
    with django_assert_max_num_queries(6) as small:
        assert client.get(url).status_code == 200
    _make_reports(10, frozen_today - timedelta(days=30))
    with django_assert_max_num_queries(6) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_real_figures_build_a_report_from_the_windows_results(
    admin_user, frozen_today, django_capture_on_commit_callbacks, tmp_path
):
    # given one candidate who sat and had an outcome published (too few for any statistic)
    outcome = published_outcome(admin=admin_user)
    day = outcome.attempt.sitting.date
    # when the report for the window holding the sitting is built from the real reads
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = services.technical_report_request(
            window_start=day, window_end=max(day, frozen_today), actor=admin_user
        )
    report.refresh_from_db()
    assert report.state == DocumentState.READY, report.last_error
    path = tmp_path / "report.pdf"
    path.write_bytes(report.file.read())
    text = pdf_text(path)
    for heading in HEADINGS:
        assert heading in text
