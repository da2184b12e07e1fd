"""Every CSV the reporting app writes goes through `csv_bytes`, whose cells pass `safe_cell`."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

# A spreadsheet may run a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as CSV text, with a leading single quote if a spreadsheet would read it as a
    formula. Numbers are written as they are (a negative number is not text someone typed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows (the first one the header) as UTF-8 CSV with a byte-order mark, so Excel shows
    names with accents correctly. Every cell goes through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
