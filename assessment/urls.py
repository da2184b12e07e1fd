from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    # Candidates and LA leads
    path("mine/", views.my_assessment, name="my_assessment"),
    path("la/", views.la_bookings, name="la_bookings"),
    path("endorsements/<int:endorsement_id>/book/", views.book, name="book"),
    path("endorsements/<int:endorsement_id>/book/check/", views.book_check, name="book_check"),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt_detail"),
    path("attempts/<int:attempt_id>/booked/", views.booked, name="booked"),
    path("attempts/<int:attempt_id>/cancel/", views.attempt_cancel, name="attempt_cancel"),
    path("attempts/<int:attempt_id>/rebook/", views.attempt_rebook, name="attempt_rebook"),
    # Assessors and moderators
    path("allocated/", views.assessor_home, name="assessor_home"),
    path("allocated/second-marking/", views.second_marking_queue, name="second_marking_queue"),
    path("allocated/moderation/", views.moderation_queue, name="moderation_queue"),
    path("allocated/test-results/", views.assessor_test_results, name="assessor_test_results"),
    path("attempts/<int:attempt_id>/marking/", views.attempt_mark, name="attempt_mark"),
    path("attempts/<int:attempt_id>/marks/", views.attempt_marks, name="attempt_marks"),
    path("reviews/<int:review_id>/decide/", views.review_decide, name="review_decide"),
    path(
        "reviews/<int:review_id>/decide/check/",
        views.review_decide_check,
        name="review_decide_check",
    ),
    path("reviews/<int:review_id>/decided/", views.review_decided, name="review_decided"),
    # Candidates: outcomes, fast-track retakes and reviews
    path("mine/outcome/", views.my_outcome, name="my_outcome"),
    path("attempts/<int:attempt_id>/fast-track/", views.fast_track, name="fast_track"),
    path(
        "attempts/<int:attempt_id>/fast-track/check/",
        views.fast_track_check,
        name="fast_track_check",
    ),
    path("attempts/<int:attempt_id>/review/", views.review_request, name="review_request"),
    path("attempts/<int:attempt_id>/review/check/", views.review_check, name="review_check"),
    path("reviews/<int:review_id>/requested/", views.review_requested, name="review_requested"),
    # Outcomes (administrators; moderators confirm)
    path("outcomes/", views.outcome_list, name="outcome_list"),
    path("outcomes/<int:outcome_id>/", views.outcome_detail, name="outcome_detail"),
    path("outcomes/<int:outcome_id>/confirm/", views.outcome_confirm, name="outcome_confirm"),
    path("outcomes/publish/", views.outcomes_publish, name="outcomes_publish"),
    path("outcomes/published/", views.outcomes_published, name="outcomes_published"),
    path("marking/", views.allocation_queue, name="allocation_queue"),
    path("attempts/<int:attempt_id>/allocate/", views.attempt_allocate, name="attempt_allocate"),
    path("rules/", views.rule_sets, name="rule_sets"),
    path("rules/<int:framework_id>/new/", views.rule_set_create, name="rule_set_create"),
    path(
        "attempts/<int:attempt_id>/test-result/",
        views.attempt_test_result,
        name="attempt_test_result",
    ),
    # Assessment administrators
    path("days/", views.admin_home, name="admin_home"),
    path("days/past/", views.sittings_past, name="sittings_past"),
    path("days/new/", views.sitting_create, name="sitting_create"),
    path("days/<int:sitting_id>/", views.sitting_detail, name="sitting_detail"),
    path("days/<int:sitting_id>/results/", views.results_upload, name="results_upload"),
    path("centres/", views.centres, name="centres"),
    path("adjustments/", views.adjustment_queue, name="adjustment_queue"),
    path("adjustments/decisions/", views.adjustment_decisions, name="adjustment_decisions"),
    path(
        "adjustments/<int:adjustment_id>/decide/",
        views.adjustment_decide,
        name="adjustment_decide",
    ),
    path(
        "adjustments/<int:adjustment_id>/check/",
        views.adjustment_check,
        name="adjustment_check",
    ),
    path(
        "adjustments/<int:adjustment_id>/decided/",
        views.adjustment_decided,
        name="adjustment_decided",
    ),
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/edit/", views.item_revise, name="item_revise"),
    path("items/<int:item_id>/active/", views.item_set_active, name="item_set_active"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("forms/", views.test_form_list, name="test_form_list"),
    path("forms/new/", views.test_form_create, name="test_form_create"),
    path("forms/<int:form_id>/", views.test_form_detail, name="test_form_detail"),
]
