import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import AreaFeedback
from naas.dates import add_months, govuk_month
from naas.models import DocumentState, Role
from naas.tests.date_cases import period
from naas.tests.factories import LocalAuthorityFactory, staff_user
from reporting import services, summaries
from reporting.models import LAReport
from reporting.suppression import SUPPRESSED_TEXT
from tests import worlds

from .factories import MET, NOT_MET, assessed, endorse, worker, world

pytestmark = pytest.mark.django_db

# The superuser's answers are checked once for every page, by tests/test_access_matrix_*.
ROLES = [role for role in worlds.ROLES if role != "superuser"]


@pytest.fixture
def data():
    data = world()
    data["lead"] = staff_user(Role.LA_LEAD, data["la_a"], full_name="Lee Lead")
    data["other_lead"] = staff_user(Role.LA_LEAD, data["la_b"])
    data["dfe"] = staff_user(Role.DFE)
    # A ready report, its files stored without rendering (tests that need a real build make one).
    report = LAReport.objects.create(
        local_authority=data["la_a"],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        requested_by=data["lead"],
        state=DocumentState.READY,
        progress=100,
    )
    report.file.save("test.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    report.csv_file.save("test.csv", ContentFile(b"Section,Item\r\n"), save=False)
    report.save()
    data["report"] = report
    data["other_report"] = LAReport.objects.create(
        local_authority=data["la_b"], period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    return data


def user_for(role, data):
    if role == "anonymous":
        return None
    if role == "social_worker":
        return data["workers"][0].user
    if role == "la_lead":
        return data["lead"]
    if role == "dfe":
        return data["dfe"]
    scoped = {"supervisor": data["la_a"]}.get(role)
    return staff_user(role, scoped)


def urls(data):
    report, other = data["report"].pk, data["other_report"].pk
    return {
        "dashboard": reverse("reporting:dashboard"),
        "dashboard_csv": reverse("reporting:dashboard_csv", args=["pipeline"]),
        "la_reports_start": reverse("reporting:la_reports_start"),
        "la_reports": reverse("reporting:la_reports", args=[data["la_a"].pk]),
        "other_la_reports": reverse("reporting:la_reports", args=[data["la_b"].pk]),
        "la_report": reverse("reporting:la_report", args=[report]),
        "la_report_status": reverse("reporting:la_report_status", args=[report]),
        "la_report_pdf": reverse("reporting:la_report_pdf", args=[report]),
        "la_report_csv": reverse("reporting:la_report_csv", args=[report]),
        "other_la_report": reverse("reporting:la_report", args=[other]),
        "other_la_report_pdf": reverse("reporting:la_report_pdf", args=[other]),
    }


# url key -> answer per role; anything not listed answers 403
EXPECTED = {
    "dashboard": {"anonymous": 302, "dfe": 200},
    "dashboard_csv": {"anonymous": 302, "dfe": 200},
    "la_reports_start": {"anonymous": 302, "la_lead": 302},
    "la_reports": {"anonymous": 302, "la_lead": 200},
    "other_la_reports": {"anonymous": 302},
    "la_report": {"anonymous": 302, "la_lead": 200},
    "la_report_status": {"anonymous": 302, "la_lead": 200},
    "la_report_pdf": {"anonymous": 302, "la_lead": 200},
    "la_report_csv": {"anonymous": 302, "la_lead": 200},
    # another LA's report: as if it did not exist
    "other_la_report": {"anonymous": 302, "la_lead": 404},
    "other_la_report_pdf": {"anonymous": 302, "la_lead": 404},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_key", list(EXPECTED))
def test_access_by_role(client, data, role, url_key):
    # given a user in the role
    user = user_for(role, data)
    if user is not None:
        client.force_login(user)
    # when they open the page
    response = client.get(urls(data)[url_key])
    # then they get the answer the matrix says
    assert response.status_code == EXPECTED[url_key].get(role, 403)
    if response.status_code == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "la_lead")])
def test_only_the_la_lead_may_request_or_retry(client, data, role):
    client.force_login(user_for(role, data))
    url = reverse("reporting:la_reports", args=[data["la_a"].pk])
    assert client.post(url, period(date(2026, 1, 1), date(2026, 1, 31))).status_code == 403
    retry = reverse("reporting:la_report_retry", args=[data["report"].pk])
    assert client.post(retry).status_code == 403


def test_a_lead_cannot_request_another_las_report(client, data):
    client.force_login(data["lead"])
    url = reverse("reporting:la_reports", args=[data["la_b"].pk])
    response = client.post(url, period(date(2026, 1, 1), date(2026, 1, 31)))
    assert response.status_code == 403
    assert not LAReport.objects.filter(local_authority=data["la_b"], requested_by=data["lead"])


# --- LA lead pages --------------------------------------------------------------------------


def test_requesting_a_report_goes_to_its_progress_page(
    client, data, django_capture_on_commit_callbacks
):
    client.force_login(data["lead"])
    url = reverse("reporting:la_reports", args=[data["la_a"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, period(date(2026, 2, 1), date(2026, 2, 28)))
    response = client.get(response["Location"])
    response.redirect_chain = [(response.request["PATH_INFO"], 200)]
    report = LAReport.objects.get(period_start=date(2026, 2, 1))
    assert response.redirect_chain[-1][0] == reverse("reporting:la_report", args=[report.pk])
    # eager Celery has made it already
    assert b"Download the report as a PDF" in response.content
    # how it was asked for, as written (the LA stays in capitals)
    assert b"(Requested by the LA)" in response.content


def test_a_period_ending_before_it_starts_is_refused(client, data):
    client.force_login(data["lead"])
    url = reverse("reporting:la_reports", args=[data["la_a"].pk])
    before = LAReport.objects.count()
    response = client.post(url, period(date(2026, 3, 1), date(2026, 2, 1)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The end of the period must be the same as or after the start" in html
    assert 'value="2026"' in html  # what was typed is kept
    assert LAReport.objects.count() == before


@pytest.mark.parametrize(
    "post, message",
    [
        ({}, "Enter the start of the period"),
        ({"period_start_0": "31", "period_start_1": "2", "period_start_2": "2026"}, "real date"),
        ({"period_start_0": "x", "period_start_1": "2", "period_start_2": "2026"}, "real date"),
    ],
)
def test_bad_dates_show_an_error_not_a_500(client, data, post, message):
    client.force_login(data["lead"])
    url = reverse("reporting:la_reports", args=[data["la_a"].pk])
    response = client.post(url, post)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_asking_twice_while_it_is_being_made_shows_the_running_one(client, data, settings):
    # given a report waiting for a worker (no eager Celery: the broker is not reached)
    pending = LAReport.objects.create(
        local_authority=data["la_a"], period_start=date(2026, 4, 1), period_end=date(2026, 4, 30)
    )
    client.force_login(data["lead"])
    url = reverse("reporting:la_reports", args=[data["la_a"].pk])
    # when the lead asks for the same period
    response = client.post(url, period(date(2026, 4, 1), date(2026, 4, 30)), follow=True)
    # then they see the one already being made
    assert response.redirect_chain[-1][0] == reverse("reporting:la_report", args=[pending.pk])
    assert b"already being made" in response.content
    assert LAReport.objects.filter(period_start=date(2026, 4, 1)).count() == 1


def test_progress_page_shows_progress_and_a_check_again_link_while_unfinished(client, data):
    pending = LAReport.objects.create(
        local_authority=data["la_a"],
        period_start=date(2026, 5, 1),
        period_end=date(2026, 5, 31),
        state=DocumentState.RUNNING,
        progress=40,
    )
    client.force_login(data["lead"])
    html = client.get(reverse("reporting:la_report", args=[pending.pk])).content.decode()
    assert 'http-equiv="refresh"' not in html  # no refresh without the reader's say (WCAG 2.2.1)
    assert "Check progress now" in html
    assert 'value="40"' in html
    assert "js/report-progress.js" in html
    status = client.get(reverse("reporting:la_report_status", args=[pending.pk])).json()
    assert status == {"state": "running", "progress": 40}


def test_ready_report_downloads(client, data):
    client.force_login(data["lead"])
    report, _ = services.la_report_request(
        local_authority=data["la_a"],
        period_start=date(2026, 7, 1),
        period_end=date(2026, 9, 30),
        actor=data["lead"],
    )
    services.la_report_build(report_id=report.pk)
    page = client.get(reverse("reporting:la_report", args=[report.pk])).content.decode()
    assert "http-equiv" not in page
    pdf = client.get(reverse("reporting:la_report_pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    csv_response = client.get(reverse("reporting:la_report_csv", args=[report.pk]))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "Alice Ashby" in b"".join(csv_response.streaming_content).decode("utf-8-sig")


def test_an_unfinished_report_has_nothing_to_download(client, data):
    pending = LAReport.objects.create(
        local_authority=data["la_a"], period_start=date(2026, 5, 1), period_end=date(2026, 5, 31)
    )
    client.force_login(data["lead"])
    assert client.get(reverse("reporting:la_report_pdf", args=[pending.pk])).status_code == 404


def test_a_failed_report_shows_the_reason_and_can_be_retried(
    client, data, django_capture_on_commit_callbacks
):
    failed = LAReport.objects.create(
        local_authority=data["la_a"],
        period_start=date(2026, 5, 1),
        period_end=date(2026, 5, 31),
        state=DocumentState.FAILED,
        attempts=5,
        last_error="OSError: disk full",
    )
    client.force_login(data["lead"])
    page = client.get(reverse("reporting:la_report", args=[failed.pk])).content.decode()
    assert "OSError: disk full" in page
    assert "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:la_report_retry", args=[failed.pk]))
    response = client.get(response["Location"])
    failed.refresh_from_db()
    assert failed.state == DocumentState.READY  # eager Celery made it straight away
    assert b"Report requested again" in response.content


# --- DfE dashboard ---------------------------------------------------------------------------


def test_dashboard_shows_the_figures(client, data, frozen_today):
    client.force_login(data["dfe"])
    html = client.get(reverse("reporting:dashboard")).content.decode()
    assert "Accreditation dashboard" in html
    assert "Figures as at" in html
    # two accredited in all: a grant divided by them would tell how few they are
    assert "withheld" in html
    html = client.get(reverse("reporting:dashboard_local_authorities")).content.decode()
    assert "Ashford" in html and "Brookham" in html
    html = client.get(reverse("reporting:dashboard_funding")).content.decode()
    # The alpha phase's projection: 2 of its target of 10 accredited, both in the last 12
    # months, so the other 8 take 8 / (2 / 12) = 48 months from today at that rate.
    assert govuk_month(add_months(frozen_today, 48)) in html


def test_dashboard_never_shows_names_or_feedback(client, data):
    # given feedback written for a worker
    first_attempt = data["workers"][0].attempts.get()
    AreaFeedback.objects.create(
        attempt=first_attempt,
        area=first_attempt.framework.areas.get(number=1),
        feedback="SECRET-FEEDBACK-TEXT",
        written_by=staff_user(Role.ASSESSOR),
    )
    client.force_login(data["dfe"])
    pages = [
        client.get(reverse(name)).content.decode()
        for name in ("reporting:dashboard", "reporting:dashboard_local_authorities")
    ]
    for key in ("pipeline", "local_authorities", "ethnicity_group", "kss_areas"):
        pages.append(client.get(reverse("reporting:dashboard_csv", args=[key])).content.decode())
    for page in pages:
        assert "SECRET-FEEDBACK-TEXT" not in page
        for person in data["workers"]:
            assert person.user.full_name not in page
            assert person.registration_number not in page


def test_small_numbers_are_suppressed_on_the_page_and_in_the_csv(client, data):
    client.force_login(data["dfe"])
    html = client.get(reverse("reporting:dashboard_equality")).content.decode()
    assert SUPPRESSED_TEXT in html
    content = client.get(reverse("reporting:dashboard_csv", args=["employment_type"]))
    rows = list(csv.reader(io.StringIO(content.content.decode("utf-8-sig"))))
    filters = ["Phase", "Local authority", "Region", "Level", "From", "To", "Figures as at"]
    assert rows[0] == [
        *filters,
        *["Employment type", "Met", "Partially met", "Not met", "Total", "Met rate (%)"],
    ]
    # 2 permanent met, 1 not met; 1 agency partially met: every count under 5
    assert rows[1][8:12] == [SUPPRESSED_TEXT, "0", SUPPRESSED_TEXT, SUPPRESSED_TEXT]
    assert rows[2][8:12] == ["0", SUPPRESSED_TEXT, "0", SUPPRESSED_TEXT]


@pytest.mark.parametrize(
    "query, message",
    [
        ("phase=omega", "Choose a phase from the list"),
        ("local_authority=999999", "Choose a local authority from the list"),
        ("local_authority=abc", "Choose a local authority from the list"),
        ("region=atlantis", "Choose a region from the list"),
        ("level=wizard", "Choose a level from the list"),
        (
            "start_0=1&start_1=6&start_2=2026&end_0=1&end_1=5&end_2=2026",
            "The end of the period must be the same as or after the start",
        ),
        ("start_0=1&start_1=&start_2=2026", "The start of the period must include a month"),
        ("start_0=31&start_1=2&start_2=2026", "must be a real date"),
    ],
)
def test_bad_filters_give_an_error_summary_and_400(client, data, query, message):
    client.force_login(data["dfe"])
    response = client.get(f"{reverse('reporting:dashboard')}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    csv_response = client.get(f"{reverse('reporting:dashboard_csv', args=['pipeline'])}?{query}")
    assert csv_response.status_code == 400


def test_filters_apply_to_the_csv(client, data):
    client.force_login(data["dfe"])
    url = reverse("reporting:dashboard_csv", args=["local_authorities"])
    content = client.get(f"{url}?region=london").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [row[2] for row in rows[1:]] == ["London"]  # the filter, recorded on every row
    assert [row[7] for row in rows[1:]] == ["Brookham"]
    assert rows[1][8:10] == ["Beta", "Inadequate"]


@pytest.mark.parametrize(
    "key",
    [
        "pipeline",
        "outcomes",
        "outcomes_over_time",
        "kss_areas",
        "local_authorities",
        "endorsement_agreement",
        "phases",
        "employment_type",
        "age_band",
        "ethnicity_group",
        "sex",
        "disability",
    ],
)
def test_every_table_downloads(client, data, key):
    client.force_login(data["dfe"])
    response = client.get(reverse("reporting:dashboard_csv", args=[key]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith("\ufeff".encode())


@pytest.mark.parametrize(
    "query, message",
    [
        ("phase=alpha&local_authority={la_b}", "Brookham is not in the Alpha phase"),
        ("region=london&local_authority={la_a}", "Ashford is not in London"),
    ],
)
def test_conflicting_filters_are_explained_not_shown_as_zeros(client, data, query, message):
    client.force_login(data["dfe"])
    query = query.format(la_a=data["la_a"].pk, la_b=data["la_b"].pk)
    response = client.get(f"{reverse('reporting:dashboard_pipeline')}?{query}")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert message in response.content.decode()


def test_the_filters_are_kept_across_the_pages(client, data):
    client.force_login(data["dfe"])
    html = client.get(f"{reverse('reporting:dashboard')}?region=london").content.decode()
    assert f'href="{reverse("reporting:dashboard_areas")}?region=london"' in html


def test_a_met_rate_shows_its_count_and_denominator_or_is_withheld(client, data):
    client.force_login(data["dfe"])
    html = client.get(reverse("reporting:dashboard_areas")).content.decode()
    # every area here was assessed for fewer than 5 people: no 100% or 0% bar for one person
    assert "100%" not in html and ">0%" not in html
    assert "withheld" in html


def test_an_unknown_table_is_404(client, data):
    client.force_login(data["dfe"])
    assert client.get(reverse("reporting:dashboard_csv", args=["nope"])).status_code == 404


def _more_data(n: int):
    """Another LA with n workers, each endorsed, assessed and given an outcome (met, or not
    met with areas 1-4 not met)."""
    la = LocalAuthorityFactory()
    for index in range(n):
        person = worker(la)
        assessed(
            endorse(person, date(2026, 1, 5)),
            booked_on=date(2026, 1, 6),
            sat_on=date(2026, 2, 1),
            published_on=date(2026, 2, 20 + index % 5),
            results={} if index % 2 else dict.fromkeys((1, 2, 3, 4), NOT_MET),
            overall=MET if index % 2 else NOT_MET,
        )


@pytest.mark.parametrize(
    "page",
    [
        "dashboard",
        "dashboard_pipeline",
        "dashboard_outcomes",
        "dashboard_areas",
        "dashboard_local_authorities",
        "dashboard_equality",
        "dashboard_funding",
    ],
)
@pytest.mark.parametrize(
    "query",
    ["", "phase=alpha", "region=london&level=practitioner&start_0=1&start_1=1&start_2=2026"],
)
def test_dashboard_query_count_does_not_grow_with_the_data(client, data, query, page):
    client.force_login(data["dfe"])
    url = f"{reverse('reporting:' + page)}?{query}"
    client.get(url)  # warm up the session and the user's roles

    def count():
        cache.clear()  # the page as drawn, not its body cached for these figures
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    _more_data(12)
    summaries.figures_refresh()  # as the on-commit task does after those changes
    assert count() == small


def test_la_report_build_query_count_does_not_grow_with_the_data(data):
    def count():
        report = LAReport.objects.create(
            local_authority=data["la_a"],
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, LAReport.objects.count() + 1),
        )
        with CaptureQueriesContext(connection) as queries:
            services.la_report_build(report_id=report.pk)
        return len(queries)

    small = count()
    for _ in range(8):
        person = worker(data["la_a"])
        assessed(
            endorse(person, date(2026, 1, 5)),
            booked_on=date(2026, 1, 6),
            sat_on=date(2026, 2, 1),
            published_on=date(2026, 3, 1),
            overall=MET,
        )
    assert count() == small
