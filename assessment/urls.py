from django.urls import path

from .views import (
    adjustments,
    appeals,
    calibration,
    corrections,
    item_bank,
    item_withdrawal,
    marking,
    outcomes,
    published,
    results_import,
    scheduling,
)
from .views import borderline as borderline_views
from .views import standard_setting as angoff
from .views import technical_report as technical_report_views

app_name = "assessment"

urlpatterns = [
    # Candidates and LA leads
    path("mine/", scheduling.my_assessment, name="my_assessment"),
    path("la/", scheduling.la_bookings, name="la_bookings"),
    path("endorsements/<int:endorsement_id>/book/", scheduling.book, name="book"),
    path("endorsements/<int:endorsement_id>/book/check/", scheduling.book_check, name="book_check"),
    path("attempts/<int:attempt_id>/", scheduling.attempt_detail, name="attempt_detail"),
    path("attempts/<int:attempt_id>/booked/", scheduling.booked, name="booked"),
    path("attempts/<int:attempt_id>/cancel/", scheduling.attempt_cancel, name="attempt_cancel"),
    path("attempts/<int:attempt_id>/rebook/", scheduling.attempt_rebook, name="attempt_rebook"),
    # Assessors and moderators
    path("allocated/", marking.assessor_home, name="assessor_home"),
    path("allocated/second-marking/", marking.second_marking_queue, name="second_marking_queue"),
    path("allocated/moderation/", marking.moderation_queue, name="moderation_queue"),
    path(
        "allocated/test-results/",
        results_import.assessor_test_results,
        name="assessor_test_results",
    ),
    path("attempts/<int:attempt_id>/marking/", marking.attempt_mark, name="attempt_mark"),
    path("attempts/<int:attempt_id>/marks/", marking.attempt_marks, name="attempt_marks"),
    path("reviews/<int:review_id>/decide/", appeals.review_decide, name="review_decide"),
    path(
        "reviews/<int:review_id>/decide/check/",
        appeals.review_decide_check,
        name="review_decide_check",
    ),
    path("reviews/<int:review_id>/decided/", appeals.review_decided, name="review_decided"),
    # Candidates: outcomes, fast-track retakes and reviews
    path("mine/outcome/", outcomes.my_outcome, name="my_outcome"),
    path("attempts/<int:attempt_id>/fast-track/", appeals.fast_track, name="fast_track"),
    path(
        "attempts/<int:attempt_id>/fast-track/check/",
        appeals.fast_track_check,
        name="fast_track_check",
    ),
    path("attempts/<int:attempt_id>/review/", appeals.review_request, name="review_request"),
    path("attempts/<int:attempt_id>/review/check/", appeals.review_check, name="review_check"),
    path("reviews/<int:review_id>/requested/", appeals.review_requested, name="review_requested"),
    # Outcomes (administrators; moderators confirm)
    path("outcomes/", outcomes.outcome_list, name="outcome_list"),
    path("outcomes/<int:outcome_id>/", outcomes.outcome_detail, name="outcome_detail"),
    path("outcomes/<int:outcome_id>/confirm/", outcomes.outcome_confirm, name="outcome_confirm"),
    path("outcomes/publish/", outcomes.outcomes_publish, name="outcomes_publish"),
    path("outcomes/published/", outcomes.outcomes_published, name="outcomes_published"),
    path(
        "outcomes/published-outcomes/",
        published.published_outcome_list,
        name="published_outcome_list",
    ),
    path(
        "attempts/<int:attempt_id>/correct-answer/",
        corrections.result_correct,
        name="result_correct",
    ),
    path(
        "attempts/<int:attempt_id>/correct-answer/check/",
        corrections.result_correct_check,
        name="result_correct_check",
    ),
    path(
        "attempts/<int:attempt_id>/correct-answer/done/",
        corrections.result_correct_done,
        name="result_correct_done",
    ),
    path("marking/", marking.allocation_queue, name="allocation_queue"),
    path("attempts/<int:attempt_id>/allocate/", marking.attempt_allocate, name="attempt_allocate"),
    path("rules/", outcomes.rule_sets, name="rule_sets"),
    path("rules/<int:framework_id>/new/", outcomes.rule_set_create, name="rule_set_create"),
    path(
        "attempts/<int:attempt_id>/test-result/",
        results_import.attempt_test_result,
        name="attempt_test_result",
    ),
    # Assessment administrators
    path("days/", scheduling.admin_home, name="admin_home"),
    path("days/past/", scheduling.sittings_past, name="sittings_past"),
    path("days/new/", scheduling.sitting_create, name="sitting_create"),
    path("days/<int:sitting_id>/", scheduling.sitting_detail, name="sitting_detail"),
    path("days/<int:sitting_id>/results/", results_import.results_upload, name="results_upload"),
    path(
        "days/<int:sitting_id>/results/files/<int:pk>/",
        results_import.results_import_job,
        name="results_import_job",
    ),
    path(
        "days/<int:sitting_id>/results/files/<int:pk>/retry/",
        results_import.results_import_retry,
        name="results_import_retry",
    ),
    path(
        "days/<int:sitting_id>/results/files/<int:pk>/apply/",
        results_import.results_correction_apply,
        name="results_correction_apply",
    ),
    path("centres/", scheduling.centres, name="centres"),
    path("adjustments/", adjustments.adjustment_queue, name="adjustment_queue"),
    path("adjustments/decisions/", adjustments.adjustment_decisions, name="adjustment_decisions"),
    path(
        "adjustments/<int:adjustment_id>/decide/",
        adjustments.adjustment_decide,
        name="adjustment_decide",
    ),
    path(
        "adjustments/<int:adjustment_id>/check/",
        adjustments.adjustment_check,
        name="adjustment_check",
    ),
    path(
        "adjustments/<int:adjustment_id>/decided/",
        adjustments.adjustment_decided,
        name="adjustment_decided",
    ),
    path("items/", item_bank.item_list, name="item_list"),
    path("items/new/", item_bank.item_create, name="item_create"),
    path("items/<int:item_id>/", item_bank.item_detail, name="item_detail"),
    path("items/<int:item_id>/edit/", item_bank.item_revise, name="item_revise"),
    path("items/<int:item_id>/active/", item_bank.item_set_active, name="item_set_active"),
    path("scenarios/", item_bank.scenarios, name="scenarios"),
    path("forms/", item_bank.test_form_list, name="test_form_list"),
    path("forms/new/", item_bank.test_form_create, name="test_form_create"),
    path("forms/<int:form_id>/", item_bank.test_form_detail, name="test_form_detail"),
    path("forms/dif-review/", item_withdrawal.dif_review_queue, name="dif_review_queue"),
    path("forms/<int:form_id>/withdraw/", item_withdrawal.item_withdraw, name="item_withdraw"),
    path(
        "forms/<int:form_id>/withdraw/check/",
        item_withdrawal.item_withdraw_check,
        name="item_withdraw_check",
    ),
    path(
        "withdrawals/<int:withdrawal_id>/",
        item_withdrawal.item_withdrawn,
        name="item_withdrawn",
    ),
    # Technical reports (administrators and DfE)
    path(
        "technical-reports/",
        technical_report_views.technical_reports,
        name="technical_reports",
    ),
    path(
        "technical-reports/<int:pk>/",
        technical_report_views.technical_report,
        name="technical_report",
    ),
    path(
        "technical-reports/<int:pk>/download/",
        technical_report_views.technical_report_download,
        name="technical_report_download",
    ),
    path(
        "technical-reports/<int:pk>/retry/",
        technical_report_views.technical_report_retry,
        name="technical_report_retry",
    ),
    # Borderline regression of the simulated practice (administrators)
    path("borderline/", borderline_views.borderline_list, name="borderline_list"),
    path("borderline/new/", borderline_views.borderline_run, name="borderline_run"),
    path(
        "borderline/<int:analysis_id>/",
        borderline_views.borderline_detail,
        name="borderline_detail",
    ),
    path(
        "borderline/<int:analysis_id>/adopt/",
        borderline_views.borderline_adopt,
        name="borderline_adopt",
    ),
    path(
        "borderline/<int:analysis_id>/adopt/check/",
        borderline_views.borderline_adopt_check,
        name="borderline_adopt_check",
    ),
    path(
        "borderline/<int:analysis_id>/adopted/",
        borderline_views.borderline_adopted,
        name="borderline_adopted",
    ),
    # Assessor calibration
    path("calibration/", calibration.calibration_sets, name="calibration_sets"),
    path("calibration/new/", calibration.calibration_set_create, name="calibration_set_create"),
    path(
        "calibration/<int:set_id>/",
        calibration.calibration_set_detail,
        name="calibration_set_detail",
    ),
    path(
        "calibration/<int:set_id>/activate/",
        calibration.calibration_set_activate,
        name="calibration_set_activate",
    ),
    path(
        "calibration/<int:set_id>/assessors/",
        calibration.calibration_standings,
        name="calibration_standings",
    ),
    path(
        "calibration/<int:set_id>/override/",
        calibration.calibration_override,
        name="calibration_override",
    ),
    path(
        "calibration/<int:set_id>/override/check/",
        calibration.calibration_override_check,
        name="calibration_override_check",
    ),
    path(
        "calibration/cases/<int:case_id>/agreed/",
        calibration.calibration_case_agreed,
        name="calibration_case_agreed",
    ),
    path("calibration/mine/", calibration.my_calibration, name="my_calibration"),
    path(
        "calibration/cases/<int:case_id>/mark/",
        calibration.calibration_case_mark,
        name="calibration_case_mark",
    ),
    path(
        "calibration/markings/<int:marking_id>/",
        calibration.calibration_marking,
        name="calibration_marking",
    ),
    # Standard setting: modified-Angoff exercises (administrators; invited judges rate)
    path("standard-setting/", angoff.angoff_list, name="angoff_list"),
    path("standard-setting/new/", angoff.angoff_open, name="angoff_open"),
    path("standard-setting/judging/", angoff.angoff_mine, name="angoff_mine"),
    path("standard-setting/<int:exercise_id>/", angoff.angoff_detail, name="angoff_detail"),
    path("standard-setting/<int:exercise_id>/close/", angoff.angoff_close, name="angoff_close"),
    path("standard-setting/<int:exercise_id>/rate/", angoff.angoff_rate, name="angoff_rate"),
    path("standard-setting/<int:exercise_id>/adopt/", angoff.angoff_adopt, name="angoff_adopt"),
    path(
        "standard-setting/<int:exercise_id>/adopt/check/",
        angoff.angoff_adopt_check,
        name="angoff_adopt_check",
    ),
    path(
        "standard-setting/<int:exercise_id>/adopted/",
        angoff.angoff_adopt_done,
        name="angoff_adopt_done",
    ),
]
