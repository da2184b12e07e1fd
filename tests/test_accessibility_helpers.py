"""The markup the no-JavaScript accessibility check lays out (conftest.as_rendered_without_javascript):
what a browser with JavaScript off would show, so axe-core judges that page and not another."""

from conftest import as_rendered_without_javascript

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title>
<script nonce="n">document.body.className += ' govuk-frontend-supported';</script></head>
<body><main><noscript><p>Turn on JavaScript to see the timer</p></noscript>
<script type="module" src="/static/app.js"></script><h1>Page</h1></main></body></html>"""


def test_no_script_survives_and_noscript_content_shows():
    shown = as_rendered_without_javascript(PAGE, "http://127.0.0.1:8000/results/")
    assert "<script" not in shown and "govuk-frontend-supported" not in shown
    assert "<noscript" not in shown
    assert "<p>Turn on JavaScript to see the timer</p>" in shown
    assert "<h1>Page</h1>" in shown


def test_links_and_stylesheets_resolve_against_the_page_address():
    shown = as_rendered_without_javascript(PAGE, "http://127.0.0.1:8000/results/")
    assert shown.count("<base ") == 1
    assert '<head><base href="http://127.0.0.1:8000/results/">' in shown
