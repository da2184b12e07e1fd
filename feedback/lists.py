"""The feedback app's work lists, declared once for naas.listing.

The results list (LA leads and supervisors) is a queryset annotated with each worker's current
result (`selectors.workers_with_results`): searched, filtered, sorted and paged in SQL.

The letters page lists the letters and certificates still to make (two queries, joined in
`selectors.documents_needing_attention`): only documents not ready yet, so a short list that is
searched, filtered and sorted in Python after those two queries."""

from assessment.models import OutcomeResult
from naas.listing import Column, ListQuery, SelectFilter, Sort
from naas.models import DocumentState

NO_RESULT = "none"
RESULT_CHOICES = (*OutcomeResult.choices, (NO_RESULT, "No result yet"))


def _with_result(rows, value):
    if value == NO_RESULT:
        return rows.filter(current_result__isnull=True)
    return rows.filter(current_result=value)


RESULTS = ListQuery(
    noun=("social worker", "social workers"),
    search_fields=("user__full_name", "registration_number"),
    search_label="Search by name or registration number",
    filters=(
        SelectFilter("la", "Local authority", lookup="local_authority_id"),
        SelectFilter("result", "Current result", lookup=_with_result, choices=RESULT_CHOICES),
    ),
    columns=(
        Column("Name", sort="name"),
        Column("Local authority", sort="la"),
        Column("Current result", sort="result"),
    ),
    sorts=(
        Sort("name", ("user__full_name", "pk")),
        Sort("la", ("local_authority__name", "user__full_name", "pk")),
        Sort("result", ("current_result", "user__full_name", "pk")),
    ),
)

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
