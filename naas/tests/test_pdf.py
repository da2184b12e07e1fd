"""The shared PDF layer: what a letter says, what it looks like to a reader, and what it may load."""

import base64
import io
import shutil
import subprocess
import sys
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import weasyprint
from pypdf import PdfReader

from naas import pdf as naas_pdf
from naas.pdf import (
    ResourceRefused,
    StaticOnlyURLFetcher,
    html_to_pdf,
    render_html,
    render_pdf,
    static_path_for,
)
from naas.tests.letters import sample_letter_context

LETTER = "pdf/sample_letter.html"
TITLE = "Your accreditation assessment result"
# A 1×1 transparent PNG.
PNG_DATA_URL = "data:image/png;base64," + base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode("ascii")


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


# ---------------------------------------------------------------- recording what a render touches


class _AuditLog:
    """Records network and urllib activity (and opens of /etc/passwd) while `recording`.

    Python audit hooks cannot be removed, so one hook is installed for the whole run and does
    nothing unless a test switches recording on.
    """

    EVENTS = {"urllib.Request", "socket.connect", "socket.getaddrinfo", "socket.gethostbyname"}

    def __init__(self) -> None:
        self.recording = False
        self.events: list[tuple[str, str]] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if not self.recording:
            return
        if event in self.EVENTS:
            self.events.append((event, repr(args)[:200]))
        elif event == "open" and isinstance(args[0], str) and args[0].startswith("/etc/"):
            self.events.append((event, args[0]))


_audit_log = _AuditLog()


@pytest.fixture
def audit_log():
    _audit_log.events = []
    _audit_log.recording = True
    yield _audit_log
    _audit_log.recording = False


@pytest.fixture
def recording_http_server():
    """A web server on a random local port that records every request it gets."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.requests = requests
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def pdf_template_dir(tmp_path, settings):
    """A template folder the test can write PDF templates into."""
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    (tmp_path / "pdf_test").mkdir()
    return tmp_path / "pdf_test"


# ---------------------------------------------------------------- the sample letter


def test_sample_letter_renders_with_its_content():
    # given the sample letter's context
    context = sample_letter_context()

    # when it is rendered
    pdf = render_pdf(template_name=LETTER, context=context, title=TITLE)

    # then it is a PDF whose text has the letter's facts, every area's result and the feedback
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in [
        "Department for Education",
        "Social work accreditation",
        "Your accreditation assessment result",
        "Dear Amara Okafor,",
        "NAAS-2026-000123",
        "SW123456",
        "23 November 2026",
        "Your result: Partially met",
        "Result for each area",
        "The analysis of risk did not weigh the history of neglect.",
        "Look again at how chronologies inform a safety plan.",
        "What happens next",
        "Book a fast-track retake of the areas not met before 23 May 2027.",
    ]:
        assert expected in text
    for area in context["areas"]:
        # a long area name may wrap inside its table cell
        assert " ".join(area["name"].split()[:3]) in text
    assert text.count("Not met") == 2


def test_every_page_has_its_number_of_the_total_and_the_reference():
    # given the sample letter, which takes two pages
    pdf = render_pdf(template_name=LETTER, context=sample_letter_context(), title=TITLE)
    pages = PdfReader(io.BytesIO(pdf)).pages

    # then each page's footer says which page of how many, and the letter's reference
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of 2" in text
        assert "Reference NAAS-2026-000123" in text


def test_the_letter_uses_the_gov_uk_typeface_from_the_static_files_and_no_serif():
    # when the sample letter is rendered
    pdf = render_pdf(template_name=LETTER, context=sample_letter_context(), title=TITLE)

    # then its text, page numbers included, is set in GDS Transport (regular and bold), embedded
    fonts = embedded_fonts(pdf)
    assert fonts == {"GDS-Transport", "GDS-Transport-Bold"}


def test_the_pdf_has_the_title_the_language_and_a_structure_tree():
    # when a letter is rendered with a title, in Welsh
    pdf = render_pdf(
        template_name=LETTER, context=sample_letter_context(), title="Eich canlyniad", lang="cy"
    )

    # then the PDF's metadata carries the title and the language, and it is tagged
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Eich canlyniad"
    assert root["/Lang"] == "cy"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_the_default_language_is_british_english():
    # when a letter is rendered without a language
    pdf = render_pdf(template_name=LETTER, context=sample_letter_context(), title=TITLE)

    # then the document language is en-GB
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "en-GB"


# ---------------------------------------------------------------- hostile and unusual input


def test_html_in_names_and_feedback_appears_as_text():
    # given a name and feedback that contain markup
    markup = "<b>bold</b><script>alert(1)</script>"
    context = sample_letter_context(
        worker_name=markup,
        areas=[{"name": "Communication", "result": "Not met", "feedback": f"See {markup}"}],
    )

    # when the letter is rendered
    html = render_html(template_name=LETTER, context=context, title=TITLE)
    pdf = html_to_pdf(html)

    # then the markup is escaped in the HTML and printed literally in the PDF
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = pdf_text(pdf)
    assert f"Dear {markup}," in text
    assert f"See {markup}" in text


def test_a_url_in_feedback_is_printed_and_not_fetched(recording_http_server, audit_log):
    # given feedback that contains markup pointing at a local web server
    url = f"http://127.0.0.1:{recording_http_server.server_port}/feedback.png"
    context = sample_letter_context(
        areas=[{"name": "Communication", "result": "Met", "feedback": f'<img src="{url}">'}]
    )

    # when the letter is rendered
    pdf = render_pdf(template_name=LETTER, context=context, title=TITLE)

    # then the URL is text in the letter and nothing was requested
    assert url in pdf_text(pdf).replace("\n", "")
    assert recording_http_server.requests == []
    assert audit_log.events == []


def test_a_template_cannot_fetch_from_the_network_or_the_disk(
    pdf_template_dir, recording_http_server, audit_log
):
    # given a PDF template that refers to a local web server and to files outside the static files
    base = f"http://127.0.0.1:{recording_http_server.server_port}"
    (pdf_template_dir / "hostile.html").write_text(
        '{% extends "pdf/base.html" %}{% block head_extra %}'
        f'<link rel="stylesheet" href="{base}/style.css">'
        f"<style>@import url({base}/import.css); body {{ background: url({base}/bg.png); }}"
        f"@font-face {{ font-family: Remote; src: url({base}/font.woff2); }}</style>"
        "{% endblock %}{% block content %}"
        f'<p>Hostile template</p><img src="{base}/image.png" alt="">'
        f'<img src="https://127.0.0.1:{recording_http_server.server_port}/secure.png" alt="">'
        '<img src="file:///etc/passwd" alt=""><img src="/etc/passwd" alt="">'
        '<object data="file:///etc/passwd" type="image/png"></object>'
        '<img src="naasstatic:../../../../etc/passwd" alt="">'
        '<img src="/assets/../../../etc/passwd" alt="">'
        "{% endblock %}"
    )

    # when it is rendered
    pdf = render_pdf(template_name="pdf_test/hostile.html", context={}, title="Hostile")

    # then the PDF is produced without any of those resources, and no request or read happened
    assert "Hostile template" in pdf_text(pdf)
    assert image_count(pdf) == 0
    assert recording_http_server.requests == []
    assert audit_log.events == []

    # control: WeasyPrint's own fetcher, given the same HTML, does reach the server and the disk,
    # so the checks above are not vacuous
    html = render_html(template_name="pdf_test/hostile.html", context={}, title="Hostile")
    weasyprint.HTML(string=html, base_url=str(pdf_template_dir)).write_pdf()
    assert {"/style.css", "/image.png"} <= set(recording_http_server.requests)
    assert ("open", "/etc/passwd") in audit_log.events


def test_a_template_can_use_the_apps_static_files_and_data_urls(pdf_template_dir, audit_log):
    # given a PDF template with a static image (static tag and naasstatic:) and a data: image
    (pdf_template_dir / "images.html").write_text(
        '{% extends "pdf/base.html" %}{% load static %}{% block content %}'
        '<img src="{% static "images/govuk-icon-180.png" %}" alt="Crown">'
        '<img src="naasstatic:images/govuk-icon-192.png" alt="Crown">'
        f'<img src="{PNG_DATA_URL}" alt="">'
        "{% endblock %}"
    )

    # when it is rendered twice (the second time from the image cache)
    pdfs = [
        render_pdf(template_name="pdf_test/images.html", context={}, title="Images")
        for _ in range(2)
    ]

    # then all three images are in each PDF, and nothing went near the network
    assert [image_count(pdf) for pdf in pdfs] == [3, 3]
    assert audit_log.events == []


def test_the_image_cache_is_emptied_when_it_grows_too_big(pdf_template_dir, monkeypatch):
    # given a small image cache limit and a template with an image
    monkeypatch.setattr(naas_pdf, "IMAGE_CACHE_LIMIT", 2)
    (pdf_template_dir / "image.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}'
        '<img src="{{ image }}" alt="">{% endblock %}'
    )
    images = ["naasstatic:images/govuk-icon-180.png", "naasstatic:images/govuk-icon-192.png"]

    # when letters with different images are rendered
    pdfs = [
        render_pdf(template_name="pdf_test/image.html", context={"image": image}, title="Image")
        for image in [*images, *images]
    ]

    # then the cache stays small and every letter still has its image
    assert len(naas_pdf._renderer().image_cache) <= 2 + 3
    assert [image_count(pdf) for pdf in pdfs] == [1, 1, 1, 1]


def test_non_latin_text_renders_and_can_be_extracted():
    # given names and feedback in Polish, Greek, Arabic and Welsh
    polish, greek, arabic, welsh = (
        "Zażółć gęślą jaźń",
        "Γαζέες καὶ μυρτιὲς",
        "مرحبا بالعالم",
        "Ŵyr Siân ŷd",
    )
    context = sample_letter_context(
        worker_name=polish,
        areas=[
            {"name": "Communication", "result": "Not met", "feedback": greek},
            {"name": "Child development", "result": "Not met", "feedback": arabic},
            {"name": "Organisational context", "result": "Met", "feedback": welsh},
        ],
    )

    # when the letter is rendered
    pdf = render_pdf(template_name=LETTER, context=context, title=f"Letter for {polish}")

    # then every script's text is in the PDF as text
    text = unicodedata.normalize("NFKC", pdf_text(pdf))
    for expected in (polish, greek, arabic, welsh):
        assert unicodedata.normalize("NFKC", expected) in text
    assert PdfReader(io.BytesIO(pdf)).metadata.title == f"Letter for {polish}"


@pytest.mark.parametrize(
    "feedback",
    [
        pytest.param(("Reflect on the evidence. " * 800)[:20_000], id="20000 characters of words"),
        pytest.param("x" * 20_000, id="one 20000-character word"),
    ],
)
def test_very_long_feedback_runs_onto_more_pages_and_nothing_is_lost(feedback):
    # given 20,000 characters of feedback for one area
    context = sample_letter_context(
        areas=[{"name": "Communication", "result": "Not met", "feedback": feedback}]
    )

    # when the letter is rendered
    pdf = render_pdf(template_name=LETTER, context=context, title=TITLE)

    # then it spans several pages and all of the text is there, in order, once the running
    # footers (which the extracted text puts among the lines) are taken out
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 2
    body = "".join(
        "".join(page.extract_text().split())
        .replace("ReferenceNAAS-2026-000123", "")
        .replace(f"Page{number}of{len(pages)}", "")
        for number, page in enumerate(pages, start=1)
    )
    assert "".join(feedback.split()) in body


@pytest.mark.parametrize("title", ["", "   "])
def test_a_pdf_without_a_title_is_refused(title):
    with pytest.raises(ValueError, match="title"):
        render_pdf(template_name=LETTER, context=sample_letter_context(), title=title)


@pytest.mark.parametrize("lang", ["", "english", 'en" onload="x', "en_GB", "e"])
def test_a_language_that_is_not_a_language_tag_is_refused(lang):
    with pytest.raises(ValueError, match="lang"):
        render_pdf(template_name=LETTER, context=sample_letter_context(), title=TITLE, lang=lang)


# ---------------------------------------------------------------- the URL fetcher


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "https://www.gov.uk/assets/fonts/bold.woff2",
        "HTTP://example.com/x.png",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "ftp://example.com/x.png",
        "gopher://127.0.0.1:6379/_INFO",
        "javascript:alert(1)",
        "about:blank",
        "/etc/passwd",
        "images/govuk-icon-180.png",
        "naasstatic:",
        "naasstatic:/etc/passwd",
        "naasstatic://evil.example/x.png",
        "naasstatic:../naas/settings/base.py",
        "naasstatic:fonts/../../package.json",
        "naasstatic:fonts/%2e%2e/%2e%2e/package.json",
        "naasstatic:fonts\\..\\..\\package.json",
        "naasstatic:./pdf/print.css",
        "naasstatic:pdf//print.css",
        "naasstatic:C:/Windows/win.ini",
        "naasstatic:pdf/print.css%00.png",
        "naasstatic:fonts/missing.woff2",
        "/assets/../naas/settings/base.py",
        "/assets/%2E%2E/naas/settings/base.py",
        "/assets/",
        "/static/pdf/print.css",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files_and_data_urls(url, audit_log):
    # given the PDF layer's fetcher
    fetcher = StaticOnlyURLFetcher()

    # when it is asked for something that is not one of the app's static files
    # then it refuses, before any network activity
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    with pytest.raises(ResourceRefused):
        fetcher(url)
    assert audit_log.events == []


@pytest.mark.parametrize(
    ("url", "media_type", "starts_with"),
    [
        ("naasstatic:fonts/bold-b542beb274-v2.woff2", "font/woff2", b"wOF2"),
        ("/assets/fonts/light-94a07e06a1-v2.woff2", "font/woff2", b"wOF2"),
        ("naasstatic:pdf/print.css", "text/css", b"/*"),
        ("/assets/images/govuk-icon-180.png?v=1#x", "image/png", b"\x89PNG"),
        ("data:text/plain;base64,SGVsbG8=", "text/plain", b"Hello"),
        (PNG_DATA_URL, "image/png", b"\x89PNG"),
    ],
)
def test_the_fetcher_serves_static_files_and_data_urls(url, media_type, starts_with):
    # when the fetcher is asked for a static file or a data: URL
    response = StaticOnlyURLFetcher().fetch(url)

    # then it answers with the bytes and their media type
    assert response.read().startswith(starts_with)
    assert response.content_type == media_type


def test_the_fetchers_fallback_to_weasyprints_own_fetching_is_closed():
    # given the fetcher, whose parent class can open URLs
    fetcher = StaticOnlyURLFetcher()

    # when the parent's fetch is reached by any route
    # then it allows no protocol at all
    with pytest.raises(ValueError, match="disallowed protocol"):
        super(StaticOnlyURLFetcher, fetcher).fetch("file:///etc/passwd")


def test_static_path_for_names_the_file_under_the_static_url():
    assert static_path_for("/assets/fonts/a.woff2") == "fonts/a.woff2"
    assert static_path_for("naasstatic:pdf/print.css") == "pdf/print.css"
    assert static_path_for("naasstatic:images/a%20b.png") == "images/a b.png"


# ---------------------------------------------------------------- reuse between renders


def test_static_files_are_read_once_and_the_stylesheet_parsed_once(monkeypatch):
    # given fresh caches, and a count of the finder lookups
    naas_pdf.reset_caches()
    lookups = []
    real_find = naas_pdf.finders.find
    monkeypatch.setattr(
        naas_pdf.finders, "find", lambda path, **kw: lookups.append(path) or real_find(path, **kw)
    )

    # when three letters are rendered
    for _ in range(3):
        render_pdf(template_name=LETTER, context=sample_letter_context(), title=TITLE)
    renderer = naas_pdf._renderer()

    # then the stylesheet and each font were looked up once, and one renderer served them all
    assert sorted(lookups) == [
        "fonts/bold-b542beb274-v2.woff2",
        "fonts/light-94a07e06a1-v2.woff2",
        "pdf/print.css",
    ]
    assert naas_pdf._renderer() is renderer


def test_changing_the_static_settings_forgets_the_caches(settings):
    # given a renderer in use
    render_pdf(template_name=LETTER, context=sample_letter_context(), title=TITLE)
    renderer = naas_pdf._renderer()

    # when the static files settings change
    settings.STATIC_URL = "/static/"

    # then a new renderer is built, which serves the new static URL
    assert naas_pdf._renderer() is not renderer
    assert StaticOnlyURLFetcher().fetch("/static/pdf/print.css").read().startswith(b"/*")


def test_threads_render_at_the_same_time():
    # given four threads, each with its own renderer
    def render(name):
        return pdf_text(
            render_pdf(
                template_name=LETTER, context=sample_letter_context(worker_name=name), title=TITLE
            )
        )

    # when they render letters at the same time
    names = [f"Worker {n}" for n in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(render, names))

    # then every letter is right
    for name, text in zip(names, texts, strict=True):
        assert f"Dear {name}," in text


def _embedded_font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.skipif(
    not shutil.which("fc-list")
    or "Noto Sans CJK" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout,
    reason="needs Debian's fonts-noto-cjk (installed by .ci/run and the Dockerfile)",
)
def test_chinese_japanese_and_korean_names_are_drawn_with_a_cjk_font():
    # given a worker whose name mixes Chinese, Korean and Japanese
    name = "王小明 김민수 さくら"
    # when their letter is rendered
    pdf = render_pdf(
        template_name=LETTER, context=sample_letter_context(worker_name=name), title="Letter"
    )
    # then the name is real text and a CJK font is embedded to draw it (not empty boxes)
    assert name in pdf_text(pdf)
    assert any("CJK" in font for font in _embedded_font_names(pdf))
