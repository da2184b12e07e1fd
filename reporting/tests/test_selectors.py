"""Every dashboard figure, checked against the hand-built dataset in factories.world()."""

from datetime import date

import pytest

from assessment.models import OutcomeResult
from naas.dates import months_reached
from naas.models import EmploymentType, EthnicityGroup, Level
from reporting import selectors
from reporting.selectors import Filters, latest_start_for_tenure

from .factories import TODAY, world

pytestmark = pytest.mark.django_db
MET, PARTIALLY, NOT_MET = (
    OutcomeResult.MET,
    OutcomeResult.PARTIALLY_MET,
    OutcomeResult.NOT_MET,
)


@pytest.fixture
def data():
    return world()


def test_national_pipeline(data):
    # when
    board = selectors.dashboard(Filters(), today=TODAY)
    # then
    assert board.funnel == {
        "staff": 9,
        "eligible": 7,  # a5 (3 months) and b2 (8 of Brookham's 12 months) not yet
        "endorsed": 6,
        "booked": 5,  # b3's booking was cancelled
        "assessed": 4,
        "accredited": 3,  # a1, a2 (at the retake), b1
    }
    assert board.first == {MET: 2, PARTIALLY: 1, NOT_MET: 1}  # a3's superseded "met" is gone
    assert board.retake == {MET: 1, PARTIALLY: 0, NOT_MET: 0}


def test_period_filter_counts_events_in_the_period(data):
    board = selectors.dashboard(
        Filters(start=date(2026, 1, 1), end=date(2026, 12, 31)), today=TODAY
    )
    assert board.funnel == {
        "staff": 9,
        "eligible": 7,
        "endorsed": 5,
        "booked": 4,
        "assessed": 3,
        "accredited": 2,
    }
    assert board.first == {MET: 1, PARTIALLY: 1, NOT_MET: 1}


def test_eligibility_is_judged_at_the_end_of_the_period(data):
    # given everyone but a5 and b2 started on 23 November 2024
    # when the period ends on 1 June 2025
    board = selectors.dashboard(Filters(end=date(2025, 6, 1)), today=TODAY)
    # then Ashford's five had their 6 months (23 May 2025); Brookham's need 12
    assert board.funnel["eligible"] == 5


def test_outcomes_over_time(data):
    board = selectors.dashboard(Filters(), today=TODAY)
    assert [(m["month"], m[MET], m[PARTIALLY], m[NOT_MET]) for m in board.by_month] == [
        (date(2025, 8, 1), 1, 0, 0),
        (date(2026, 3, 1), 1, 1, 0),
        (date(2026, 4, 1), 0, 0, 1),
        (date(2026, 6, 1), 1, 0, 0),
    ]


def test_area_met_rates_leave_out_carried_forward_areas(data):
    board = selectors.dashboard(Filters(), today=TODAY)
    areas = {a["number"]: a for a in board.areas}
    assert len(board.areas) == 10
    # area 1: a1, a2's first attempt (not met) and retake (met), a3 after review (partially
    # met), b1; the retake's other areas were carried forward and are not counted again
    area1 = areas[1]
    assert (area1["total"], area1["met"], area1["partially_met"], area1["not_met"]) == (5, 3, 1, 1)
    assert areas[1]["met_percent"] == 60
    area2 = areas[2]
    assert (area2["total"], area2["met"], area2["partially_met"], area2["not_met"]) == (4, 3, 1, 0)
    assert (areas[5]["total"], areas[5]["met"]) == (4, 4)


def test_las_compared_and_agreement(data):
    board = selectors.dashboard(Filters(), today=TODAY)
    rows = {row.local_authority.name: row for row in board.las}
    ashford, brookham = rows["Ashford"], rows["Brookham"]
    assert ashford.funnel == {
        "staff": 6,
        "eligible": 5,
        "endorsed": 4,
        "booked": 4,
        "assessed": 3,
        "accredited": 2,
    }
    assert brookham.funnel["staff"] == 3
    assert brookham.funnel["accredited"] == 1
    # endorsed workers who met the standard at their first attempt
    assert (ashford.assessed_outcomes, ashford.agreement_percent) == (3, 33)
    assert (brookham.assessed_outcomes, brookham.agreement_percent) == (1, 100)


def test_outcomes_by_employment_type_and_equality_group(data):
    board = selectors.dashboard(Filters(), today=TODAY)
    assert dict(board.groups["employment_type"]) == {
        EmploymentType.PERMANENT.label: [2, 0, 1],
        EmploymentType.AGENCY.label: [0, 1, 0],
    }
    ethnicity = dict(board.groups["ethnicity_group"])
    assert ethnicity[EthnicityGroup.WHITE.label] == [1, 0, 0]
    assert ethnicity["Not recorded"] == [1, 1, 1]


def test_grant_per_accredited_worker(data):
    board = selectors.dashboard(Filters(), today=TODAY)
    assert board.grant == 150000
    assert board.grant_per_accredited == 50000


def test_projection_to_each_phase_target(data):
    board = selectors.dashboard(Filters(), today=TODAY)
    phases = {p["phase"].code: p for p in board.phases}
    alpha, beta = phases["alpha"], phases["beta"]
    # Ashford: 2 accredited, both in the last 12 months: 1 every 6 months; 8 to go: 48 months
    assert alpha["accredited_to_date"] == 2
    assert alpha["projection"].projected_month == date(2030, 11, 1)
    assert alpha["projection"].description == "November 2030"
    assert alpha["grant_per_accredited"] == 50000
    # Brookham: its one accreditation is older than 12 months
    assert beta["accredited_to_date"] == 1
    assert beta["projection"].projected_month is None
    assert beta["projection"].description.startswith("Not at the current rate")


def test_projection_far_beyond_the_horizon():
    # 1 a year with 100,000 to go would be the year 102026: said in words, not a date
    projection = selectors.project(target=100_000, accredited=0, recent=1, today=TODAY)
    assert projection.projected_month is None
    assert projection.description == "Not within 50 years at the current rate"


def test_projection_when_reached():
    projection = selectors.project(target=5, accredited=5, recent=0, today=TODAY)
    assert projection.description == "Target reached"


@pytest.mark.parametrize(
    "filters, staff, accredited",
    [
        ({"region": "london"}, 3, 1),
        ({"level": Level.SUPERVISOR}, 0, 0),
        ({"level": Level.PRACTITIONER}, 9, 3),
    ],
)
def test_filters_by_region_and_level(data, filters, staff, accredited):
    board = selectors.dashboard(Filters(**filters), today=TODAY)
    assert (board.funnel["staff"], board.funnel["accredited"]) == (staff, accredited)


def test_phase_and_la_filters(data):
    by_phase = selectors.dashboard(Filters(phase=data["beta"]), today=TODAY)
    assert [row.local_authority.name for row in by_phase.las] == ["Brookham"]
    by_la = selectors.dashboard(Filters(local_authority=data["la_a"]), today=TODAY)
    assert by_la.funnel["staff"] == 6
    assert by_la.first == {MET: 1, PARTIALLY: 1, NOT_MET: 1}


def test_staff_statuses_for_the_la_report(data):
    rows = {
        w.user.full_name: selectors.worker_status(w)
        for w in selectors.staff_statuses(data["la_a"], today=TODAY, end=TODAY)
    }
    assert rows == {
        "Alice Ashby": "Met",
        "Arun Agency": "Met (fast-track retake)",
        "Amy Three": "Not met",
        "Abe Four": "Assessment: booked",
        "Ann New": "Not yet eligible by tenure",
        "Al Six": "Eligible, not yet endorsed",
    }


@pytest.mark.parametrize("months", range(6, 13))
def test_latest_start_for_tenure_agrees_with_months_reached(months):
    # every day of two years, at every end of month and mid-month
    for end in [date(2026, 2, 28), date(2024, 2, 29), date(2026, 3, 30), date(2026, 8, 31)]:
        bound = latest_start_for_tenure(end, months)
        assert months_reached(bound, months, on=end)
        assert not months_reached(date.fromordinal(bound.toordinal() + 1), months, on=end)
