import csv
import io
from decimal import Decimal

import pytest

from naas.csv_export import csv_bytes, safe_cell


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 20", "'+44 20"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tname", "'\tname"),
        ("\rname", "'\rname"),
        ("Amara Okafor", "Amara Okafor"),
        ("O'Neil", "O'Neil"),
        ("", ""),
        (None, ""),
        (-5, "-5"),
        (Decimal("-2.50"), "-2.50"),
        (True, "Yes"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_made_text(value, expected):
    assert safe_cell(value) == expected


def test_every_cell_of_a_csv_goes_through_safe_cell():
    # given a row whose name is a formula
    content = csv_bytes([["Name", "Count"], ["=1+1", 3]])
    # when it is read back
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    # then the formula is text and the number a number
    assert rows == [["Name", "Count"], ["'=1+1", "3"]]
    assert content.startswith("\ufeff".encode())
