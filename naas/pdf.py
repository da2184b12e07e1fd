"""PDF rendering for letters, certificates and reports: a Django template in, tagged A4 PDF bytes out.

Every PDF goes through `render_pdf`. It is safe and fast by construction:

- the template is rendered by Django with autoescaping, so names and feedback that contain HTML
  appear as text and are never interpreted;
- WeasyPrint can load only the app's own static files (`naasstatic:<path>` URLs, or paths under
  STATIC_URL as the `static` tag writes them, found through Django's staticfiles finders) and
  `data:` URLs. Everything else (http, https, file, ftp, other schemes, relative paths, `..`) is
  refused before any socket or file is opened, and WeasyPrint leaves that resource out;
- the print stylesheet (static/pdf/print.css, GOV.UK Transport fonts) is parsed once per worker
  process with one FontConfiguration (and once more per extra thread, since WeasyPrint's font
  objects are not safe to share between threads), static bytes are cached in memory and images in
  a per-thread cache, so a letter costs about what WeasyPrint needs to lay out its HTML;
- the PDF is tagged (PDF/UA-1 variant: a structure tree, real text), with the document's title
  and language from the layout's `<title>` and `<html lang>`.

Templates extend `pdf/base.html`; `render_pdf` gives them `pdf_title` and `pdf_lang`. Addresses
printed in a document (the public check page, where to book or ask) come from `site_url`.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# No hyphen: Django's manifest storage leaves URLs with a plain-letter scheme alone.
STATIC_SCHEME = "naasstatic"
# Relative references in a PDF template resolve against this base, which no other fetcher knows:
# "/assets/x.png" and "images/x.png" reach the fetcher unchanged and are judged there.
BASE_URL = f"{STATIC_SCHEME}:/"
PRINT_STYLESHEET = "pdf/print.css"
# PDF/UA-1 turns on pdf_tags (a structure tree for screen readers) and writes XMP metadata.
PDF_VARIANT = "pdf/ua-1"
IMAGE_CACHE_LIMIT = 200  # entries (an image can take a few)

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf"}


class ResourceRefused(ValueError):
    """A PDF template referred to something other than the app's static files or a data: URL."""


def static_path_for(url: str) -> str:
    """The staticfiles path a URL names, or ResourceRefused if it may not be loaded."""
    if url.startswith(f"{STATIC_SCHEME}:"):
        path = url[len(STATIC_SCHEME) + 1 :]
    elif settings.STATIC_URL.startswith("/") and url.startswith(settings.STATIC_URL):
        path = url[len(settings.STATIC_URL) :]
    else:
        raise ResourceRefused("only the app's static files and data: URLs may be loaded")
    path = unquote(path.split("#", 1)[0].split("?", 1)[0])
    segments = path.split("/")
    if (
        not path
        or path.startswith("/")
        or any(character in path for character in ("\\", "\x00", ":"))
        or any(segment in ("", ".", "..") for segment in segments)
    ):
        raise ResourceRefused("not a plain path inside the static files")
    return path


@lru_cache(maxsize=256)
def _static_file(path: str) -> tuple[bytes, str]:
    """The bytes and media type of one static file, read once per process."""
    found = finders.find(path)
    if not found:
        raise ResourceRefused("no such static file")
    if isinstance(found, list):  # find(all=True) shape; never asked for here
        found = found[0]
    file = Path(found)
    media_type = _FONT_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
    return file.read_bytes(), media_type or "application/octet-stream"


class StaticOnlyURLFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to the app's static files and data: URLs.

    `fetch` never calls the parent's, and the parent is built with no allowed protocol, so even a
    call that slipped past `fetch` could not open a socket or a file.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=frozenset(), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # DataHandler only decodes the URL itself: no socket, no file.
            response = DataHandler().data_open(Request(url))  # noqa: S310
            return URLFetcherResponse(
                url, response.read(), {"Content-Type": response.headers["Content-Type"]}
            )
        body, media_type = _static_file(static_path_for(url))
        return URLFetcherResponse(url, body, {"Content-Type": media_type})

    def open(self, url, data=None, timeout=None):
        return self.fetch(url.full_url if isinstance(url, Request) else url)


@dataclass(frozen=True)
class _Renderer:
    """What one thread reuses between renders: fonts, the parsed print CSS, decoded images."""

    fetcher: StaticOnlyURLFetcher
    font_config: FontConfiguration
    stylesheet: CSS
    image_cache: dict


_local = threading.local()


def _renderer() -> _Renderer:
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        fetcher = StaticOnlyURLFetcher()
        font_config = FontConfiguration()
        css_bytes, _ = _static_file(PRINT_STYLESHEET)
        stylesheet = CSS(
            string=css_bytes.decode("utf-8"),
            base_url=BASE_URL,
            url_fetcher=fetcher,
            font_config=font_config,
        )
        renderer = _Renderer(fetcher, font_config, stylesheet, image_cache={})
        _local.renderer = renderer
    return renderer


def warm_up() -> None:
    """Parse the print stylesheet and load its fonts now (a worker process calls this once when it
    starts, so the first letter it makes costs no more than the others)."""
    _renderer()


def reset_caches() -> None:
    """Forget cached static files and this thread's parsed stylesheet (after a settings change)."""
    _static_file.cache_clear()
    _local.renderer = None


@receiver(setting_changed)
def _reset_on_static_settings_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STATIC_URL", "STATICFILES_DIRS", "STATICFILES_FINDERS", "INSTALLED_APPS"}:
        reset_caches()


# Where the site is served when NAAS_SITE_URL is not set (a local demo or the tests).
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


def site_url(path: str) -> str:
    """The absolute address of one of the service's pages, for a PDF (where a reader cannot click
    a relative link): NAAS_SITE_URL (the public address) followed by the path."""
    if not path.startswith("/"):
        raise ValueError("site_url takes a path that starts with /")
    base = (getattr(settings, "NAAS_SITE_URL", "") or DEVELOPMENT_SITE_URL).rstrip("/")
    return f"{base}{path}"


def render_html(*, template_name: str, context: dict, title: str, lang: str = "en-GB") -> str:
    """The PDF's HTML: the template rendered with autoescaping, plus pdf_title and pdf_lang."""
    if not title or not title.strip():
        raise ValueError("a PDF needs a title")
    if not _LANGUAGE_TAG.fullmatch(lang):
        raise ValueError("lang must be a language tag such as en-GB")
    return render_to_string(template_name, {**context, "pdf_title": title, "pdf_lang": lang})


def html_to_pdf(html: str) -> bytes:
    """Lay out HTML from a PDF template as a tagged A4 PDF with the shared print stylesheet."""
    renderer = _renderer()
    # Static images repeat from letter to letter; per-letter data: images would make the cache grow
    # without end, so it is emptied now and then (between renders: never while one is under way).
    if len(renderer.image_cache) > IMAGE_CACHE_LIMIT:
        renderer.image_cache.clear()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=renderer.fetcher)
    return document.write_pdf(
        stylesheets=[renderer.stylesheet],
        font_config=renderer.font_config,
        pdf_variant=PDF_VARIANT,
        cache=renderer.image_cache,
    )


def render_pdf(*, template_name: str, context: dict, title: str, lang: str = "en-GB") -> bytes:
    """Render a template that extends pdf/base.html to PDF bytes (see the module's docstring)."""
    return html_to_pdf(
        render_html(template_name=template_name, context=context, title=title, lang=lang)
    )
