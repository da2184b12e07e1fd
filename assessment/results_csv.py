"""Reading the test platform's results file and checking every row before anything is saved.

The file has one row per candidate per question: registration_number, test_form, item,
options_chosen. The check works on whole-file lookups (a handful of queries whatever the size)
so a national results day imports in seconds."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from naas.csv_upload import CsvLayout, CsvUploadError, read_csv_upload
from naas.models import Level, SocialWorker, registration_number_validator

from .models import (
    OPTION_LETTERS,
    Attempt,
    AttemptState,
    Item,
    Sitting,
    TestForm,
    TestFormItem,
)
from .scoring import OptionsError, parse_options

COLUMNS = ("registration_number", "test_form", "item", "options_chosen")
MAX_ROWS = 400_000
LOOKUP_CHUNK = 5_000
# Attempts whose results may be recorded (the test platform's file is proof they sat it).
RECORDABLE_STATES = (AttemptState.BOOKED, AttemptState.SAT)


# The file as a whole cannot be read (not a CSV, wrong columns, empty, too large): the upload
# form catches it by this name.
ResultsFileError = CsvUploadError


@dataclass
class ResultsRecord:
    line: int
    registration_number: str
    test_form: str
    item: str
    options: str


def read_results_csv(raw: bytes) -> list[ResultsRecord]:
    """The file's rows, or ResultsFileError saying why the file cannot be used."""
    layout = CsvLayout(
        required=COLUMNS,
        no_rows_message="The selected file has no rows of results",
        max_rows=MAX_ROWS,
    )
    return [
        ResultsRecord(
            row.number,
            row.values["registration_number"].upper(),
            row.values["test_form"].upper(),
            row.values["item"].upper(),
            row.values["options_chosen"],
        )
        for row in read_csv_upload(raw, layout)
    ]


@dataclass
class CandidateResults:
    attempt_id: int
    attempt_state: str
    form: TestForm
    answers: dict[int, str]  # item id -> chosen letters
    digest: str
    first_line: int


@dataclass
class ResultsCheck:
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    new: list[CandidateResults] = field(default_factory=list)
    unchanged: list[CandidateResults] = field(default_factory=list)
    # Already imported with other answers: refused, unless the file is a correction.
    changed: list[CandidateResults] = field(default_factory=list)
    form_items: dict[int, list[Item]] = field(default_factory=dict)  # form id -> items

    @property
    def is_valid(self) -> bool:
        return not self.errors


def answers_digest(form_code: str, answers: dict[str, str]) -> str:
    """A fingerprint of one candidate's answers (item code -> letters), the same for the same
    answers in any row order."""
    text = form_code + "\n" + "\n".join(f"{code}={answers[code]}" for code in sorted(answers))
    return hashlib.sha256(text.encode()).hexdigest()


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _level_name(level: str) -> str:
    return Level(level).label.lower()


def check_results(
    records: list[ResultsRecord], sitting: Sitting, *, allow_changed: bool = False
) -> ResultsCheck:
    """Validate every row against the file itself and the database; collect every problem.

    One pass over the rows. A good row costs a few dictionary lookups: what can be said about a
    registration number and form, an item on a form, or an options cell for an item is worked
    out the first time it is met and looked up afterwards (a candidate has 30 rows)."""
    lookups = _Lookups(records, sitting)
    check = ResultsCheck(form_items=lookups.form_items)
    seen: dict[tuple[str, str], int] = {}
    form_of_candidate: dict[str, tuple[str, int]] = {}
    candidate_rows: dict[str, dict[str, str]] = defaultdict(dict)  # number -> item code -> letters
    bad_candidates: set[str] = set()
    head_problems = lookups.head_problems
    cells_read = lookups.cells_read
    errors = check.errors
    for record in records:
        number, form_code, item_code = record.registration_number, record.test_form, record.item
        head = head_problems.get((number, form_code))
        if head is None:
            head = lookups.number_and_form_problems(number, form_code)
        first_form = form_of_candidate.get(number)
        if first_form is None:
            form_of_candidate[number] = (form_code, record.line)
        elif first_form[0] != form_code:
            head = (
                *head,
                f"{number} has rows for test form {first_form[0]} too (line {first_form[1]})",
            )
        row_key = (form_code, item_code, record.options)
        found = cells_read.get(row_key)
        if found is None:
            found = lookups.read_cells(*row_key)
        letters, item_problems, options_problem = found
        key = (number, item_code)
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = record.line
        else:
            item_problems = (
                *item_problems,
                f"duplicate of line {earlier} ({number}, item {item_code})",
            )
        problems = head
        if item_problems or options_problem:
            problems = [*head, *item_problems, *([options_problem] if options_problem else [])]
        if problems:
            errors.append((record.line, "; ".join(problems)))
            bad_candidates.add(number)
            continue
        candidate_rows[number][item_code] = letters

    for number, answers in candidate_rows.items():
        if number not in bad_candidates:
            _candidate_checked(
                check, lookups, number, answers, form_of_candidate[number], allow_changed
            )
    errors.sort()
    return check


def _candidate_checked(check, lookups, number, answers, first_form, allow_changed) -> None:
    """A candidate whose every row is good: check they answered every item on the form, and
    sort them into new, unchanged, or already imported and different (changed, in a
    correction; refused otherwise)."""
    form_code, first_line = first_form
    attempt = lookups.attempts[number]
    form = lookups.forms[form_code]
    expected = lookups.items_by_form[form.pk]
    item_ids = lookups.item_ids_by_form[form.pk]
    if len(answers) != len(expected):
        missing = sorted(expected.keys() - answers.keys())
        shown = ", ".join(missing[:5]) + (" and more" if len(missing) > 5 else "")
        check.errors.append(
            (
                first_line,
                f"{number} has answers for {len(answers)} of the {len(expected)} items on "
                f"test form {form.code}; missing {shown}",
            )
        )
        return
    digest = answers_digest(form.code, answers)
    candidate = CandidateResults(
        attempt_id=attempt["id"],
        attempt_state=attempt["state"],
        form=form,
        answers={item_ids[code]: letters for code, letters in answers.items()},
        digest=digest,
        first_line=first_line,
    )
    if attempt["digest"] is None:
        check.new.append(candidate)
    elif attempt["digest"] == digest:
        check.unchanged.append(candidate)
    elif allow_changed:
        check.changed.append(candidate)
    else:
        check.errors.append(
            (first_line, f"{number}'s test results were already imported and differ from this file")
        )


class _Lookups:
    """Everything the check needs from the database, read in a handful of queries whatever the
    file's size, and the answers to each question about a row, kept once worked out."""

    def __init__(self, records: list[ResultsRecord], sitting: Sitting):
        self.attempts = _attempts_on_sitting(sitting)
        self.forms = {
            form.code: form
            for form in TestForm.objects.filter(
                code__in={r.test_form for r in records if r.test_form}
            )
        }
        self.items_by_form: dict[int, dict[str, Item]] = defaultdict(dict)
        links = TestFormItem.objects.filter(form__in=self.forms.values()).select_related("item")
        for link in links:
            self.items_by_form[link.form_id][link.item.code] = link.item
        self.item_ids_by_form = {
            form_id: {code: item.id for code, item in items.items()}
            for form_id, items in self.items_by_form.items()
        }
        self.form_items = {
            form_id: list(items.values()) for form_id, items in self.items_by_form.items()
        }
        # (form code, item code) -> the item, for every item on a form named in the file.
        self.items_at = {
            (form.code, code): item
            for form in self.forms.values()
            for code, item in self.items_by_form[form.pk].items()
        }
        self.codes_on_forms = {code for items in self.items_by_form.values() for code in items}
        other_codes = sorted(
            {r.item for r in records if r.item and r.item not in self.codes_on_forms}
        )
        self.known_elsewhere = set()
        for chunk in _chunks(other_codes):
            self.known_elsewhere |= set(
                Item.objects.filter(code__in=chunk).values_list("code", flat=True)
            )
        not_on_sitting = sorted({r.registration_number for r in records} - self.attempts.keys())
        self.registered = set()
        for chunk in _chunks(not_on_sitting):
            self.registered |= set(
                SocialWorker.objects.filter(registration_number__in=chunk).values_list(
                    "registration_number", flat=True
                )
            )
        self.head_problems: dict[tuple[str, str], tuple[str, ...]] = {}
        self.cells_read: dict[tuple[str, str, str], tuple] = {}
        self._number_ok: dict[str, bool] = {}
        self._parsed: dict[str, tuple[str, str]] = {}

    def number_and_form_problems(self, number: str, form_code: str) -> tuple[str, ...]:
        """What is wrong with a row's registration number and test form (in that order)."""
        problems = []
        attempt = self.attempts.get(number)
        form = self.forms.get(form_code)
        if not _valid_number(number, self._number_ok):
            problems.append("enter a registration number like SW123 (SW then 1 to 6 digits)")
        elif attempt is None and number not in self.registered:
            problems.append(f"{number} is not a registration number the service knows")
        elif attempt is None:
            problems.append(f"{number} was not booked on this sitting")
        elif attempt["state"] == AttemptState.CANCELLED:
            problems.append(f"{number}'s booking on this sitting was cancelled")
        elif attempt["state"] == AttemptState.NO_SHOW:
            problems.append(f"{number} was recorded as not attending this sitting")
        elif attempt["state"] not in RECORDABLE_STATES and attempt["digest"] is None:
            problems.append(
                f"{number}'s assessment is {attempt['state_label'].lower()}, so test "
                "results can no longer be added"
            )
        if not form_code:
            problems.append("enter the test form")
        elif form is None:
            problems.append(f"there is no test form {form_code}")
        elif attempt is not None and form.level != attempt["level"]:
            problems.append(
                f"test form {form.code} is for the {_level_name(form.level)} level but "
                f"{number} is booked at the {_level_name(attempt['level'])} level"
            )
        found = self.head_problems[(number, form_code)] = tuple(problems)
        return found

    def read_cells(self, form_code: str, item_code: str, cell: str) -> tuple:
        """(letters, the item's problems, the options' problem) for a row's
        form, item and options cells."""
        item = self.items_at.get((form_code, item_code))
        item_problems = tuple(self.item_problems(form_code, item_code)) if item is None else ()
        letters, options_problem = _parsed(cell, self._parsed)
        if not options_problem and item is not None and letters:
            last = OPTION_LETTERS[item.option_count - 1]
            if max(letters) > last:
                options_problem = f"item {item.code} has options A to {last} only"
        found = (letters, item_problems, options_problem)
        self.cells_read[(form_code, item_code, cell)] = found
        return found

    def item_problems(self, form_code: str, item_code: str) -> list[str]:
        """What is wrong with an item that is not on the row's form."""
        form = self.forms.get(form_code)
        if not item_code:
            return ["enter the item"]
        if item_code in self.codes_on_forms or item_code in self.known_elsewhere:
            return [f"item {item_code} is not on test form {form.code}"] if form else []
        return [f"there is no item {item_code}"]


def _valid_number(number: str, seen: dict[str, bool]) -> bool:
    """Check each distinct registration number once (a candidate has 30 rows)."""
    valid = seen.get(number)
    if valid is None:
        try:
            registration_number_validator(number)
            valid = True
        except ValidationError:
            valid = False
        seen[number] = valid
    return valid


def _parsed(cell: str, seen: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(letters, problem) for an options cell; each distinct cell is read once."""
    found = seen.get(cell)
    if found is None:
        try:
            found = (parse_options(cell), "")
        except OptionsError as exc:
            found = ("", str(exc))
        seen[cell] = found
    return found


def _attempts_on_sitting(sitting: Sitting) -> dict[str, dict]:
    """The sitting's attempts by registration number; a live attempt wins over a cancelled one
    (a candidate may have cancelled and booked the same sitting again)."""
    labels = dict(AttemptState.choices)
    found: dict[str, dict] = {}
    rows = Attempt.objects.filter(sitting=sitting).values_list(
        "id", "state", "level", "worker__registration_number", "test_result__answers_digest"
    )
    for attempt_id, state, level, number, digest in rows:
        if number in found and state == AttemptState.CANCELLED:
            continue
        found[number] = {
            "id": attempt_id,
            "state": state,
            "state_label": labels[state],
            "level": level,
            "digest": digest,
        }
    return found
