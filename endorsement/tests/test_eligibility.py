"""Each eligibility rule at its boundary, on the pure function (no database)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from endorsement.eligibility import Evidence, Rule, eligibility_problems, feedback_is_recent
from naas.dates import add_months
from naas.models import EmploymentType, Level, LocalAuthority, SocialWorker, User

TODAY = date(2026, 11, 23)


def make_worker(
    *,
    employed_since=date(2020, 1, 1),
    min_tenure=6,
    agency=False,
    la_endorses_agency=True,
    job_level=Level.PRACTITIONER,
):
    la = LocalAuthority(
        name="Leeds", min_tenure_months=min_tenure, endorses_agency_workers=la_endorses_agency
    )
    return SocialWorker(
        user=User(full_name="Ada Jones", email="ada@example.org"),
        local_authority=la,
        employed_since=employed_since,
        employment_type=EmploymentType.AGENCY if agency else EmploymentType.PERMANENT,
        job_level=job_level,
    )


GOOD = {
    "level": Level.PRACTITIONER,
    "consent_recorded": True,
    "evidence": Evidence(supervision_sessions=1, latest_feedback_considered_on=TODAY),
    "today": TODAY,
}


def rules(worker=None, **overrides):
    kwargs = {**GOOD, **overrides}
    return {p.rule for p in eligibility_problems(worker=worker or make_worker(), **kwargs)}


def test_an_eligible_worker_has_no_problems():
    assert rules() == set()


def test_every_rule_has_its_own_message():
    worker = make_worker(
        employed_since=TODAY, agency=True, la_endorses_agency=False, job_level=Level.SUPERVISOR
    )
    problems = eligibility_problems(
        worker=worker,
        level=Level.PRACTITIONER,
        consent_recorded=False,
        evidence=Evidence(0, None),
        today=TODAY,
        signer_supervises=False,
        has_other_open_endorsement=True,
        has_current_accreditation=True,
    )
    assert {p.rule for p in problems} == {
        Rule.SIGNER,
        Rule.LEVEL,
        Rule.OPEN_ENDORSEMENT,
        Rule.ACCREDITED,
        Rule.CONSENT,
        Rule.SUPERVISION,
        Rule.FEEDBACK,
        Rule.TENURE,
        Rule.AGENCY,
    }
    assert len({p.message for p in problems}) == len(problems)


def test_consent_must_be_recorded():
    assert rules(consent_recorded=False) == {Rule.CONSENT}


@pytest.mark.parametrize(("sessions", "expected"), [(0, {Rule.SUPERVISION}), (1, set())])
def test_at_least_one_supervision_session(sessions, expected):
    evidence = replace(GOOD["evidence"], supervision_sessions=sessions)
    assert rules(evidence=evidence) == expected


@pytest.mark.parametrize(
    ("today", "considered_on", "recent"),
    [
        (TODAY, add_months(TODAY, -12), True),  # exactly 12 months ago
        (TODAY, add_months(TODAY, -12) - timedelta(days=1), False),  # one day more
        (TODAY, TODAY, True),
        (TODAY, TODAY + timedelta(days=1), False),  # a future date never counts
        (TODAY, None, False),
        (date(2025, 2, 28), date(2024, 2, 28), True),  # a year back from an ordinary Feb
        (date(2025, 2, 28), date(2024, 2, 27), False),
        (date(2024, 2, 29), date(2023, 2, 28), True),  # from a leap day
        (date(2024, 2, 29), date(2023, 2, 27), False),
    ],
)
def test_feedback_considered_within_the_last_12_months(today, considered_on, recent):
    assert feedback_is_recent(considered_on, today=today) is recent
    evidence = Evidence(supervision_sessions=1, latest_feedback_considered_on=considered_on)
    assert rules(evidence=evidence, today=today) == (set() if recent else {Rule.FEEDBACK})


@pytest.mark.parametrize(
    ("employed_since", "min_tenure", "reached_on"),
    [
        (date(2026, 5, 23), 6, date(2026, 11, 23)),
        (date(2026, 2, 10), 9, date(2026, 11, 10)),
        (date(2025, 11, 23), 12, date(2026, 11, 23)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # month end into a leap February
        (date(2022, 8, 31), 6, date(2023, 2, 28)),  # month end into an ordinary February
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # started on a leap day
        (date(2023, 5, 31), 9, date(2024, 2, 29)),
        (date(2025, 4, 30), 10, date(2026, 2, 28)),
    ],
)
def test_tenure_one_day_short_fails_and_the_day_it_is_reached_passes(
    employed_since, min_tenure, reached_on
):
    worker = make_worker(employed_since=employed_since, min_tenure=min_tenure)
    evidence = Evidence(supervision_sessions=1, latest_feedback_considered_on=employed_since)
    day_before = reached_on - timedelta(days=1)
    short = eligibility_problems(
        worker=worker, **{**GOOD, "evidence": evidence, "today": day_before}
    )
    assert [p.rule for p in short] == [Rule.TENURE]
    assert f"{reached_on:%-d %B %Y}" in short[0].message
    assert rules(worker, evidence=evidence, today=reached_on) == set()


def test_a_start_date_in_the_future_is_refused():
    worker = make_worker(employed_since=TODAY + timedelta(days=1))
    assert rules(worker) == {Rule.FUTURE_DATE}


@pytest.mark.parametrize(
    ("agency", "la_endorses_agency", "expected"),
    [
        (True, False, {Rule.AGENCY}),
        (True, True, set()),
        (False, False, set()),
    ],
)
def test_agency_workers_only_where_the_la_allows(agency, la_endorses_agency, expected):
    worker = make_worker(agency=agency, la_endorses_agency=la_endorses_agency)
    assert rules(worker) == expected


def test_the_signer_must_supervise_the_worker():
    assert rules(signer_supervises=False) == {Rule.SIGNER}


def test_no_other_open_endorsement_at_the_level():
    assert rules(has_other_open_endorsement=True) == {Rule.OPEN_ENDORSEMENT}


def test_no_current_accreditation_at_the_level():
    assert rules(has_current_accreditation=True) == {Rule.ACCREDITED}


@pytest.mark.parametrize(
    ("job_level", "level", "fits"),
    [
        (Level.PRACTITIONER, Level.PRACTITIONER, True),
        (Level.PRACTITIONER, Level.SUPERVISOR, False),
        (Level.SUPERVISOR, Level.LEADER, False),
        (Level.LEADER, Level.LEADER, True),
    ],
)
def test_the_level_must_fit_the_workers_role(job_level, level, fits):
    worker = make_worker(job_level=job_level)
    assert rules(worker, level=level) == (set() if fits else {Rule.LEVEL})
