"""Following an error summary's links in a real browser moves focus to the field at fault, on
forms of each kind of control: text boxes, a date's three boxes, radios, selects and a file
upload. (tests/test_form_errors.py sends every form empty and with nonsense, and the suite-wide
page check makes sure every link points at a control that can take focus; this shows GOV.UK
Frontend then really moves focus there.)"""

import pytest
from django.urls import reverse
from django.utils import timezone

from naas.demo import DEMO_PASSWORD, seed_core
from naas.models import LocalAuthority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _forms() -> list[tuple[str | None, str]]:
    leeds = LocalAuthority.objects.get(name="Leeds")
    return [
        (None, reverse("feedback:check_accreditation")),
        ("administrator", reverse("assessment:sitting_create")),
        ("administrator", reverse("assessment:centres")),
        ("la_lead", reverse("naas:staff_import", args=[leeds.pk])),
        ("administrator", reverse("assessment:item_create")),
    ]


def _focused_after_each_link(page) -> list[tuple[str, str]]:
    links = page.locator(".govuk-error-summary a[href^='#']")
    moves = []
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")[1:]
        link.click()
        moves.append((target, page.evaluate("() => document.activeElement.id")))
    return moves


def test_each_error_summary_link_moves_focus_to_its_field(browser, live_server, sign_in):
    # given the demo accounts and a form of each kind
    accounts = seed_core(timezone.localdate())
    checked = 0
    for role, url in _forms():
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role:
            sign_in(page, accounts[role].email, DEMO_PASSWORD)
        # when the form is sent empty
        page.goto(url)
        page.locator("main form[method=post] [type=submit]").first.click()
        page.wait_for_load_state()
        # then the summary lists the problems, and each link puts focus on its own field
        moves = _focused_after_each_link(page)
        assert moves, f"{url}: no error summary links"
        assert [target for target, _ in moves] == [focused for _, focused in moves], url
        checked += len(moves)
        context.close()
    assert checked >= len(_forms())
