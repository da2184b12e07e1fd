"""The psychometric objects of a world, made through the real services: a question withdrawn
from a test form, a technical report, a borderline regression analysis, an active calibration
set with one case and one assessor's marking of it, and an Angoff exercise with its judges.

They are national objects, the assessment administrator's; the calibrating assessor and the
Angoff judges are people of their own, never the world's role users, so to everybody else a
marking, a case's agreed marks and an exercise's ratings are someone else's."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from assessment import selectors, services
from assessment.models import TechnicalReport
from assessment.tests.factories import independent_assessor
from naas.models import DocumentState, Role

TECHNICAL_REPORT_FILE = "reports/technical-report.pdf"
CALIBRATING_ASSESSOR = "Calibrating Assessor Elsewhere"
ANGOFF_JUDGES = ("Angoff Judge Elsewhere", "Angoff Moderator Elsewhere")


@dataclass
class PsychometricWorld:
    ids: dict  # by the keys the URL kwargs are filled from
    owners: list  # the people (besides the administrator) whose objects some of these are
    markers: list  # their names: no one else's page may show them


def _withdrawable_item(test_form):
    for link in test_form.form_items.select_related("item__area").order_by("position"):
        if not services.withdrawal_problems(test_form=test_form, item=link.item, reason="x"):
            return link.item
    raise AssertionError(f"no question of {test_form.code} can be withdrawn")


def _calibration(admin, case_attempt):
    calibration_set = services.calibration_set_create(
        framework=case_attempt.framework, name="Practitioner calibration set", actor=admin
    )
    case = services.calibration_case_add(
        calibration_set=calibration_set, attempt=case_attempt, actor=admin
    )
    services.calibration_set_activate(calibration_set=calibration_set, actor=admin)
    assessor = independent_assessor(full_name=CALIBRATING_ASSESSOR)
    marking = services.calibration_marking_submit(
        case=case,
        marks={
            int(area_id): services.MarkEntry(3, 3, 2, 3, evidence_note="Seen in the recording")
            for area_id in case.agreed_marks
        },
        actor=assessor,
    )
    return calibration_set, case, marking, assessor


def _angoff(admin, test_form):
    exercise = services.angoff_exercise_open(test_form=test_form, actor=admin)
    judges = [
        independent_assessor(role, full_name=name)
        for role, name in zip((Role.ASSESSOR, Role.MODERATOR), ANGOFF_JUDGES, strict=True)
    ]
    for judge in judges:
        services.angoff_judge_invite(exercise=exercise, user=judge, actor=admin)
    item_ids = [link.item_id for link in selectors.form_items(test_form)]
    services.angoff_ratings_save(
        exercise=exercise,
        round_number=1,
        ratings={item_id: Decimal("0.65") for item_id in item_ids},
        actor=judges[0],
    )
    return exercise, judges


def psychometric_world(admin, *, test_form, case_attempt, today: date) -> PsychometricWorld:
    """`case_attempt`: a published attempt (someone else's) to be the calibration case."""
    withdrawal = services.item_withdraw(
        test_form=test_form,
        item=_withdrawable_item(test_form),
        reason="Two options can be read as right",
        actor=admin,
    ).withdrawal
    report, _ = services.technical_report_request(
        window_start=today - timedelta(days=90), window_end=today, actor=admin
    )
    # Its build task is sent on commit, which the world's transaction never reaches: the
    # report is marked ready with a file (written into each test's MEDIA_ROOT), as the
    # world's letters are.
    TechnicalReport.objects.filter(pk=report.pk).update(
        state=DocumentState.READY, file=TECHNICAL_REPORT_FILE
    )
    analysis = services.borderline_analysis_run(
        framework=test_form.framework,
        window_start=today - timedelta(days=90),
        window_end=today - timedelta(days=1),
        actor=admin,
    )
    calibration_set, case, marking, assessor = _calibration(admin, case_attempt)
    exercise, judges = _angoff(admin, test_form)
    return PsychometricWorld(
        ids={
            "item_withdrawal": withdrawal.pk,
            "technical_report": report.pk,
            "borderline_analysis": analysis.pk,
            "calibration_set": calibration_set.pk,
            "calibration_case": case.pk,
            "calibration_marking": marking.pk,
            "angoff_exercise": exercise.pk,
        },
        owners=[assessor, *judges],
        markers=[CALIBRATING_ASSESSOR, *ANGOFF_JUDGES],
    )
