"""The one CSV upload reader: decoding, the header, blank rows and row numbers."""

from datetime import date

import pytest

from naas.csv_upload import CsvLayout, CsvRow, CsvUploadError, read_csv_upload
from naas.models import Role
from naas.staff_csv import StaffFileError, check_staff_rows, read_staff_csv
from naas.tests.factories import LocalAuthorityFactory, staff_user

LAYOUT = CsvLayout(
    required=("name", "email"),
    optional=("level",),
    no_rows_message="The selected file has no rows of people",
)


def read(text: str | bytes, layout: CsvLayout = LAYOUT) -> list[CsvRow]:
    return list(read_csv_upload(text.encode() if isinstance(text, str) else text, layout))


def refusal(text: str | bytes, layout: CsvLayout = LAYOUT) -> str:
    with pytest.raises(CsvUploadError) as refused:
        read(text, layout)
    return str(refused.value)


# Decoding ----------------------------------------------------------------------------------


def test_rows_come_back_keyed_by_column_with_their_row_numbers():
    rows = read("name,email\nAda,ada@example.org\nBen,ben@example.org\n")
    assert rows == [
        CsvRow(2, {"name": "Ada", "email": "ada@example.org"}),
        CsvRow(3, {"name": "Ben", "email": "ben@example.org"}),
    ]


def test_a_byte_order_mark_is_not_part_of_the_first_heading():
    # given a file saved by Excel as "CSV UTF-8"
    raw = "\ufeffname,email\nZoë,zoe@example.org\n".encode()
    # then the first heading is still "name", and accents survive
    assert read(raw) == [CsvRow(2, {"name": "Zoë", "email": "zoe@example.org"})]


def test_a_latin1_file_is_refused():
    raw = "name,email\nZoë,zoe@example.org\n".encode("latin-1")
    assert refusal(raw) == "The selected file must be a CSV saved as UTF-8"


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "name,email\nAda,ada@example.org\n".encode("utf-16"),
    ],
    ids=["image", "utf-16"],
)
def test_a_binary_file_is_refused(raw):
    assert refusal(raw) == "The selected file must be a CSV"


@pytest.mark.parametrize("raw", [b"", b"\xef\xbb\xbf", b"\r\n\n  \n"])
def test_an_empty_file_is_refused(raw):
    assert refusal(raw) == "The selected file is empty"


def test_a_file_with_only_headings_is_refused_in_the_callers_words():
    assert refusal("name,email\n\n,,\n") == "The selected file has no rows of people"


def test_a_cell_too_large_for_the_csv_module_is_refused():
    message = refusal('name,email\nAda,"' + "x" * 200_000 + '"\n')
    assert message.startswith("The selected file could not be read as a CSV: ")


# The header --------------------------------------------------------------------------------


def test_headings_are_matched_without_case_or_spaces_and_in_any_order():
    rows = read(" Email ,NAME\nada@example.org,Ada\n")
    assert rows == [CsvRow(2, {"name": "Ada", "email": "ada@example.org"})]


@pytest.mark.parametrize(
    "header, message",
    [
        ("name,level", "The selected file is missing the column email"),
        ("nom,courriel", "The selected file is missing the columns name, email"),
    ],
)
def test_missing_columns_are_named(header, message):
    assert refusal(f"{header}\nAda,x\n") == message


@pytest.mark.parametrize(
    "header, message",
    [
        ("name,email,Email", "The selected file has the column email more than once"),
        (
            "name,email,level,name,level",
            "The selected file has the columns name, level more than once",
        ),
    ],
)
def test_a_column_the_service_reads_may_appear_only_once(header, message):
    assert refusal(f"{header}\nAda,ada@example.org,x\n") == message


def test_other_columns_are_ignored_by_default():
    # given a spreadsheet with a notes column (twice) and a blank heading
    rows = read("notes,name,,email,notes\nleft,Ada,x,ada@example.org,\n")
    # then only the columns the import reads come back
    assert rows == [CsvRow(2, {"name": "Ada", "email": "ada@example.org"})]


def test_other_columns_can_be_refused():
    strict = CsvLayout(required=("name", "email"), other_columns_allowed=False)
    assert refusal("name,email,notes,team,\nAda,a,b,c\n", strict) == (
        "The selected file must not have the columns notes, team"
    )
    assert read("name,email,\nAda,a,\n", strict) == [CsvRow(2, {"name": "Ada", "email": "a"})]


def test_an_optional_column_comes_back_only_when_the_file_has_it():
    assert read("name,email,level\nAda,a,leader\n")[0].values["level"] == "leader"
    assert "level" not in read("name,email\nAda,a\n")[0].values


# Rows --------------------------------------------------------------------------------------


def test_cells_lose_their_surrounding_spaces_and_short_rows_are_padded():
    rows = read("name,email,level\n  Ada  , ada@example.org \nBen\n")
    assert rows == [
        CsvRow(2, {"name": "Ada", "email": "ada@example.org", "level": ""}),
        CsvRow(3, {"name": "Ben", "email": "", "level": ""}),
    ]


def test_blank_rows_are_skipped_but_still_counted():
    # given blank rows (empty, commas only, spaces only) between and after the people
    rows = read("name,email\n\nAda,a\n,,\n   \nBen,b\n,\n")
    # then each person keeps the row number a spreadsheet shows
    assert [(row.number, row.values["name"]) for row in rows] == [(3, "Ada"), (6, "Ben")]


def test_a_quoted_cell_with_line_breaks_is_one_row():
    rows = read('name,email\n"Ada\nLovelace",a\r\nBen,b\r\n')
    assert rows == [
        CsvRow(2, {"name": "Ada\nLovelace", "email": "a"}),
        CsvRow(3, {"name": "Ben", "email": "b"}),
    ]


def test_the_row_limit_counts_rows_with_something_in_them():
    limited = CsvLayout(required=("name",), max_rows=2)
    assert len(read("name\nAda\n\nBen\n\n", limited)) == 2
    assert refusal("name\nAda\nBen\nCara\n", limited) == (
        "The selected file must have no more than 2 rows"
    )


def test_the_row_limit_is_written_with_thousands_separators():
    limited = CsvLayout(required=("name",), max_rows=1_000)
    text = "name\n" + "x\n" * 1_001
    assert refusal(text, limited) == "The selected file must have no more than 1,000 rows"


# The staff import names rows by these numbers --------------------------------------------------

STAFF_HEADER = "full_name,email,registration_number,employment_type,employed_since,supervisor_email"


@pytest.mark.django_db
def test_a_staff_row_error_names_the_row_a_spreadsheet_shows():
    # given a staff list with blank rows above a row whose employment type is wrong
    la = LocalAuthorityFactory(name="Leeds")
    staff_user(Role.SUPERVISOR, la, email="sup@leeds.example")
    good = "Ada Brown,ada@leeds.example,SW1,permanent,2020-01-15,sup@leeds.example"
    bad = "Ben Clarke,ben@leeds.example,SW2,contractor,2020-01-15,sup@leeds.example"
    raw = f"{STAFF_HEADER}\n{good}\n\n,,,,,\n{bad}\n".encode()
    # when it is read and checked
    check = check_staff_rows(read_staff_csv(raw), la, date(2026, 6, 15))
    # then the bad row is row 5, and the good one row 2
    assert [(error.line, error.message) for error in check.errors] == [
        (5, "Employment type must be permanent or agency")
    ]
    assert [row.line for row in check.rows] == [2]


@pytest.mark.django_db
def test_staff_rows_kept_without_their_numbers_are_counted_from_row_2():
    # (a plan a session kept from before rows carried their number)
    la = LocalAuthorityFactory()
    records = [{"full_name": "", "email": "x"}, {"full_name": "", "email": "y"}]
    check = check_staff_rows(records, la, date(2026, 6, 15))
    assert [error.line for error in check.errors] == [2, 3]


def test_a_staff_file_refusal_is_the_readers():
    assert StaffFileError is CsvUploadError
