"""Feedback letters per second through the real letter path, against bare WeasyPrint.

    .venv/bin/python bench/bench_letters.py [--count 1000] [--workers 20]

Makes `--workers` social workers with published, partially met outcomes and their feedback in a
throwaway SQLite database (a temporary directory, migrated here; nothing else is touched), then
renders `--count` letters, cycling through them, three ways, letter by letter in turn:

- build: the task's whole path, `naas.services.document_build(model=Letter, render=letter_render)`
  (lock the row, read the outcome, areas and feedback, render the template, lay out a tagged
  PDF/UA-1 with the shared print CSS, save the file, mark the row ready); the row is set back to
  pending before each run;
- render: `feedback.services.letter_render(letter)` alone (reads + template + PDF, no file);
- bare: the same letter's HTML through `weasyprint.HTML(string=html).write_pdf()`: the floor.

Prints letters per second for each and each one's ratio to the floor. Not a test: figures vary
with the machine.
"""

import argparse
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import use_scratch_database

use_scratch_database("bench-letters-")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ["REDIS_URL"] = ""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naas.settings.local")

import django  # noqa: E402

django.setup()

import weasyprint  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from feedback.documents import letter_context, letter_render  # noqa: E402
from feedback.models import Letter  # noqa: E402
from naas import pdf as naas_pdf  # noqa: E402
from naas.models import DocumentState  # noqa: E402
from naas.services import document_build  # noqa: E402


def make_letters(workers: int) -> list[Letter]:
    from feedback.tests.factories import NOT_MET, PARTIAL, published_result

    with transaction.atomic():
        for n in range(workers):
            published_result(
                {5: NOT_MET, 9: PARTIAL},
                feedback={
                    5: f"Worker {n}: the analysis of risk did not weigh the history of neglect.\n\n"
                    "Look again at how chronologies inform a safety plan.",
                    9: "Reflection on supervision was brief; link decisions to research.",
                },
                suggestions={5: "Shadow a senior practitioner through an assessment."},
            )
    return list(Letter.objects.order_by("pk"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="letters per way (default 1000)")
    parser.add_argument("--workers", type=int, default=20, help="distinct letters (default 20)")
    args = parser.parse_args()
    for name in ("weasyprint", "weasyprint.progress", "fontTools", "celery"):
        logging.getLogger(name).setLevel(logging.ERROR)

    call_command("migrate", verbosity=0)
    letters = make_letters(args.workers)
    html = {
        letter.pk: naas_pdf.render_html(
            template_name="pdf/letter.html",
            context=letter_context(letter),
            title=f"Accreditation assessment result {letter.outcome.reference}",
        )
        for letter in letters
    }

    def build(letter):
        Letter.objects.filter(pk=letter.pk).update(state=DocumentState.PENDING)
        document_build(model=Letter, document_id=letter.pk, render=letter_render)

    def render(letter):
        letter_render(letter)

    def bare(letter):
        weasyprint.HTML(string=html[letter.pk]).write_pdf()

    ways = {"build": build, "render": render, "bare": bare}
    for way in ways.values():  # warm up: fonts, stylesheet, caches
        way(letters[0])
    totals = dict.fromkeys(ways, 0.0)
    for i in range(args.count):
        letter = letters[i % len(letters)]
        for name, way in ways.items():
            started = time.perf_counter()
            way(letter)
            totals[name] += time.perf_counter() - started

    floor = totals["bare"]
    print(
        f"{args.count} letters each way ({len(letters)} distinct), WeasyPrint {weasyprint.__version__}"
    )
    for name, total in totals.items():
        print(
            f"  {name:<7} {args.count / total:7.1f} letters/s  "
            f"{1000 * total / args.count:6.1f} ms/letter  ratio to bare {total / floor:4.2f}"
        )


if __name__ == "__main__":
    main()
