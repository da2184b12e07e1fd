"""The one way the service writes CSV: every cell passes `safe_cell`, so text someone typed is
never run as a spreadsheet formula, and every file starts with a byte-order mark so Excel shows
names with accents correctly."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

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


BYTE_ORDER_MARK = "\ufeff"


def write_rows(file, rows: Iterable[Iterable]) -> None:
    """Write rows (the first one the header) to a text file, each cell through `safe_cell`."""
    writer = csv.writer(file, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows (the first one the header) as UTF-8 CSV with a byte-order mark."""
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    write_rows(buffer, rows)
    return buffer.getvalue().encode("utf-8")


def csv_response(filename: str, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download of `rows`, written as they come (a long list is never held twice)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BYTE_ORDER_MARK)
    write_rows(response, rows)
    return response
