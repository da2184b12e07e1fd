"""Every list page has a query-count test at two data sizes (issue 13), and a new one cannot be
added without one. LIST_PAGES names each page whose rows grow with the data, its template and
the test that renders it with few and with many rows (naas/tests/query_counts.py for new ones).

The guard: a page template that draws table rows in a `{% for %}` (itself or through a partial
it includes) or uses the shared list partials (pagination, list controls, sortable headings)
is a list page unless FIXED_ROWS says why its rows cannot grow; each list page's template must
be named here. A new URL that reuses a template already named here is not caught."""

import ast
import importlib
import inspect
import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from reporting.views import SECTION_URL_NAMES

BASE = Path(settings.BASE_DIR)
TEMPLATES = BASE / "templates"

A = "assessment/tests/"
NEW_ASSESSMENT = A + "test_list_queries.py::"
LISTS_ASSESSMENT = A + "test_lists_assessment.py::"
CALIBRATION = (
    A + "psychometrics/test_calibration_pages.py::test_page_query_counts_do_not_grow_with_data"
)
ANGOFF = (
    A + "psychometrics/test_angoff_pages.py::"
    "test_the_pages_use_the_same_queries_however_many_judges_and_results"
)
WITHDRAWAL = (
    A + "psychometrics/test_item_withdrawal_pages.py::"
    "test_the_withdrawal_pages_take_the_same_queries_at_two_sizes"
)
BORDERLINE = A + "psychometrics/test_borderline_pages.py::test_each_page_has_a_constant_query_count"
DASHBOARDS = "reporting/tests/test_views.py::test_dashboard_query_count_does_not_grow_with_the_data"
MARKING_QUEUE = "assessment/marking_queue.html"

# URL name: (template, "file::test")
LIST_PAGES = {
    # naas
    "naas:staff_list": (
        "naas/staff_list.html",
        "naas/tests/test_listing.py::test_the_staff_list_costs_the_same_queries_for_3_and_30_workers",
    ),
    "naas:staff_import_check": (
        "naas/staff_import_check.html",
        "naas/tests/test_list_queries.py::"
        "test_the_staff_import_preview_costs_the_same_queries_for_3_and_30_rows",
    ),
    "notify:failed": (
        "notify/failed.html",
        "naas/tests/test_list_queries.py::"
        "test_the_failed_emails_page_costs_the_same_queries_for_3_and_30",
    ),
    # endorsement
    "endorsement:supervisees": (
        "endorsement/supervisees.html",
        "endorsement/tests/test_lists_supervisees.py::test_the_same_queries_for_3_and_30_supervisees",
    ),
    "endorsement:supervisee": (
        "endorsement/supervisee.html",
        "endorsement/tests/test_list_queries.py::"
        "test_a_supervisees_page_costs_the_same_queries_for_3_and_30_records",
    ),
    "endorsement:confirmation_queue": (
        "endorsement/confirmation_queue.html",
        "endorsement/tests/test_list_queries.py::"
        "test_endorsements_to_confirm_cost_the_same_queries_for_3_and_30",
    ),
    "endorsement:my_endorsement": (
        "endorsement/my_endorsement.html",
        "endorsement/tests/test_list_queries.py::"
        "test_the_workers_own_endorsements_cost_the_same_queries_for_3_and_30",
    ),
    # assessment: the work lists on naas.listing
    "assessment:la_bookings": (
        "assessment/la_bookings.html",
        LISTS_ASSESSMENT + "test_bookings_cost_the_same_queries_for_3_and_30",
    ),
    "assessment:book": (
        "assessment/book.html",
        LISTS_ASSESSMENT + "test_the_booking_page_costs_the_same_queries_for_3_and_30_sittings",
    ),
    "assessment:adjustment_queue": (
        "assessment/adjustment_queue.html",
        LISTS_ASSESSMENT + "test_adjustment_lists_cost_the_same_queries",
    ),
    "assessment:adjustment_decisions": (
        "assessment/adjustment_decisions.html",
        LISTS_ASSESSMENT + "test_adjustment_lists_cost_the_same_queries",
    ),
    "assessment:published_outcome_list": (
        "assessment/published_outcome_list.html",
        LISTS_ASSESSMENT + "test_published_outcomes_cost_the_same_queries",
    ),
    "assessment:outcome_list": (
        "assessment/outcome_list.html",
        LISTS_ASSESSMENT + "test_outcomes_to_confirm_and_allocation_queue_cost_the_same_queries",
    ),
    "assessment:allocation_queue": (
        "assessment/allocation_queue.html",
        LISTS_ASSESSMENT + "test_outcomes_to_confirm_and_allocation_queue_cost_the_same_queries",
    ),
    "assessment:assessor_home": (
        MARKING_QUEUE,
        LISTS_ASSESSMENT + "test_the_marking_queue_costs_the_same_queries_and_filters_by_part",
    ),
    # assessment: the other lists
    "assessment:second_marking_queue": (
        MARKING_QUEUE,
        NEW_ASSESSMENT + "test_the_second_marking_queue_costs_the_same_queries",
    ),
    "assessment:moderation_queue": (
        MARKING_QUEUE,
        NEW_ASSESSMENT + "test_the_moderation_queue_costs_the_same_queries",
    ),
    "assessment:assessor_test_results": (
        "assessment/assessor_home.html",
        NEW_ASSESSMENT + "test_an_assessors_test_results_cost_the_same_queries",
    ),
    "assessment:admin_home": (
        "assessment/admin_home.html",
        A + "test_views.py::test_admin_home_query_count_is_constant",
    ),
    "assessment:sittings_past": (
        "assessment/sittings_past.html",
        NEW_ASSESSMENT + "test_past_sittings_cost_the_same_queries_for_3_and_30",
    ),
    "assessment:sitting_detail": (
        "assessment/sitting_detail.html",
        NEW_ASSESSMENT + "test_a_sittings_attendance_list_costs_the_same_queries_for_3_and_30",
    ),
    "assessment:centres": (
        "assessment/centres.html",
        NEW_ASSESSMENT + "test_centres_cost_the_same_queries_for_3_and_30",
    ),
    "assessment:scenarios": (
        "assessment/scenarios.html",
        NEW_ASSESSMENT + "test_scenarios_cost_the_same_queries_for_3_and_30",
    ),
    "assessment:item_list": (
        "assessment/item_list.html",
        NEW_ASSESSMENT + "test_the_item_bank_costs_the_same_queries_for_3_and_30_questions",
    ),
    "assessment:test_form_list": (
        "assessment/test_form_list.html",
        NEW_ASSESSMENT + "test_test_forms_cost_the_same_queries",
    ),
    "assessment:rule_sets": (
        "assessment/rule_sets.html",
        NEW_ASSESSMENT + "test_rule_sets_cost_the_same_queries_for_3_and_30_versions",
    ),
    "assessment:outcomes_publish": (
        "assessment/outcomes_publish.html",
        NEW_ASSESSMENT + "test_outcomes_to_publish_cost_the_same_queries",
    ),
    "assessment:my_assessment": (
        "assessment/my_assessment.html",
        NEW_ASSESSMENT + "test_a_candidates_bookings_cost_the_same_queries_for_3_and_30",
    ),
    "assessment:my_outcome": (
        "assessment/my_outcome.html",
        NEW_ASSESSMENT + "test_a_candidates_outcomes_cost_the_same_queries",
    ),
    "assessment:dif_review_queue": (
        "assessment/psychometrics/withdrawal_dif_queue.html",
        A + "psychometrics/test_item_withdrawal_pages.py::"
        "test_the_queue_takes_the_same_queries_at_two_sizes",
    ),
    "assessment:item_withdraw": ("assessment/psychometrics/withdrawal_form.html", WITHDRAWAL),
    "assessment:item_withdrawn": ("assessment/psychometrics/withdrawal_done.html", WITHDRAWAL),
    "assessment:technical_reports": (
        "assessment/psychometrics/report_list.html",
        A + "psychometrics/test_technical_report.py::test_the_list_page_query_count_does_not_grow",
    ),
    "assessment:borderline_list": ("assessment/psychometrics/borderline_list.html", BORDERLINE),
    "assessment:borderline_detail": ("assessment/psychometrics/borderline_detail.html", BORDERLINE),
    "assessment:calibration_sets": ("assessment/psychometrics/calibration_sets.html", CALIBRATION),
    "assessment:calibration_set_detail": (
        "assessment/psychometrics/calibration_set.html",
        CALIBRATION,
    ),
    "assessment:calibration_standings": (
        "assessment/psychometrics/calibration_standings.html",
        CALIBRATION,
    ),
    "assessment:my_calibration": ("assessment/psychometrics/calibration_mine.html", CALIBRATION),
    "assessment:calibration_marking": (
        "assessment/psychometrics/calibration_marking.html",
        CALIBRATION,
    ),
    "assessment:angoff_list": ("assessment/psychometrics/angoff_list.html", ANGOFF),
    "assessment:angoff_detail": ("assessment/psychometrics/angoff_detail.html", ANGOFF),
    "assessment:angoff_rate": ("assessment/psychometrics/angoff_rate.html", ANGOFF),
    "assessment:angoff_close": (
        "assessment/psychometrics/angoff_close.html",
        NEW_ASSESSMENT + "test_closing_a_round_costs_the_same_queries_for_3_and_30_judges",
    ),
    "assessment:angoff_mine": (
        "assessment/psychometrics/angoff_mine.html",
        NEW_ASSESSMENT + "test_a_judges_exercises_cost_the_same_queries",
    ),
    # feedback
    "feedback:my_results": (
        "feedback/my_results.html",
        "feedback/tests/test_services.py::test_results_page_queries_do_not_grow_with_history",
    ),
    "feedback:worker_results": (
        "feedback/worker_results.html",
        "feedback/tests/test_list_queries.py::test_a_supervisees_results_cost_the_same_queries",
    ),
    "feedback:results_workers": (
        "feedback/results_workers.html",
        "feedback/tests/test_lists_results.py::"
        "test_the_results_list_costs_the_same_queries_for_3_and_30_workers",
    ),
    "feedback:letters": (
        "feedback/letters.html",
        "feedback/tests/test_lists_letters.py::"
        "test_the_letters_page_costs_the_same_queries_for_2_and_6_letters",
    ),
    # reporting
    # the overview and every theme page the contents list links to
    **{
        name: ("reporting/_dashboard_body.html", DASHBOARDS)
        for name in ("reporting:dashboard", *SECTION_URL_NAMES.values())
    },
    "reporting:la_reports": (
        "reporting/la_reports.html",
        "reporting/tests/test_list_queries.py::"
        "test_the_la_reports_page_costs_the_same_queries_for_3_and_30",
    ),
}

# Templates that draw rows in a loop but whose rows cannot grow with the data, and why.
KSS_AREAS = "one row per KSS area of one framework: fixed by the framework"
FIXED_ROWS = {
    "api/docs.html": "the partner API's endpoints: written in the view",
    "naas/cookies.html": "the cookies the service sets: written in the view",
    "naas/staff_import.html": "the uploaded file's errors, from the form: no query per row",
    "assessment/attempt_detail.html": "one attempt's adjustments: at most one of each kind",
    "assessment/attempt_marks.html": (
        "one attempt's markers (first, second, moderator) by KSS area, and its few outcome versions"
    ),
    "assessment/attempt_mark.html": "one attempt's marks: each KSS area's tasks",
    "assessment/outcome_detail.html": KSS_AREAS + ", and the attempt's few outcome versions",
    "assessment/outcome_confirm.html": KSS_AREAS,
    "assessment/test_result.html": KSS_AREAS,
    "assessment/test_form_detail.html": "a form's questions: fixed by its level's blueprint",
    "assessment/results_import_job.html": (
        "a results file's bad rows and corrections: one JSON field of the job, no query per row"
    ),
}

TAG = r"{%-?\s*"
INCLUDE = re.compile(TAG + r"include\s+\"([^\"]+)\"")
TBODY = re.compile(r"<tbody\b.*?</tbody>", re.DOTALL)
FOR = re.compile(TAG + r"for\b")
LIST_PARTIALS = (
    "includes/pagination.html",
    "includes/list_controls.html",
    "includes/list_head.html",
)


def _templates() -> dict[str, str]:
    roots = [TEMPLATES, *sorted(BASE.glob("*/templates"))]
    return {
        str(path.relative_to(root)): path.read_text()
        for root in roots
        for path in sorted(root.rglob("*.html"))
        if not str(path.relative_to(root)).startswith("pdf/")
    }


def _draws_rows(name: str, texts: dict[str, str], seen=()) -> bool:
    text = texts.get(name, "")
    if any(FOR.search(body) for body in TBODY.findall(text)):
        return True
    included = INCLUDE.findall(text)
    if any(partial in LIST_PARTIALS for partial in included):
        return True
    return any(
        _draws_rows(partial, texts, (*seen, name)) for partial in included if partial not in seen
    )


def list_templates(texts: dict[str, str]) -> set[str]:
    """Page templates (not partials another template includes) that draw rows in a loop."""
    partials = {partial for text in texts.values() for partial in INCLUDE.findall(text)}
    return {name for name in texts if name not in partials and _draws_rows(name, texts)}


def _url_views() -> dict[str, object]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    prefix + (f"{pattern.namespace}:" if pattern.namespace else ""),
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield prefix + pattern.name, pattern.callback

    return dict(walk(get_resolver().url_patterns))


def test_every_page_that_draws_rows_is_a_list_page_or_says_why_its_rows_are_fixed():
    named = {template for template, _ in LIST_PAGES.values()}
    drawn = list_templates(_templates())
    unclaimed = drawn - named - set(FIXED_ROWS)
    assert unclaimed == set(), "add each to LIST_PAGES with its query-count test"
    # the allow-list holds only templates that still draw rows, so it cannot go stale
    assert set(FIXED_ROWS) - drawn == set()


def test_every_list_page_is_a_url_whose_view_renders_its_template():
    views = _url_views()
    wrong = []
    for url_name, (template, _) in LIST_PAGES.items():
        if url_name not in views:
            wrong.append(f"{url_name}: no such URL")
            continue
        module = inspect.getsource(
            importlib.import_module(inspect.unwrap(views[url_name]).__module__)
        )
        if f'"{template}"' not in module:
            wrong.append(f"{url_name}: its view's module never names {template}")
    assert wrong == []


def test_every_list_page_names_a_test_that_counts_queries():
    wrong = []
    for url_name, (_, test) in LIST_PAGES.items():
        path, _, name = test.partition("::")
        tree = ast.parse((BASE / path).read_text())
        found = [
            node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name
        ]
        if not found:
            wrong.append(f"{url_name}: {test} does not exist")
        elif not re.search(r"quer(y|ies)", ast.unparse(found[0])):
            wrong.append(f"{url_name}: {test} does not count queries")
    assert wrong == []


def test_the_guard_sees_rows_drawn_directly_through_a_partial_or_a_list_partial():
    texts = {
        "direct.html": "<tbody>{% for row in rows %}<tr></tr>{% endfor %}</tbody>",
        "outer.html": '{% include "_rows.html" %}',
        "_rows.html": "<tbody>\n{% for row in rows %}<tr></tr>{% endfor %}\n</tbody>",
        "paged.html": '<ul></ul>{% include "includes/pagination.html" %}',
        "fixed.html": "<tbody><tr><td>One row</td></tr></tbody>{% for x in y %}{% endfor %}",
    }
    assert list_templates(texts) == {"direct.html", "outer.html", "paged.html"}
