"""WCAG 1.4.10 Reflow (issue 13): at 320 px no page scrolls sideways, because every data table
in a page template sits in `{% table_scroll %}`, a box that scrolls on its own and that a
keyboard can focus. A fast scan of the templates, so a new bare table fails here, not only in
the browser test (tests/browser/test_reflow.py), which opens a handful of pages."""

import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
# Not pages: PDFs are laid out by WeasyPrint on a fixed A4 page, never in a narrow browser.
NOT_PAGES = ("templates/pdf/",)

WRAPPED = re.compile(r"{%\s*table_scroll\b.*?{%\s*endtable_scroll\s*%}", re.DOTALL)
TABLE = re.compile(r"<table\b")


def page_templates() -> list[Path]:
    roots = [BASE / "templates", *sorted(BASE.glob("*/templates"))]
    return [
        path
        for root in roots
        for path in sorted(root.rglob("*.html"))
        if not str(path.relative_to(BASE)).startswith(NOT_PAGES)
    ]


def bare_tables(text: str) -> int:
    return len(TABLE.findall(WRAPPED.sub("", text)))


def test_every_table_in_a_page_template_scrolls_in_its_own_region():
    bare = {
        str(path.relative_to(BASE)): count
        for path in page_templates()
        if (count := bare_tables(path.read_text()))
    }
    assert bare == {}


def test_the_scan_sees_a_bare_table_and_a_wrapped_one():
    assert bare_tables('<table class="govuk-table"></table>') == 1
    wrapped = '{% table_scroll "Rows" %}<table class="govuk-table"></table>{% endtable_scroll %}'
    assert bare_tables(wrapped) == 0
    assert bare_tables(wrapped + "\n<table></table>") == 1
    # the scan reads every app's templates, not only the project's
    scanned = {str(path.relative_to(BASE)) for path in page_templates()}
    assert "api/templates/api/docs.html" in scanned
    assert "templates/pdf/letter.html" not in scanned
