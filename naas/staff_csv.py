"""Reading and checking an LA's staff list CSV before anything is saved."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

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


class StaffFileError(Exception):
    """The file as a whole cannot be read (not a CSV, wrong columns, too large)."""


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


@dataclass
class StaffFileCheck:
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def read_staff_csv(raw: bytes) -> list[dict[str, str]]:
    """Decode and split the file into dicts keyed by column, or raise StaffFileError."""
    if b"\x00" in raw:
        raise StaffFileError("The selected file must be a CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StaffFileError("The selected file must be a CSV saved as UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise StaffFileError(
            "The selected file is missing the column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(missing)
        )
    reader.fieldnames = header
    try:
        records = [
            {key: (value or "").strip() for key, value in record.items() if key}
            for record in reader
        ]
    except csv.Error as exc:
        raise StaffFileError(f"The selected file could not be read as a CSV: {exc}") from exc
    if not records:
        raise StaffFileError("The selected file has no rows of staff")
    if len(records) > MAX_ROWS:
        raise StaffFileError(f"The selected file must have no more than {MAX_ROWS:,} rows")
    return records


def check_staff_rows(records: list[dict[str, str]], local_authority: LocalAuthority, today: date):
    """Validate every row against the file itself and the database; collect every problem."""
    check = StaffFileCheck()
    supervisors = _supervisors_by_email(local_authority)
    emails = [r.get("email", "").lower() for r in records]
    numbers = [r.get("registration_number", "").upper() for r in records]
    workers_elsewhere = _registration_numbers_elsewhere(numbers, local_authority)
    emails_taken = _emails_held_by_others(emails)
    workers_here = _user_ids_by_registration_number(numbers, local_authority)
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for offset, record in enumerate(records):
        line = offset + 2  # the header is line 1
        problems = []
        name = record.get("full_name", "")
        if not name:
            problems.append("enter the full name")
        elif len(name) > 200:
            problems.append("the full name must be 200 characters or fewer")
        email = record.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append("enter an email address in the correct format, like name@example.org")
        number = record.get("registration_number", "").upper()
        try:
            registration_number_validator(number)
        except ValidationError:
            problems.append("enter a registration number like SW123 (SW then 1 to 6 digits)")
        if number in seen_numbers:
            problems.append(f"registration number {number} is also on row {seen_numbers[number]}")
        if email in seen_emails:
            problems.append(f"email address is also on row {seen_emails[email]}")
        seen_numbers.setdefault(number, line)
        seen_emails.setdefault(email, line)
        if number in workers_elsewhere:
            problems.append(f"{number} is employed by another local authority")
        holder = emails_taken.get(email)
        if holder is not None and holder[1] not in ("", number):
            problems.append("the email address belongs to another social worker")
        elif holder is not None and workers_here.get(number, holder[0]) != holder[0]:
            problems.append("the email address belongs to someone else in the service")
        employment_type = record.get("employment_type", "").lower()
        if employment_type not in EmploymentType.values:
            problems.append("employment type must be permanent or agency")
        employed_since = _parse_date(record.get("employed_since", ""))
        if employed_since is None:
            problems.append("start date must be a real date in the format YYYY-MM-DD")
        elif employed_since > today:
            problems.append("start date must be today or in the past")
        supervisor_email = record.get("supervisor_email", "").lower()
        supervisor_id = supervisors.get(supervisor_email)
        if supervisor_id is None:
            problems.append(f"no supervisor at {local_authority.name} has that email address")
        if supervisor_id is not None and supervisor_email == email:
            problems.append("a social worker cannot be their own supervisor")
        level = (record.get("level") or Level.PRACTITIONER).lower()
        if level not in Level.values:
            problems.append("level must be practitioner, supervisor or leader")
        if problems:
            message = "; ".join(problems)
            check.errors.append((line, message[:1].upper() + message[1:]))
            continue
        check.rows.append(
            StaffRow(
                line=line,
                full_name=name,
                email=email,
                registration_number=number,
                employment_type=employment_type,
                employed_since=employed_since,
                supervisor_id=supervisor_id,
                level=level,
            )
        )
    return check


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _supervisors_by_email(local_authority) -> dict[str, int]:
    return dict(
        StaffRole.objects.filter(role=Role.SUPERVISOR, local_authority=local_authority).values_list(
            "user__email", "user_id"
        )
    )


def _registration_numbers_elsewhere(numbers, local_authority) -> set[str]:
    return set(
        SocialWorker.objects.filter(registration_number__in=numbers)
        .exclude(local_authority=local_authority)
        .values_list("registration_number", flat=True)
    )


def _user_ids_by_registration_number(numbers, local_authority) -> dict[str, int]:
    """The user behind each of these registration numbers already employed by this LA."""
    return dict(
        SocialWorker.objects.filter(
            registration_number__in=numbers, local_authority=local_authority
        ).values_list("registration_number", "user_id")
    )


def _emails_held_by_others(emails) -> dict[str, tuple[int, str]]:
    """Emails already used in the service, mapped to the user holding them and that user's
    registration number (empty for a user who is not a social worker)."""
    taken = {}
    for email, user_id, number in User.objects.filter(email__in=emails).values_list(
        "email", "pk", "social_worker__registration_number"
    ):
        taken[email] = (user_id, number or "")
    return taken
