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


def check_results(records: list[ResultsRecord], sitting: Sitting) -> ResultsCheck:
    """Validate every row against the file itself and the database; collect every problem."""
    check = ResultsCheck()
    attempts = _attempts_on_sitting(sitting)
    forms = {
        form.code: form
        for form in TestForm.objects.filter(code__in={r.test_form for r in records if r.test_form})
    }
    items_by_form: dict[int, dict[str, Item]] = defaultdict(dict)
    for link in TestFormItem.objects.filter(form__in=forms.values()).select_related("item"):
        items_by_form[link.form_id][link.item.code] = link.item
    check.form_items = {form_id: list(items.values()) for form_id, items in items_by_form.items()}
    codes_on_forms = {code for items in items_by_form.values() for code in items}
    other_codes = sorted({r.item for r in records if r.item and r.item not in codes_on_forms})
    known_elsewhere = set()
    for chunk in _chunks(other_codes):
        known_elsewhere |= set(Item.objects.filter(code__in=chunk).values_list("code", flat=True))
    not_on_sitting = sorted({r.registration_number for r in records} - attempts.keys())
    registered = set()
    for chunk in _chunks(not_on_sitting):
        registered |= set(
            SocialWorker.objects.filter(registration_number__in=chunk).values_list(
                "registration_number", flat=True
            )
        )

    seen: dict[tuple[str, str], int] = {}
    form_of_candidate: dict[str, tuple[str, int]] = {}
    candidate_rows: dict[str, dict[str, str]] = defaultdict(dict)  # number -> item code -> letters
    bad_candidates: set[str] = set()
    number_ok: dict[str, bool] = {}
    parsed: dict[str, tuple[str, str]] = {}
    for record in records:
        problems = []
        number = record.registration_number
        attempt = attempts.get(number)
        form = forms.get(record.test_form)
        if not _valid_number(number, number_ok):
            problems.append("enter a registration number like SW123 (SW then 1 to 6 digits)")
        else:
            if attempt is None and number not in registered:
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
        if not record.test_form:
            problems.append("enter the test form")
        elif form is None:
            problems.append(f"there is no test form {record.test_form}")
        elif attempt is not None and form.level != attempt["level"]:
            problems.append(
                f"test form {form.code} is for the {_level_name(form.level)} level but "
                f"{number} is booked at the {_level_name(attempt['level'])} level"
            )
        if number in form_of_candidate and record.test_form != form_of_candidate[number][0]:
            other_form, other_line = form_of_candidate[number]
            problems.append(f"{number} has rows for test form {other_form} too (line {other_line})")
        form_of_candidate.setdefault(number, (record.test_form, record.line))
        item = None
        if not record.item:
            problems.append("enter the item")
        elif form is not None and record.item in items_by_form[form.pk]:
            item = items_by_form[form.pk][record.item]
        elif record.item in codes_on_forms or record.item in known_elsewhere:
            if form is not None:
                problems.append(f"item {record.item} is not on test form {form.code}")
        else:
            problems.append(f"there is no item {record.item}")
        key = (number, record.item)
        if key in seen:
            problems.append(f"duplicate of line {seen[key]} ({number}, item {record.item})")
        else:
            seen[key] = record.line
        letters, options_problem = _parsed(record.options, parsed)
        if options_problem:
            problems.append(options_problem)
        else:
            if (
                item is not None
                and letters
                and max(letters) > OPTION_LETTERS[item.option_count - 1]
            ):
                problems.append(
                    f"item {item.code} has options A to {OPTION_LETTERS[item.option_count - 1]} only"
                )
        if problems:
            check.errors.append((record.line, "; ".join(problems)))
            bad_candidates.add(number)
            continue
        candidate_rows[number][record.item] = letters

    first_lines = {number: line for number, (_, line) in form_of_candidate.items()}
    for number, answers in candidate_rows.items():
        if number in bad_candidates:
            continue
        attempt = attempts[number]
        form = forms[form_of_candidate[number][0]]
        expected = items_by_form[form.pk]
        missing = sorted(expected.keys() - answers.keys())
        if missing:
            shown = ", ".join(missing[:5]) + (" and more" if len(missing) > 5 else "")
            check.errors.append(
                (
                    first_lines[number],
                    f"{number} has answers for {len(answers)} of the {len(expected)} items on "
                    f"test form {form.code}; missing {shown}",
                )
            )
            continue
        digest = answers_digest(form.code, answers)
        candidate = CandidateResults(
            attempt_id=attempt["id"],
            attempt_state=attempt["state"],
            form=form,
            answers={expected[code].pk: letters for code, letters in answers.items()},
            digest=digest,
            first_line=first_lines[number],
        )
        if attempt["digest"] is None:
            check.new.append(candidate)
        elif attempt["digest"] == digest:
            check.unchanged.append(candidate)
        else:
            check.errors.append(
                (
                    first_lines[number],
                    f"{number}'s test results were already imported and differ from this file",
                )
            )
    check.errors.sort()
    return check


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
