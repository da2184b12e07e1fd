"""Assessor calibration: sets of agreed-mark cases, blind marking, the pass bar, overrides,
and the one line it adds to allocation."""

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.models import CalibrationOverride, MarkerRole
from assessment.psychometrics.agreement import marker_agreement
from assessment.selectors.calibration import Standing, assessor_standing
from assessment.services import AssessmentError
from assessment.tests.factories import (
    administrator,
    independent_assessor,
    published_outcome,
    sat_attempt,
)
from naas.models import AuditEvent
from naas.tests.factories import SocialWorkerFactory

pytestmark = pytest.mark.django_db

AGREED = (3, 3, 3, 3)  # the factories' "met" marks: every case's agreed marks


def make_set(admin, cases=1, *, activate=True):
    attempts = [published_outcome(admin=admin).attempt for _ in range(cases)]
    calibration_set = services.calibration_set_create(
        framework=attempts[0].framework, name="Practitioner set 1", actor=admin
    )
    for attempt in attempts:
        services.calibration_case_add(calibration_set=calibration_set, attempt=attempt, actor=admin)
    if activate:
        calibration_set = services.calibration_set_activate(
            calibration_set=calibration_set, actor=admin
        )
    return calibration_set


def entries_for(case, marks=AGREED, per_area=None):
    per_area = per_area or {}
    return {
        int(area_id): services.MarkEntry(*per_area.get(int(area_id), marks), evidence_note="Seen")
        for area_id in case.agreed_marks
    }


def mark_all(calibration_set, assessor, marks=AGREED):
    return [
        services.calibration_marking_submit(
            case=case, marks=entries_for(case, marks), actor=assessor
        )
        for case in calibration_set.cases.all()
    ]


def allocate_first(attempt, assessor, admin):
    return services.allocation_create(
        attempt=attempt, assessor=assessor, role=MarkerRole.FIRST, actor=admin
    )


# --- Building and activating a set ------------------------------------------------------------


def test_a_case_copies_the_attempts_final_marks():
    admin = administrator()
    calibration_set = make_set(admin, activate=False)
    case = calibration_set.cases.get()
    final = selectors.final_marks(case.attempt)
    assert case.agreed_marks == {str(a): m.task_marks() for a, m in final.items()}
    assert AuditEvent.objects.filter(action="calibration_case.added").count() == 1


def test_a_set_with_no_agreed_marks_cannot_be_activated():
    admin = administrator()
    attempt = sat_attempt(admin=admin)
    calibration_set = services.calibration_set_create(
        framework=attempt.framework, name="Empty", actor=admin
    )
    with pytest.raises(AssessmentError, match="at least one case with agreed marks"):
        services.calibration_set_activate(calibration_set=calibration_set, actor=admin)
    calibration_set.refresh_from_db()
    assert not calibration_set.active


def test_an_attempt_without_agreed_marks_is_refused_as_a_case():
    admin = administrator()
    attempt = sat_attempt(admin=admin)
    calibration_set = services.calibration_set_create(
        framework=attempt.framework, name="Set", actor=admin
    )
    with pytest.raises(AssessmentError, match="moderated or published"):
        services.calibration_case_add(calibration_set=calibration_set, attempt=attempt, actor=admin)
    assert not calibration_set.cases.exists()


def test_activating_a_set_retires_the_frameworks_earlier_set():
    admin = administrator()
    # both built first: once a set is active, the factories' live markers are uncalibrated
    first = make_set(admin, activate=False)
    second = make_set(admin, activate=False)
    services.calibration_set_activate(calibration_set=first, actor=admin)
    second = services.calibration_set_activate(calibration_set=second, actor=admin)
    first.refresh_from_db()
    assert second.active and not first.active


def test_agreed_marks_can_be_entered_by_hand_before_the_set_is_used(client):
    admin = administrator()
    calibration_set = make_set(admin, activate=False)
    case = calibration_set.cases.get()
    first_area = min(int(a) for a in case.agreed_marks)
    client.force_login(admin)
    url = reverse("assessment:calibration_case_agreed", args=[case.pk])
    data = mark_post(case)
    del_keys = [k for k in data if k.endswith("_global_judgement")]
    for key in del_keys:
        del data[key]  # agreed marks are task marks only
    data[f"area_{first_area}_written"] = 4
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.agreed_marks[str(first_area)] == [3, 3, 3, 4]
    event = AuditEvent.objects.get(action="calibration_case.agreed_marks_changed")
    assert event.detail["to"][str(first_area)] == [3, 3, 3, 4]


def test_agreed_marks_of_a_set_in_use_cannot_change():
    admin = administrator()
    calibration_set = make_set(admin)
    case = calibration_set.cases.get()
    before = case.agreed_marks
    with pytest.raises(AssessmentError, match="in use cannot change"):
        services.calibration_case_agreed_marks_change(
            case=case, marks=entries_for(case, (1, 1, 1, 1)), actor=admin
        )
    case.refresh_from_db()
    assert case.agreed_marks == before


def test_agreed_marks_entered_out_of_range_are_refused():
    admin = administrator()
    case = make_set(admin, activate=False).cases.get()
    with pytest.raises(AssessmentError, match="from 1 to 4"):
        services.calibration_case_agreed_marks_change(
            case=case, marks=entries_for(case, (5, 3, 3, 3)), actor=admin
        )


def test_a_new_set_means_recalibrating():
    admin = administrator()
    old = make_set(admin, activate=False)
    new = make_set(admin, activate=False)
    services.calibration_set_activate(calibration_set=old, actor=admin)
    assessor = independent_assessor(full_name="Ada Marker")
    mark_all(old, assessor)
    services.calibration_set_activate(calibration_set=new, actor=admin)
    with pytest.raises(AssessmentError, match="Ada Marker has not passed calibration"):
        allocate_first(sat_attempt(admin=admin), assessor, admin)


# --- Allocation -------------------------------------------------------------------------------


def test_with_no_active_set_allocation_is_unchanged():
    admin = administrator()
    make_set(admin, activate=False)
    allocation = allocate_first(sat_attempt(admin=admin), independent_assessor(), admin)
    assert allocation.pk


def test_an_uncalibrated_assessor_is_refused_allocation():
    admin = administrator()
    make_set(admin)
    assessor = independent_assessor(full_name="Ada Marker")
    with pytest.raises(AssessmentError, match="Ada Marker has not passed calibration"):
        allocate_first(sat_attempt(admin=admin), assessor, admin)


def test_an_assessor_below_the_bar_is_refused_and_told_why(client):
    admin = administrator()
    calibration_set = make_set(admin)
    assessor = independent_assessor(full_name="Ada Marker")
    mark_all(calibration_set, assessor, marks=(1, 1, 1, 1))  # two points off everywhere
    assert assessor_standing(calibration_set, assessor).standing == Standing.BELOW_BAR
    attempt = sat_attempt(admin=admin)
    client.force_login(admin)
    response = client.post(
        reverse("assessment:attempt_allocate", args=[attempt.pk]), {"assessor": assessor.pk}
    )
    assert response.status_code == 400
    assert "Ada Marker has not passed calibration" in response.content.decode()
    assert not attempt.allocations.exists()


def test_after_passing_allocation_works():
    admin = administrator()
    calibration_set = make_set(admin)
    assessor = independent_assessor()
    mark_all(calibration_set, assessor)
    assert assessor_standing(calibration_set, assessor).standing == Standing.PASSED
    assert allocate_first(sat_attempt(admin=admin), assessor, admin).pk


def test_after_an_override_allocation_works_and_the_override_is_audited():
    admin = administrator()
    calibration_set = make_set(admin)
    assessor = independent_assessor()
    services.calibration_override_grant(
        calibration_set=calibration_set, assessor=assessor, reason="Senior assessor", actor=admin
    )
    assert allocate_first(sat_attempt(admin=admin), assessor, admin).pk
    event = AuditEvent.objects.get(action="calibration_override.granted")
    assert event.reason == "Senior assessor"


def test_an_override_needs_a_reason():
    admin = administrator()
    calibration_set = make_set(admin)
    with pytest.raises(AssessmentError, match="Enter the reason"):
        services.calibration_override_grant(
            calibration_set=calibration_set,
            assessor=independent_assessor(),
            reason="  ",
            actor=admin,
        )
    assert not CalibrationOverride.objects.exists()


# --- Agreement --------------------------------------------------------------------------------


def test_agreement_figures_equal_marker_agreement_on_the_same_marks():
    admin = administrator()
    calibration_set = make_set(admin)
    case = calibration_set.cases.get()
    area_ids = sorted(int(a) for a in case.agreed_marks)
    per_area = {area_ids[0]: (4, 2, 1, 3), area_ids[1]: (2, 2, 4, 3)}
    assessor = independent_assessor()
    services.calibration_marking_submit(
        case=case, marks=entries_for(case, per_area=per_area), actor=assessor
    )
    own, agreed = [], []
    for key in sorted(case.agreed_marks):
        own += per_area.get(int(key), AGREED)
        agreed += case.agreed_marks[key]
    expected = marker_agreement(own, agreed)
    standing = assessor_standing(calibration_set, assessor)
    assert standing.agreement == expected
    assert standing.agreement.exact == pytest.approx(34 / 40)


def test_a_case_can_be_marked_only_once():
    admin = administrator()
    calibration_set = make_set(admin)
    assessor = independent_assessor()
    mark_all(calibration_set, assessor)
    with pytest.raises(AssessmentError, match="already submitted"):
        mark_all(calibration_set, assessor)


# --- Pages ------------------------------------------------------------------------------------


def mark_post(case, marks=AGREED):
    data = {}
    for area_id in case.agreed_marks:
        for name, value in zip(
            ("role_play_1", "role_play_2", "reflective", "written"), marks, strict=True
        ):
            data[f"area_{area_id}_{name}"] = value
        data[f"area_{area_id}_evidence"] = "Seen"
        data[f"area_{area_id}_global_judgement"] = 2
    return data


def test_the_marking_page_is_blind(client):
    admin = administrator()
    worker = SocialWorkerFactory()
    attempt = published_outcome(worker, admin=admin).attempt
    calibration_set = services.calibration_set_create(
        framework=attempt.framework, name="Set", actor=admin
    )
    case = services.calibration_case_add(
        calibration_set=calibration_set, attempt=attempt, actor=admin
    )
    services.calibration_set_activate(calibration_set=calibration_set, actor=admin)
    live_marker = attempt.allocations.get(role=MarkerRole.FIRST).assessor
    assessor = independent_assessor()
    client.force_login(assessor)
    page = client.get(reverse("assessment:calibration_case_mark", args=[case.pk])).content.decode()
    for detail in (
        worker.user.full_name,
        worker.registration_number,
        worker.local_authority.name,
        live_marker.full_name,
        "agreed marks:",
    ):
        assert detail not in page


def test_submitting_through_the_page_shows_the_agreed_marks_afterwards(client):
    admin = administrator()
    calibration_set = make_set(admin)
    case = calibration_set.cases.get()
    assessor = independent_assessor()
    client.force_login(assessor)
    response = client.post(
        reverse("assessment:calibration_case_mark", args=[case.pk]), mark_post(case)
    )
    marking = case.markings.get(assessor=assessor)
    assert response.url == reverse("assessment:calibration_marking", args=[marking.pk])
    page = client.get(response.url).content.decode()
    assert "3 / 3" in page and "Passed" in page


def test_bad_marks_are_refused_with_a_govuk_error_and_change_nothing(client):
    admin = administrator()
    case = make_set(admin).cases.get()
    client.force_login(independent_assessor())
    data = mark_post(case)
    data[next(k for k in data if k.endswith("_written"))] = 9
    response = client.post(reverse("assessment:calibration_case_mark", args=[case.pk]), data)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not case.markings.exists()


def test_another_assessors_marking_is_not_found(client):
    admin = administrator()
    calibration_set = make_set(admin)
    (marking,) = mark_all(calibration_set, independent_assessor())
    client.force_login(independent_assessor())
    assert (
        client.get(reverse("assessment:calibration_marking", args=[marking.pk])).status_code == 404
    )


def test_the_override_goes_through_check_your_answers(client):
    admin = administrator()
    calibration_set = make_set(admin)
    assessor = independent_assessor()
    client.force_login(admin)
    form_url = reverse("assessment:calibration_override", args=[calibration_set.pk])
    empty = client.post(form_url, {"assessor": assessor.pk, "reason": ""})
    assert (
        empty.status_code == 400 and "Enter the reason for the override" in empty.content.decode()
    )
    kept = client.post(form_url, {"assessor": assessor.pk, "reason": "Trained the trainers"})
    assert not CalibrationOverride.objects.exists()
    check = client.get(kept.url)
    assert "Trained the trainers" in check.content.decode()
    client.post(kept.url)
    assert CalibrationOverride.objects.get().reason == "Trained the trainers"
    again = client.post(kept.url)  # sent once only: a second send goes back to the form
    assert again.url == form_url
    assert CalibrationOverride.objects.count() == 1
