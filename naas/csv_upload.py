"""Reading an uploaded CSV file: the one place that decodes it, checks its header and numbers
its rows.

Each import (an LA's staff list, the test platform's results) says which columns it reads and
what to call a file with no rows; it then checks each row's values itself. Rows are numbered as
a spreadsheet numbers them (the header is row 1, a blank row still takes a number, a quoted cell
with line breaks in it is still one row), so "Row 5: …" points at the row the person sees.
"""

import csv
import io
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple


class CsvUploadError(Exception):
    """The file as a whole cannot be used. The message is written for the person who chose it,
    in the GOV.UK file upload pattern's words ("The selected file …")."""


@dataclass(frozen=True)
class CsvLayout:
    """What an import expects of a file."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    no_rows_message: str = "The selected file has no rows"
    max_rows: int | None = None
    # A spreadsheet often carries a notes column of its own: by default other columns are
    # ignored. An import that must not guess may refuse them instead.
    other_columns_allowed: bool = True

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional


class CsvRow(NamedTuple):
    # A named tuple, not a dataclass: a national results day is 300,000 rows.
    number: int
    values: dict[str, str]  # each known column the file has -> its cell, without spaces around


def read_csv_upload(raw: bytes, layout: CsvLayout) -> Iterator[CsvRow]:
    """The file's rows with something in them, one at a time (so a large file is never held
    twice over), or CsvUploadError saying why the file cannot be used. The error can come at
    any row: read every row before acting on any."""
    records = csv.reader(io.StringIO(_decoded(raw), newline=""))
    try:
        positions = _column_positions(next(records, []), layout)
        count = 0
        for count, row in enumerate(_rows(records, positions), start=1):
            if layout.max_rows is not None and count > layout.max_rows:
                raise CsvUploadError(
                    f"The selected file must have no more than {layout.max_rows:,} rows"
                )
            yield row
    except csv.Error as exc:  # e.g. a cell larger than the csv module's field limit
        raise CsvUploadError(f"The selected file could not be read as a CSV: {exc}") from exc
    if not count:
        raise CsvUploadError(layout.no_rows_message)


def _decoded(raw: bytes) -> str:
    # Zero bytes mean a binary file (a spreadsheet, an image) or UTF-16, never a UTF-8 CSV.
    if b"\x00" in raw:
        raise CsvUploadError("The selected file must be a CSV")
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        raise CsvUploadError("The selected file must be a CSV saved as UTF-8") from exc
    if not text.strip():
        raise CsvUploadError("The selected file is empty")
    return text


def _column_positions(header: list[str], layout: CsvLayout) -> dict[str, int]:
    """Where each known column is, once the header is known to be usable. Headings are
    compared without spaces around them or regard to case."""
    names = [name.strip().lower() for name in header]
    missing = [column for column in layout.required if column not in names]
    if missing:
        raise CsvUploadError(f"The selected file is missing {_the_columns(missing)}")
    repeated = [column for column in layout.known if names.count(column) > 1]
    if repeated:
        raise CsvUploadError(f"The selected file has {_the_columns(repeated)} more than once")
    others = [name for name in names if name and name not in layout.known]
    if others and not layout.other_columns_allowed:
        raise CsvUploadError(f"The selected file must not have {_the_columns(others)}")
    return {column: names.index(column) for column in layout.known if column in names}


def _the_columns(columns: list[str]) -> str:
    return ("the columns " if len(columns) > 1 else "the column ") + ", ".join(columns)


def _rows(records: Iterable[list[str]], positions: dict[str, int]) -> Iterator[CsvRow]:
    # zip and itemgetter rather than a dict comprehension: a third faster on 300,000 rows.
    columns = tuple(positions)
    cells_read = operator.itemgetter(*positions.values(), 0)  # the extra 0: always a tuple
    width = max(positions.values()) + 1
    for number, cells in enumerate(records, start=2):
        if not "".join(cells).strip():
            continue  # a blank row, as spreadsheets often leave below a list
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        values = zip(columns, map(str.strip, cells_read(cells)), strict=False)  # drops the 0
        yield CsvRow(number, dict(values))
