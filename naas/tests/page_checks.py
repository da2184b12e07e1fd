"""Checks every HTML page the test suite renders, so a whole class of GOV.UK defects fails a test
wherever it appears rather than only on the pages someone thought to test:

- a page that shows an error summary starts its title with "Error: ";
- every link in an error summary points at an element on the page that can take focus (a form
  control, or an element with a tabindex), so following it moves focus to the problem; a date
  input's link must point at one of its boxes, a radio group's at its first radio.

Installed by naas/settings/test.py as the outermost middleware; a failed check raises
AssertionError, which Django's test client re-raises in the test that made the request."""

from html.parser import HTMLParser

FOCUSABLE_TAGS = {"input", "select", "textarea", "button"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.focusable_ids: set[str] = set()
        self.all_ids: set[str] = set()
        self.summary_links: list[str] = []
        self.has_summary = False
        self._summary_depth = 0  # open elements inside the error summary
        self._in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        element_id = attributes.get("id")
        if element_id:
            self.all_ids.add(element_id)
            if tag in FOCUSABLE_TAGS or "tabindex" in attributes:
                self.focusable_ids.add(element_id)
        classes = (attributes.get("class") or "").split()
        if self._summary_depth:
            if tag not in VOID_TAGS:
                self._summary_depth += 1
            href = attributes.get("href") or ""
            if tag == "a" and href.startswith("#"):
                self.summary_links.append(href[1:])
        elif "govuk-error-summary" in classes:
            self.has_summary = True
            self._summary_depth = 1
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if self._summary_depth and tag not in VOID_TAGS:
            self._summary_depth -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def page_problems(html: str) -> list[str]:
    """What is wrong with this page's error summary (empty when nothing is)."""
    page = _PageReader()
    page.feed(html)
    if not page.has_summary:
        return []
    problems = []
    if not page.title.strip().startswith("Error: "):
        problems.append(f"an error summary but the title is {page.title.strip()!r}")
    for target in page.summary_links:
        if target not in page.all_ids:
            problems.append(f"error summary links to #{target}, which is not on the page")
        elif target not in page.focusable_ids:
            problems.append(f"error summary links to #{target}, which cannot take focus")
    return problems


class ErrorSummaryCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not getattr(response, "streaming", False):
            problems = page_problems(response.content.decode(response.charset or "utf-8"))
            assert not problems, f"{request.path}: " + "; ".join(problems)
        return response
