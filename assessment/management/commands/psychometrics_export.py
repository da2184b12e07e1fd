"""Write the knowledge-test responses, double marks and equality groups behind the technical
report as CSV files, so the figures can be recomputed outside the service.

    manage.py psychometrics_export --out DIR [--window-start 2026-01-01] [--window-end ...]

Candidates and attempts appear only by pseudonymous id (selectors.psychometrics.pseudonym).
Each file is written to a temporary file in DIR and renamed, so a reader never sees half of
one."""

import os
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from naas.csv_export import write_rows

from ...selectors import psychometrics as reads

FILES = ("item_responses.csv", "double_marks.csv", "groups.csv")


def add_window_arguments(parser) -> None:
    parser.add_argument("--window-start", help="first sitting date, YYYY-MM-DD (default: all)")
    parser.add_argument("--window-end", help="last sitting date, YYYY-MM-DD (default: all)")


def window_from_options(options) -> dict:
    """{"window_start", "window_end"} as dates; CommandError naming a bad or reversed one."""
    window = {}
    for name in ("window_start", "window_end"):
        text = options.get(name)
        try:
            window[name] = date.fromisoformat(text) if text else None
        except ValueError:
            flag = "--" + name.replace("_", "-")
            raise CommandError(f"{flag} must be a date like 2026-04-30, not {text!r}") from None
    start, end = window["window_start"], window["window_end"]
    if start and end and start > end:
        raise CommandError("--window-start must be on or before --window-end")
    return window


def item_response_rows(matrices):
    yield ("candidate", "test_form", "item", "score")
    for matrix in matrices:
        for row, candidate in enumerate(matrix.candidates):
            for column, item in enumerate(matrix.items):
                yield (candidate, matrix.form_code, item.code, float(matrix.scores[row, column]))


def double_mark_rows(marks):
    yield ("attempt", "area", "task", "first_mark", "second_mark")
    for row in range(len(marks)):
        yield (
            marks.attempts[row],
            _area_label(marks, row),
            str(marks.tasks[row]),
            int(marks.first_mark[row]),
            int(marks.second_mark[row]),
        )


def group_rows(groups):
    yield ("candidate", *reads.GROUPINGS)
    columns = [groups.by_grouping[grouping] for grouping in reads.GROUPINGS]
    for row, candidate in enumerate(groups.candidates):
        yield (candidate, *(str(column[row]) for column in columns))


def _area_label(marks, row) -> str:
    """The area number, with its level when the export holds more than one level (area
    numbers repeat across levels), matching the report's agreement keys."""
    number = str(int(marks.area_numbers[row]))
    if marks.levels is None or len(set(marks.levels)) <= 1:
        return number
    return f"{marks.levels[row]}:{number}"


def write_atomically(path: Path, rows) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            write_rows(file, rows)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Write item_responses.csv, double_marks.csv and groups.csv for the technical report."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="directory to write the files to")
        add_window_arguments(parser)

    def handle(self, *args, **options):
        window = window_from_options(options)
        out = Path(options["out"])
        if not out.is_dir():
            raise CommandError(f"--out must be an existing directory: {out} is not one")
        contents = {
            "item_responses.csv": item_response_rows(reads.item_score_matrices(**window)),
            "double_marks.csv": double_mark_rows(reads.double_marks(**window)),
            "groups.csv": group_rows(reads.candidate_groups(**window)),
        }
        for name in FILES:
            write_atomically(out / name, contents[name])
        self.stdout.write(f"Wrote {', '.join(FILES)} to {out}")
