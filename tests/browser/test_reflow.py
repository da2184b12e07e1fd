"""WCAG 1.4.10 Reflow: at 320 CSS px wide (400% zoom of a 1280 px screen) the key page of each
demo role never scrolls sideways. Wide tables scroll inside their own focusable region
({% table_scroll %}) instead, and status tags keep their words together."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessment.models import Allocation, Outcome
from naas.models import LocalAuthority, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFLOW_WIDTH = 320
DEMO_PASSWORD = "Accredit-Demo-2026"


def demo_pages() -> dict[str, list[str]]:
    """The key pages of each demo account, found in the seeded demo world."""
    call_command("seed_demo", stdout=StringIO())
    worker = User.objects.get(email="worker@demo.naas.test").social_worker
    outcome = Outcome.objects.filter(published_at__isnull=False, attempt__worker=worker).first()
    leeds = LocalAuthority.objects.get(name="Leeds")
    marking = Allocation.objects.filter(
        assessor__email="assessor@demo.naas.test", active=True, submitted_at__isnull=True
    ).first()
    return {
        "worker@demo.naas.test": [reverse("feedback:my_results")],
        "supervisor@demo.naas.test": [
            reverse("endorsement:supervisees"),
            reverse("endorsement:supervisee", args=[worker.pk]),
            reverse("feedback:worker_results", args=[worker.pk]),
        ],
        "lead@demo.naas.test": [
            reverse("naas:staff_list", args=[leeds.pk]),
            reverse("assessment:la_bookings"),
            reverse("endorsement:confirmation_queue"),
            reverse("reporting:la_reports", args=[leeds.pk]),
        ],
        "admin@demo.naas.test": [
            reverse("assessment:outcome_detail", args=[outcome.pk]),
            reverse("assessment:outcome_list"),
            # wide tables wrapped in December 2026 (tests/test_table_scroll.py)
            reverse("assessment:admin_home"),
            reverse("assessment:item_list"),
            reverse("assessment:published_outcome_list"),
            reverse("assessment:allocation_queue"),
            reverse("feedback:letters"),
        ],
        "dfe@demo.naas.test": [
            reverse("reporting:dashboard"),
            reverse("reporting:dashboard_local_authorities"),
        ],
        "assessor@demo.naas.test": [reverse("assessment:attempt_mark", args=[marking.attempt_id])],
    }


def signed_in_page(browser, live_server, email):
    # bypass_csp lets the test inject axe-core, as in conftest's `page`
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": REFLOW_WIDTH, "height": 800},
        bypass_csp=True,
    )
    page = context.new_page()
    page.goto("/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return context, page


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_key_pages_of_every_role_reflow_at_320_css_px(browser, live_server):
    too_wide = []
    for email, paths in demo_pages().items():
        context, page = signed_in_page(browser, live_server, email)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (email, path, response.status)
            if page_width(page) > REFLOW_WIDTH:
                too_wide.append(f"{email} {path}: {page_width(page)} px wide")
        context.close()
    assert too_wide == []


def test_a_wide_table_scrolls_in_a_named_region_a_keyboard_can_reach(
    browser, live_server, assert_accessible
):
    pages = demo_pages()
    context, page = signed_in_page(browser, live_server, "supervisor@demo.naas.test")
    page.goto(pages["supervisor@demo.naas.test"][0])
    region = page.get_by_role("region", name="Your supervisees")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    # the page itself does not scroll; the keyboard scrolls the table
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    assert page_width(page) <= REFLOW_WIDTH
    # a status tag in a table stays on one line
    tag = region.locator(".govuk-tag").first
    assert tag.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    assert_accessible(page)
    context.close()
