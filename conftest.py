"""Fixtures every suite shares: the browser for journeys, axe-core for accessibility."""

import os
import re
from pathlib import Path

import pytest
import time_machine

BASE_DIR = Path(__file__).resolve().parent
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    """NAAS_TEST_CLOCK=2031-12-31 runs the whole suite as if today were that day (the clock
    still ticks), so CI can show that no test depends on the real date. Tests that freeze the
    clock themselves travel again from there."""
    moved_to = os.environ.get("NAAS_TEST_CLOCK")
    if moved_to:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        start = datetime.fromisoformat(moved_to).replace(tzinfo=ZoneInfo("Europe/London"))
        if start.hour == 0 and "T" not in moved_to:
            start = start.replace(hour=10)
        config._naas_clock = time_machine.travel(start, tick=True)
        config._naas_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_naas_clock", None)
    if clock is not None:
        clock.stop()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for browser tests: apt-get install chromium ({CHROMIUM})")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test inject axe-core; the pages themselves keep their CSP.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1100, "height": 900}, bypass_csp=True
    )
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.2 AA rules on the current page; return the violations."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
NOSCRIPT = re.compile(r"</?noscript>", re.I)
HEAD = re.compile(r"<head\b[^>]*>", re.I)


def as_rendered_without_javascript(html: str, base: str) -> str:
    """The page as a browser with JavaScript off shows it: no script runs (so GOV.UK Frontend
    never marks the body as supported or enhances a component) and <noscript> content shows.
    A <base> keeps the stylesheets and links resolving when the markup is loaded elsewhere."""
    html = NOSCRIPT.sub("", SCRIPT.sub("", html))
    return HEAD.sub(lambda head: f'{head.group(0)}<base href="{base}">', html, count=1)


def _markup_as_sent(page) -> str:
    """The current page's markup as the server sends it: fetched again with the page's own
    cookies. A page reached by a POST (a form shown again with its errors) cannot be fetched
    again, so its live markup stands in, without the mark GOV.UK Frontend's script leaves."""
    again = page.context.request.get(page.url, max_redirects=0)
    if again.ok and again.headers.get("content-type", "").startswith("text/html"):
        return again.text()
    return page.content().replace("govuk-frontend-supported", "")


def axe_violations_without_javascript(page) -> list[dict]:
    """axe-core's violations on the current page rendered with no script run. axe itself
    needs JavaScript, so the markup, stripped of its scripts, is laid out in a scratch tab of
    the same context."""
    html = _markup_as_sent(page)
    scratch = page.context.new_page()
    try:
        scratch.set_content(as_rendered_without_javascript(html, page.url))
        return axe_violations(scratch)
    finally:
        scratch.close()


@pytest.fixture
def assert_accessible():
    """axe-core finds nothing on the page, as shown with JavaScript and without it."""

    def check(page):
        violations = axe_violations(page)
        assert violations == [], f"axe-core violations on {page.url}: {violations}"
        without = axe_violations_without_javascript(page)
        assert without == [], f"axe-core violations without JavaScript on {page.url}: {without}"

    return check


@pytest.fixture
def sign_in():
    """Sign in through the real sign-in page."""

    def act(page, email, password):
        page.goto("/sign-in/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.click("button[type=submit], input[type=submit]")

    return act


@pytest.fixture
def real_celery_worker(settings):
    """A real Celery worker in a thread, consuming from the configured broker (Redis in CI).
    Tests using it need `@pytest.mark.django_db(transaction=True)`."""
    import celery.contrib.testing.tasks  # noqa: F401  (registers the ping task the worker needs)
    from celery._state import _set_task_join_will_block
    from celery.contrib.testing.worker import start_worker

    from naas.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=30):
            yield app
    finally:
        app.conf.task_always_eager = True
        # A worker's pool marks the process as "inside a task" (join would block); the flag is
        # global, so a later test's eager result.get() would be refused. Clear it.
        _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _kss_frameworks(request):
    """Transactional tests flush the KSS frameworks the data migration loaded: load them again
    for every database test."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not {"db", "transactional_db", "live_server"} & names:
        return
    transactional = bool(names & {"transactional_db", "live_server"}) or bool(
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from naas.tests.factories import ensure_kss_frameworks

    # A transactional test's flush re-creates content types under new ids: a cached id from
    # before would point the next test's audit events at a row that is gone.
    if _flushed_since_last_test[0]:
        _forget_content_types()
    _flushed_since_last_test[0] = transactional

    ensure_kss_frameworks()


_flushed_since_last_test = [False]


def _forget_content_types():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits are kept in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
