"""The feedback app's work lists, declared once for naas.listing.

The letters page lists the letters and certificates still to make (two queries, joined in
`selectors.documents_needing_attention`): only documents not ready yet, so a short list that is
searched, filtered and sorted in Python after those two queries."""

from naas.listing import Column, ListQuery, SelectFilter, Sort
from naas.models import DocumentState

KIND_CHOICES = (("letter", "Letters"), ("certificate", "Certificates"))
STATUS_CHOICES = tuple(
    (state.value, state.label)
    for state in (DocumentState.PENDING, DocumentState.RUNNING, DocumentState.FAILED)
)


def _reference(row) -> str:
    kind, document = row
    return document.outcome.reference if kind == "letter" else document.accreditation.reference


def _by_reference(rows, term):
    term = term.upper()
    return [row for row in rows if term in _reference(row).upper()]


def _of_kind(rows, value):
    return [row for row in rows if row[0] == value]


def _in_state(rows, value):
    return [row for row in rows if row[1].state == value]


DOCUMENTS = ListQuery(
    noun=("document", "documents"),
    search=_by_reference,
    search_label="Search by outcome or accreditation reference",
    filters=(
        SelectFilter("kind", "Document", lookup=_of_kind, choices=KIND_CHOICES),
        SelectFilter("status", "Status", lookup=_in_state, choices=STATUS_CHOICES),
    ),
    columns=(
        Column("Document", sort="reference"),
        Column("Requested", sort="requested"),
        Column("Status"),
        Column("Tries", sort="tries", numeric=True),
        Column("Error"),
        Column("Action", hidden=True),
    ),
    sorts=(
        Sort("requested", sort_key=lambda row: (row[1].requested_at, row[0], row[1].pk)),
        Sort("reference", sort_key=lambda row: (_reference(row), row[0], row[1].pk)),
        Sort("tries", sort_key=lambda row: (row[1].attempts, row[1].requested_at)),
    ),
)
