"""How fast naas.pdf renders letters, against WeasyPrint rendering the same HTML on its own.

    .venv/bin/python bench/bench_pdf.py [--count 200]

Renders `--count` sample letters (templates/pdf/sample_letter.html) four ways and prints letters
per second for each, and each one's time relative to the floor:

- render_pdf: the app's path (template rendering, shared print CSS and fonts, static-only fetcher,
  tagged PDF/UA-1);
- bare: the same HTML through `weasyprint.HTML(string=html).write_pdf()`, no stylesheet, no
  tagging: the floor;
- naive: the same HTML, CSS and options, but the CSS and fonts parsed afresh for every letter (what
  render_pdf would cost without its reuse);
- reused, untagged: render_pdf's reuse without PDF/UA tags (what the tagging costs).

The four run in turn, letter by letter, so a change in the machine's load falls on all of them.
Not a test: figures vary with the machine. WeasyPrint's progress logging is silenced for all four.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naas.settings.local")

import django

django.setup()

import weasyprint  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from naas import pdf as naas_pdf  # noqa: E402
from naas.tests.letters import sample_letter_context  # noqa: E402

TEMPLATE = "pdf/sample_letter.html"
TITLE = "Your accreditation assessment result"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="letters per way (default 200)")
    count = parser.parse_args().count
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)

    context = sample_letter_context()
    html = naas_pdf.render_html(template_name=TEMPLATE, context=context, title=TITLE)
    css_text = naas_pdf._static_file(naas_pdf.PRINT_STYLESHEET)[0].decode("utf-8")

    def ours():
        naas_pdf.render_pdf(template_name=TEMPLATE, context=context, title=TITLE)

    def bare():
        weasyprint.HTML(string=html).write_pdf()

    def naive():
        fetcher = naas_pdf.StaticOnlyURLFetcher()
        font_config = FontConfiguration()
        stylesheet = weasyprint.CSS(
            string=css_text,
            base_url=naas_pdf.BASE_URL,
            url_fetcher=fetcher,
            font_config=font_config,
        )
        weasyprint.HTML(string=html, base_url=naas_pdf.BASE_URL, url_fetcher=fetcher).write_pdf(
            stylesheets=[stylesheet], font_config=font_config, pdf_variant=naas_pdf.PDF_VARIANT
        )

    def untagged():
        renderer = naas_pdf._renderer()
        weasyprint.HTML(
            string=html, base_url=naas_pdf.BASE_URL, url_fetcher=renderer.fetcher
        ).write_pdf(
            stylesheets=[renderer.stylesheet],
            font_config=renderer.font_config,
            cache=renderer.image_cache,
        )

    start = time.perf_counter()
    ours()
    first = time.perf_counter() - start
    bare()  # warm WeasyPrint's own start-up (Pango, fontconfig) before the floor is timed

    print(
        f"WeasyPrint {weasyprint.__version__}; {count} letters each; first render_pdf call "
        f"(parses the print CSS and fonts) {first * 1000:.0f} ms"
    )
    ways = {
        "render_pdf": ours,
        "bare WeasyPrint (floor)": bare,
        "naive (CSS+fonts each time)": naive,
        "reused, untagged": untagged,
    }
    # Round-robin, so that a change in the machine's load falls on every way alike.
    times = {label: [] for label in ways}
    for _ in range(count):
        for label, render in ways.items():
            start = time.perf_counter()
            render()
            times[label].append(time.perf_counter() - start)

    floor = statistics.fmean(times["bare WeasyPrint (floor)"])
    print(f"{'way':<30}{'letters/s':>10}{'median ms':>11}{'p95 ms':>8}{'time × floor':>14}")
    for label, samples in times.items():
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(
            f"{label:<30}{len(samples) / sum(samples):>10.1f}"
            f"{statistics.median(samples) * 1000:>11.1f}{p95 * 1000:>8.1f}"
            f"{statistics.fmean(samples) / floor:>14.2f}"
        )


if __name__ == "__main__":
    main()
