"""The supervisor's list of supervisees, declared once for naas.listing.

Each row's readiness comes from one pass over three queries (`selectors.supervisee_summaries`),
so the list is searched, filtered and sorted in Python after that pass, on the values every row
has; only the page shown gets its workers and messages (`selectors.show_supervisees`, one more
query). The query count stays the same however many supervisees there are."""

from naas.listing import Column, ListQuery, SelectFilter, Sort

from .eligibility import Rule
from .models import EndorsementState

STATUS_CHOICES = (
    ("not_started", "Not started"),
    ("draft", "Draft: something missing"),
    ("ready", "Ready to sign off"),
    *((state.value, state.label) for state in EndorsementState if state != EndorsementState.DRAFT),
)
MISSING_CHOICES = (
    (Rule.CONSENT.value, "Consent"),
    (Rule.SUPERVISION.value, "Supervision sessions"),
    (Rule.FEEDBACK.value, "Service-user feedback"),
    (Rule.TENURE.value, "Time in post"),
)


def _named(rows, term):
    term = term.lower()
    return [row for row in rows if term in row.name.lower()]


def _with_status(rows, value):
    return [row for row in rows if row.status_key == value]


def _missing(rows, value):
    return [row for row in rows if value in row.missing_rules]


def _in_la(rows, value):
    return [row for row in rows if str(row.la_id) == value]


SUPERVISEES = ListQuery(
    noun=("supervisee", "supervisees"),
    search=_named,
    filters=(
        SelectFilter("status", "Endorsement", lookup=_with_status, choices=STATUS_CHOICES),
        SelectFilter(
            "missing",
            "What is missing",
            lookup=_missing,
            choices=MISSING_CHOICES,
            any_label="Anything or nothing",
        ),
        SelectFilter("la", "Local authority", lookup=_in_la),
    ),
    columns=(
        Column("Name", sort="name"),
        Column("Endorsement", sort="status"),
        Column("What is missing"),
    ),
    sorts=(
        Sort("name", sort_key=lambda row: (row.name, row.worker_id)),
        Sort("status", sort_key=lambda row: (row.status_label, row.name)),
    ),
)


def la_choices(rows) -> list[tuple[str, str]]:
    """The LAs the supervisor's supervisees work in (only worth a filter when more than one)."""
    las = {row.la_id: row.la_name for row in rows}
    return sorted(((str(pk), name) for pk, name in las.items()), key=lambda choice: choice[1])
