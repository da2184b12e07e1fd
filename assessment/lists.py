"""The assessment app's work lists, declared once for naas.listing: what each can be searched
by, filtered by and sorted by. The views run them on a selector's queryset."""

from django.db.models import Q

from naas.listing import CheckboxFilter, Column, DateFilter, ListQuery, SelectFilter, Sort

from .models import AdjustmentDecision, AdjustmentKind, AttemptState, OutcomeResult

CANDIDATE_SEARCH = ("worker__user__full_name", "worker__registration_number")
BY_NAME = ("worker__user__full_name", "pk")
BY_SITTING = ("sitting__date", "sitting__slot", "worker__user__full_name", "pk")

BOOKINGS = ListQuery(
    noun=("booking", "bookings"),
    search_fields=CANDIDATE_SEARCH,
    search_label="Search by name or registration number",
    filters=(
        SelectFilter(
            "status",
            "Status",
            lookup="state",
            choices=[c for c in AttemptState.choices if c[0] != AttemptState.CANCELLED],
        ),
        SelectFilter("centre", "Centre", lookup="sitting__centre_id"),
    ),
    columns=(
        Column("Name", sort="name"),
        Column("Sitting", sort="sitting"),
        Column("Status"),
        Column("Adjustments awaiting a decision", numeric=True),
    ),
    sorts=(Sort("sitting", BY_SITTING), Sort("name", BY_NAME)),
)

ATTEMPTS_TO_ALLOCATE = ListQuery(
    noun=("attempt being marked", "attempts being marked"),
    search_fields=CANDIDATE_SEARCH,
    search_label="Search by name or registration number",
    filters=(
        SelectFilter(
            "status",
            "Status",
            lookup="state",
            choices=[
                (s.value, s.label)
                for s in (AttemptState.SAT, AttemptState.SCORED, AttemptState.UNDER_REVIEW)
            ],
        ),
        SelectFilter("la", "Local authority", lookup="worker__local_authority_id"),
    ),
    columns=(
        Column("Candidate", sort="name"),
        Column("Status"),
        Column("Allocated"),
        Column("Waiting for"),
    ),
    sorts=(Sort("sat", ("sitting__date", "pk")), Sort("name", BY_NAME)),
)


def _outcome_columns(last: Column) -> tuple[Column, ...]:
    return (
        Column("Reference", sort="reference"),
        Column("Candidate", sort="name"),
        Column("Result"),
        last,
    )


OUTCOME_SEARCH = ("reference", "attempt__worker__user__full_name")
RESULT_FILTER = SelectFilter("result", "Result", lookup="result", choices=OutcomeResult.choices)

OUTCOMES_TO_CONFIRM = ListQuery(
    noun=("outcome to confirm", "outcomes to confirm"),
    search_fields=OUTCOME_SEARCH,
    search_label="Search by reference or candidate name",
    filters=(RESULT_FILTER,),
    columns=_outcome_columns(Column("Action")),
    sorts=(
        Sort("created", ("created_at", "pk")),
        Sort("reference", ("reference",)),
        Sort("name", ("attempt__worker__user__full_name", "pk")),
    ),
)

PUBLISHED_OUTCOMES = ListQuery(
    noun=("published outcome", "published outcomes"),
    search_fields=OUTCOME_SEARCH,
    search_label="Search by reference or candidate name",
    filters=(
        SelectFilter("la", "Local authority", lookup="attempt__worker__local_authority_id"),
        RESULT_FILTER,
        DateFilter(
            "published_from",
            "Published from",
            lookup="published_at__date__gte",
            what="the date published from",
        ),
        DateFilter(
            "published_to",
            "Published to",
            lookup="published_at__date__lte",
            what="the date published to",
        ),
    ),
    columns=(
        Column("Reference", sort="reference"),
        Column("Candidate", sort="name"),
        Column("Local authority", sort="la"),
        Column("Result"),
        Column("Published", sort="published"),
    ),
    sorts=(
        Sort("published", ("published_at", "pk"), descending_first=True),
        Sort("reference", ("reference",)),
        Sort("name", ("attempt__worker__user__full_name", "pk")),
        Sort("la", ("attempt__worker__local_authority__name", "reference")),
    ),
)

ADJUSTMENT_SEARCH = ("attempt__worker__user__full_name", "attempt__worker__registration_number")
KIND_FILTER = SelectFilter("kind", "Adjustment", lookup="kind", choices=AdjustmentKind.choices)

ADJUSTMENTS_PENDING = ListQuery(
    noun=("request", "requests"),
    search_fields=ADJUSTMENT_SEARCH,
    search_label="Search by candidate name or registration number",
    filters=(KIND_FILTER, SelectFilter("centre", "Centre", lookup="attempt__sitting__centre_id")),
    columns=(
        Column("Candidate", sort="name"),
        Column("Adjustment"),
        Column("Sitting", sort="sitting"),
        Column("Requested", sort="requested"),
    ),
    sorts=(
        Sort("sitting", ("attempt__sitting__date", "attempt__sitting__slot", "requested_at")),
        Sort("name", ("attempt__worker__user__full_name", "pk")),
        Sort("requested", ("requested_at", "pk")),
    ),
)

ADJUSTMENT_DECISIONS = ListQuery(
    noun=("decision", "decisions"),
    search_fields=ADJUSTMENT_SEARCH,
    search_label="Search by candidate name or registration number",
    filters=(
        SelectFilter(
            "decision",
            "Decision",
            lookup="decision",
            choices=[c for c in AdjustmentDecision.choices if c[0] != AdjustmentDecision.PENDING],
        ),
        KIND_FILTER,
        SelectFilter("la", "Local authority", lookup="attempt__worker__local_authority_id"),
    ),
    columns=(
        Column("Candidate", sort="name"),
        Column("Adjustment"),
        Column("Decision"),
        Column("Reason"),
        Column("Decided", sort="decided"),
        Column("Time to decide", sort="time"),
    ),
    sorts=(
        Sort("decided", ("decided_at", "id"), descending_first=True),
        Sort("name", ("attempt__worker__user__full_name", "id")),
        Sort("time", ("time_to_decision", "id")),
    ),
)

SITTINGS_TO_BOOK = ListQuery(
    noun=("sitting", "sittings"),
    filters=(
        SelectFilter("centre", "Centre", lookup="centre_id", any_label="All centres"),
        DateFilter("sitting_from", "From", lookup="date__gte", what="the earliest sitting date"),
        DateFilter("sitting_to", "To", lookup="date__lte", what="the latest sitting date"),
        CheckboxFilter("free_seats", "Only sittings with free seats", lookup=Q(places_left__gt=0)),
    ),
    columns=(Column("Sitting", sort="date"),),
    sorts=(Sort("date", ("date", "slot", "centre__name")),),
    page_size=100,  # radios on one form: the filters narrow them, pages would lose the choice
)
SITTINGS_TO_BOOK_DEFAULTS = {"free_seats": "on"}


def allocations_for(roles) -> ListQuery:
    """A marker's queue: their parts in marking (one list, shown grouped by part)."""
    return ListQuery(
        noun=("allocated attempt", "allocated attempts"),
        search_fields=tuple(f"attempt__{name}" for name in CANDIDATE_SEARCH),
        search_label="Search by name or registration number",
        filters=(
            SelectFilter(
                "part",
                "Your part",
                lookup="role",
                choices=[(r.value, r.label) for r in roles],
                any_label="All parts",
            ),
        )
        if len(roles) > 1
        else (),
        columns=(
            Column("Candidate", sort="name"),
            Column("Sitting", sort="sitting"),
            Column("Status"),
            Column("Your part"),
        ),
        sorts=(
            Sort("sitting", ("attempt__sitting__date", "attempt_id"), descending_first=True),
            Sort("name", ("attempt__worker__user__full_name", "attempt_id")),
        ),
    )
