"""Reading and checking an LA's staff list CSV before anything is saved.

A row may only do one of two things (issue 11, "identity is never changed by an import"):

- add someone new: neither their email address nor their registration number is used by any
  account in the service;
- update one of this LA's own social workers, matched by registration number *and* email
  address. Their name, employment type, start date, supervisor and level may change; their email
  address never does (people change their own), and nothing at all may change for someone who
  also has a staff account (a staff role, ``is_staff`` or ``is_superuser``).

Everything else is a row error that names the row and the column without saying whose account
an email address or registration number belongs to. The outcome of a check is a plan (new,
changed field by field, unchanged) that is shown before anything is applied; its digest lets the
confirm step see whether the database has moved on since the plan was shown.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from .csv_upload import CsvLayout, CsvUploadError, read_csv_upload
from .dates import EARLIEST_EMPLOYMENT_START, govuk_date
from .models import (
    EmploymentType,
    Level,
    LocalAuthority,
    Role,
    SocialWorker,
    StaffRole,
    User,
    registration_number_validator,
)

REQUIRED_COLUMNS = (
    "full_name",
    "email",
    "registration_number",
    "employment_type",
    "employed_since",
    "supervisor_email",
)
OPTIONAL_COLUMNS = ("level",)
MAX_ROWS = 20_000
# The key of a record's row number in the file (not a column: only known columns are kept).
ROW_NUMBER = "_row"

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"

EMAIL_TAKEN = "the email address is already used by another account in the service"
NUMBER_ELSEWHERE = "{number} is employed by another local authority"
NUMBER_OTHER_EMAIL = (
    "registration number {number} belongs to one of your social workers with a different email "
    "address: an import cannot change an email address, the person changes their own"
)
STAFF_ACCOUNT = (
    "this person also has a staff account, so an import cannot change their {columns}: ask the "
    "service's back office to make the change"
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The columns a matched worker's row may change, in the order the preview lists them.
CHANGEABLE_COLUMNS = ("full_name", "employment_type", "employed_since", "supervisor_email", "level")
COLUMN_LABELS = {
    "full_name": "Full name",
    "email": "Email address",
    "registration_number": "Registration number",
    "employment_type": "Employment type",
    "employed_since": "Employed since",
    "supervisor_email": "Supervisor",
    "level": "Level",
}


# The file as a whole cannot be read (not a CSV, wrong columns, too large): naas.forms catches
# it by this name.
StaffFileError = CsvUploadError


@dataclass(frozen=True)
class FieldChange:
    """One column of a matched worker that the row changes, as stored values (JSON-safe)."""

    column: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return COLUMN_LABELS[self.column]

    @property
    def before_shown(self) -> str:
        return _shown(self.column, self.before)

    @property
    def after_shown(self) -> str:
        return _shown(self.column, self.after)


@dataclass
class StaffRow:
    line: int
    full_name: str
    email: str
    registration_number: str
    employment_type: str
    employed_since: date
    supervisor_id: int
    level: str
    supervisor_email: str = ""
    action: str = NEW
    worker_id: int | None = None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def employment_type_shown(self) -> str:
        return _shown("employment_type", self.employment_type)

    @property
    def employed_since_shown(self) -> str:
        return govuk_date(self.employed_since)

    @property
    def level_shown(self) -> str:
        return _shown("level", self.level)

    def plan_entry(self) -> list:
        """What this row will do, as plain data (for the plan's digest)."""
        return [
            self.line,
            self.action,
            self.worker_id,
            self.registration_number,
            self.email,
            self.full_name,
            self.employment_type,
            self.employed_since.isoformat(),
            self.supervisor_id,
            self.level,
            [[c.column, c.before, c.after] for c in self.changes],
        ]


@dataclass
class RowError:
    line: int
    problems: list[tuple[str, str]]  # (column, what is wrong), in column order

    @property
    def message(self) -> str:
        text = "; ".join(problem for _, problem in self.problems)
        return text[:1].upper() + text[1:]

    @property
    def problems_shown(self) -> list[tuple[str, str]]:
        return [(column, problem[:1].upper() + problem[1:]) for column, problem in self.problems]


@dataclass
class StaffFileCheck:
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def rows_doing(self, action: str) -> list[StaffRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def new_rows(self) -> list[StaffRow]:
        return self.rows_doing(NEW)

    @property
    def changed_rows(self) -> list[StaffRow]:
        return self.rows_doing(CHANGED)

    @property
    def unchanged_rows(self) -> list[StaffRow]:
        return self.rows_doing(UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return any(row.action != UNCHANGED for row in self.rows)

    def plan_digest(self) -> str:
        """A digest of everything the import would do. Two checks of the same file give the
        same digest only if applying either would make exactly the same writes."""
        plan = json.dumps([row.plan_entry() for row in self.rows], separators=(",", ":"))
        return hashlib.sha256(plan.encode()).hexdigest()


def read_staff_csv(raw: bytes) -> list[dict]:
    """The file's rows as dicts keyed by column (each with its row number), or StaffFileError.
    Only the columns the service reads are kept (a spreadsheet may carry notes)."""
    layout = CsvLayout(
        required=REQUIRED_COLUMNS,
        optional=OPTIONAL_COLUMNS,
        no_rows_message="The selected file has no rows of staff",
        max_rows=MAX_ROWS,
    )
    return [{**row.values, ROW_NUMBER: row.number} for row in read_csv_upload(raw, layout)]


def check_staff_rows(
    records: list[dict], local_authority: LocalAuthority, today: date
) -> StaffFileCheck:
    """Validate every row against the file itself and the database as it is now, collect every
    problem, and say what each good row would do."""
    check = StaffFileCheck()
    supervisors = _supervisors_by_email(local_authority)
    supervisor_emails = {pk: email for email, pk in supervisors.items()}
    emails = [r.get("email", "").lower() for r in records]
    numbers = [r.get("registration_number", "").upper() for r in records]
    accounts = _account_ids_by_email(emails)
    workers = _workers_by_registration_number(numbers)
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for offset, record in enumerate(records):
        # A plan kept in a session from before rows carried their number counts them instead.
        line = record.get(ROW_NUMBER, offset + 2)
        problems: list[tuple[str, str]] = []
        name = record.get("full_name", "")
        if not name:
            problems.append(("full_name", "enter the full name"))
        elif len(name) > 200:
            problems.append(("full_name", "the full name must be 200 characters or fewer"))
        email = record.get("email", "").lower()
        email_ok = True
        try:
            validate_email(email)
        except ValidationError:
            email_ok = False
            problems.append(
                ("email", "enter an email address in the correct format, like name@example.org")
            )
        number = record.get("registration_number", "").upper()
        number_ok = True
        try:
            registration_number_validator(number)
        except ValidationError:
            number_ok = False
            problems.append(
                (
                    "registration_number",
                    "enter a registration number like SW123 (SW then 1 to 6 digits)",
                )
            )
        if number in seen_numbers:
            problems.append(
                (
                    "registration_number",
                    f"registration number {number} is also on row {seen_numbers[number]}",
                )
            )
        if email in seen_emails:
            problems.append(("email", f"email address is also on row {seen_emails[email]}"))
        seen_numbers.setdefault(number, line)
        seen_emails.setdefault(email, line)
        # Who the row is about: someone new, or one of this LA's workers (number and email).
        worker = workers.get(number) if number_ok else None
        account_id = accounts.get(email) if email_ok else None
        if worker is not None and worker.local_authority_id != local_authority.pk:
            problems.append(("registration_number", NUMBER_ELSEWHERE.format(number=number)))
        elif worker is not None and account_id != worker.user_id:
            problems.append(("registration_number", NUMBER_OTHER_EMAIL.format(number=number)))
        if account_id is not None and (worker is None or account_id != worker.user_id):
            problems.append(("email", EMAIL_TAKEN))
        employment_type = record.get("employment_type", "").lower()
        if employment_type not in EmploymentType.values:
            problems.append(("employment_type", "employment type must be permanent or agency"))
        employed_since = _parse_date(record.get("employed_since", ""))
        if employed_since is None:
            problems.append(
                ("employed_since", "start date must be a real date in the format YYYY-MM-DD")
            )
        elif not EARLIEST_EMPLOYMENT_START <= employed_since <= today:
            problems.append(
                (
                    "employed_since",
                    f"start date must be between {govuk_date(EARLIEST_EMPLOYMENT_START)} "
                    f"and {govuk_date(today)}",
                )
            )
        supervisor_email = record.get("supervisor_email", "").lower()
        supervisor_id = supervisors.get(supervisor_email)
        if supervisor_id is None:
            problems.append(
                (
                    "supervisor_email",
                    f"no supervisor at {local_authority.name} has that email address",
                )
            )
        if supervisor_id is not None and supervisor_email == email:
            problems.append(("supervisor_email", "a social worker cannot be their own supervisor"))
        level = (record.get("level") or Level.PRACTITIONER).lower()
        if level not in Level.values:
            problems.append(("level", "level must be practitioner, supervisor or leader"))
        if problems:
            check.errors.append(RowError(line, problems))
            continue
        row = StaffRow(
            line=line,
            full_name=name,
            email=email,
            registration_number=number,
            employment_type=employment_type,
            employed_since=employed_since,
            supervisor_id=supervisor_id,
            supervisor_email=supervisor_email,
            level=level,
        )
        if worker is not None:
            row.worker_id = worker.pk
            row.changes = _changes(worker, row, supervisor_emails)
            row.action = CHANGED if row.changes else UNCHANGED
            if row.changes and worker.has_staff_account:
                columns = " and ".join(c.column for c in row.changes)
                check.errors.append(
                    RowError(line, [(row.changes[0].column, STAFF_ACCOUNT.format(columns=columns))])
                )
                continue
        check.rows.append(row)
    return check


def _changes(worker: SocialWorker, row: StaffRow, supervisor_emails) -> list[FieldChange]:
    before = {
        "full_name": worker.user.full_name,
        "employment_type": worker.employment_type,
        "employed_since": worker.employed_since.isoformat(),
        "supervisor_email": worker.supervisor_email or "",
        "level": worker.job_level,
    }
    after = {
        "full_name": row.full_name,
        "employment_type": row.employment_type,
        "employed_since": row.employed_since.isoformat(),
        "supervisor_email": supervisor_emails.get(row.supervisor_id, row.supervisor_email),
        "level": row.level,
    }
    return [
        FieldChange(column, before[column], after[column])
        for column in CHANGEABLE_COLUMNS
        if before[column] != after[column]
    ]


def _shown(column: str, value: str) -> str:
    """A stored value as the preview shows it."""
    if column == "employment_type":
        return EmploymentType(value).label if value in EmploymentType.values else value
    if column == "level":
        return Level(value).label if value in Level.values else value
    if column == "employed_since":
        return govuk_date(date.fromisoformat(value)) if value else ""
    if column == "supervisor_email":
        return value or "No supervisor"
    return value


def _parse_date(value: str) -> date | None:
    # Only YYYY-MM-DD: date.fromisoformat also takes 20200115 and 2020-W03-1.
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _supervisors_by_email(local_authority) -> dict[str, int]:
    return {
        email.lower(): user_id
        for email, user_id in StaffRole.objects.filter(
            role=Role.SUPERVISOR, local_authority=local_authority
        ).values_list("user__email", "user_id")
    }


def _account_ids_by_email(emails) -> dict[str, int]:
    """Every account (of any kind: staff-only, superuser, DfE, any LA's lead or worker) already
    using one of these email addresses, compared without regard to case."""
    wanted = {email for email in emails if email}
    return dict(
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=wanted)
        .values_list("email_lower", "pk")
    )


def _workers_by_registration_number(numbers) -> dict[str, SocialWorker]:
    """The social worker (in any LA) holding each of these registration numbers, with whether
    their account also has staff powers."""
    wanted = {number for number in numbers if number}
    workers = (
        SocialWorker.objects.filter(registration_number__in=wanted)
        .select_related("user")
        .annotate(
            has_staff_role=Exists(StaffRole.objects.filter(user=OuterRef("user_id"))),
            supervisor_email=Lower("supervisor__email"),
        )
    )
    found = {}
    for worker in workers:
        worker.has_staff_account = (
            worker.has_staff_role or worker.user.is_staff or worker.user.is_superuser
        )
        found[worker.registration_number] = worker
    return found
