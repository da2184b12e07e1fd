"""Lists people work with: search, filters, sorting and pages, all from the URL (GET).

A page declares its list once, as a `ListQuery`:

    STAFF = ListQuery(
        noun=("social worker", "social workers"),
        search_fields=("user__full_name", "registration_number"),
        filters=(SelectFilter("employment", "Employment", lookup="employment_type",
                              choices=EmploymentType.choices),),
        columns=(Column("Name", sort="name"), Column("Registration number")),
        sorts=(Sort("name", ("user__full_name", "pk")),),
    )

and runs it on a queryset (or on a list already built in one pass):

    listing = STAFF.run(request, selectors.staff_for_la(la))
    return render(request, "…", {**listing.context(), …}, status=listing.status)

`templates/includes/list_controls.html` shows the search box, the filters, "Apply filters",
"Clear filters" and "Showing 1 to 25 of 337 social workers"; `includes/list_head.html` the
sortable column headers (with aria-sort); `includes/pagination.html` the pages, keeping the
filters. Why GET: a filtered list is a place people bookmark, share with a colleague and come
back to with the browser's Back button, and it works without JavaScript. Search terms are names
or reference numbers, as on GOV.UK's own lists; they are never logged by the service (the request
logging records paths without query strings) and personal pages are never cached.

Whatever the URL says, nothing fails: an unknown sort falls back to the default, a page past the
end shows the last page, and a filter value that is not one of its choices or a date that is
not a real date is told back with a GOV.UK error (status 400) while the list shows without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict

from .dates import SERVICE_START, plan_ahead_limit
from .forms import GovukDateField

SEARCH_MAX_LENGTH = 100
PAGE_SIZE = 25
ASCENDING, DESCENDING = "asc", "desc"

Rows = QuerySet | list
Choices = Sequence[tuple[str, str]]
# A filter's effect: a field lookup ("local_authority_id"), or a function of the rows and the
# value (for a list built in Python, or a filter no single lookup expresses).
Lookup = str | Callable[[Rows, object], Rows]


@dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""  # the Sort key this column's header sorts by; "" when it cannot sort
    numeric: bool = False
    hidden: bool = False  # a label only screen readers need ("Action")


@dataclass(frozen=True)
class Sort:
    key: str
    order_by: tuple[str, ...] = ()  # for a queryset
    sort_key: Callable | None = None  # for a list: the key function
    descending_first: bool = False  # a date column's first click shows the newest first


@dataclass(frozen=True)
class SelectFilter:
    name: str
    label: str
    lookup: Lookup
    choices: Choices = ()  # or given per request: ListQuery.run(…, choices={name: …})
    any_label: str = "All"
    kind = "select"

    def form_field(self, choices: Choices) -> forms.Field:
        return forms.ChoiceField(
            required=False,
            choices=[("", self.any_label), *((str(v), label) for v, label in choices)],
            # joined, not an f-string: "Select … from …" reads to the linter like SQL
            error_messages={
                "invalid_choice": " ".join(("Select", self.label.lower(), "from the list"))
            },
        )


@dataclass(frozen=True)
class CheckboxFilter:
    """A single tick box ("Only sittings with free seats"): ticked, `lookup` applies."""

    name: str
    label: str
    lookup: Q | Callable[[Rows, object], Rows]
    choices = ()
    kind = "checkbox"

    def form_field(self, choices: Choices) -> forms.Field:
        return forms.BooleanField(required=False)


@dataclass(frozen=True)
class DateFilter:
    """A GOV.UK date input ("Published from"): `lookup` gets the date, e.g. `published_at__date__gte`."""

    name: str
    label: str
    lookup: Lookup
    what: str = ""  # the date mid-sentence, for its errors ("the date published from")
    choices = ()
    kind = "date"

    def form_field(self, choices: Choices) -> forms.Field:
        return GovukDateField(
            required=False,
            what=self.what or f"the {self.label.lower()} date",
            earliest=SERVICE_START,
            latest=lambda: plan_ahead_limit(),
        )


Filter = SelectFilter | CheckboxFilter | DateFilter


def _filtered(rows: Rows, lookup, value) -> Rows:
    if callable(lookup):
        return lookup(rows, value)
    if isinstance(lookup, Q):
        return rows.filter(lookup)
    return rows.filter(**{lookup: value})


@dataclass
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class BoundFilter:
    """A filter as the page shows it: its current value, options and error."""

    filter: Filter
    value: object
    error: str = ""
    options: list[Option] = field(default_factory=list)
    date_parts: tuple[str, str, str] = ("", "", "")

    @property
    def name(self) -> str:
        return self.filter.name

    @property
    def label(self) -> str:
        return self.filter.label

    @property
    def is_select(self) -> bool:
        return self.filter.kind == "select"

    @property
    def is_checkbox(self) -> bool:
        return self.filter.kind == "checkbox"

    @property
    def is_date(self) -> bool:
        return self.filter.kind == "date"

    @property
    def column_class(self) -> str:
        """A date input needs half a row for its three boxes; the rest fit in a third."""
        return "govuk-grid-column-one-half" if self.is_date else "govuk-grid-column-one-third"

    @property
    def field_id(self) -> str:
        """Where the error summary links: the select, the tick box or the Day box."""
        return f"{self.name}_0" if self.is_date else self.name


@dataclass
class Header:
    column: Column
    url: str = ""
    aria_sort: str = ""  # "ascending", "descending" or "none" on a sortable column

    @property
    def label(self) -> str:
        return self.column.label

    @property
    def is_sortable(self) -> bool:
        return bool(self.url)

    @property
    def is_sorted(self) -> bool:
        return self.aria_sort in ("ascending", "descending")

    @property
    def is_ascending(self) -> bool:
        return self.aria_sort == "ascending"


@dataclass
class Listing:
    """What a list page shows: one page of rows and everything around it."""

    query: ListQuery
    page: Page
    search: str
    filters: list[BoundFilter]
    headers: list[Header]
    query_string: str  # the filters and sort, without the page: for the pagination links
    errors: list[tuple[str, str]]
    is_filtered: bool
    sort_key: str
    order: str

    @property
    def status(self) -> int:
        return 400 if self.errors else 200

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def showing(self) -> str:
        """'Showing 1 to 25 of 337 social workers' (or 'No social workers match …')."""
        singular, plural = self.query.noun
        if not self.count:
            return f"No {plural} match your search and filters" if self.is_filtered else ""
        noun = singular if self.count == 1 else plural
        start, end = self.page.start_index(), self.page.end_index()
        return f"Showing {start} to {end} of {self.count} {noun}"

    @property
    def search_error(self) -> str:
        return next((message for name, message in self.errors if name == "search"), "")

    @property
    def has_search(self) -> bool:
        return bool(self.query.search_fields or self.query.search)

    @property
    def has_controls(self) -> bool:
        return self.has_search or bool(self.filters)

    def context(self) -> dict:
        """The names the list includes read (`page`, `query_string`, `errors`, `listing`)."""
        return {
            "listing": self,
            "page": self.page,
            "query_string": self.query_string,
            "errors": self.errors,
        }


@dataclass(frozen=True)
class ListQuery:
    noun: tuple[str, str]
    columns: tuple[Column, ...]
    sorts: tuple[Sort, ...]
    filters: tuple[Filter, ...] = ()
    search_fields: tuple[str, ...] = ()  # for a queryset: the fields searched (icontains)
    search: Callable[[list, str], list] | None = None  # for a list: how it is searched
    search_label: str = "Search by name"
    search_hint: str = ""
    page_size: int = PAGE_SIZE

    @property
    def default_sort(self) -> Sort:
        return self.sorts[0]

    def run(
        self,
        request,
        rows: Rows,
        *,
        choices: dict[str, Choices] | None = None,
        defaults: dict[str, str] | None = None,
        show: Callable[[list], list] | None = None,
    ) -> Listing:
        """One page of `rows`, searched, filtered and sorted as the URL asks. `choices` gives
        the filters whose options depend on the person (their LAs); `defaults` the filters set
        on a first visit (a URL with none of the list's parameters); `show` turns the page's
        rows into what the page shows, for a list kept light until then (hundreds of rows
        built in Python, of which a page shows 25)."""
        choices = choices or {}
        data = self._data(request.GET, defaults)
        form = self._form(data, choices)
        form.is_valid()  # errors are told back; the valid values still apply
        values = {
            name: value
            for name, value in form.cleaned_data.items()
            if value not in ("", None, False)
        }
        rows = self._searched(rows, values.get("search", ""))
        bound = []
        for flt in self.filters:
            value = values.get(flt.name)
            if value is not None:
                rows = _filtered(rows, flt.lookup, value)
            bound.append(self._bound(flt, form, value, choices.get(flt.name, flt.choices)))
        sort, order = self._sort(data)
        rows = self._sorted(rows, sort, order)
        page = Paginator(rows, self.page_size).get_page(data.get("page"))
        if show is not None:
            page.object_list = show(list(page.object_list))
        kept = self._kept_params(data, form)
        return Listing(
            query=self,
            page=page,
            search=values.get("search", ""),
            filters=bound,
            headers=self._headers(kept, sort, order),
            query_string=urlencode({**kept, "sort": sort.key, "order": order}),
            errors=[(_error_id(form, name), errors[0]) for name, errors in form.errors.items()],
            is_filtered=bool(values),
            sort_key=sort.key,
            order=order,
        )

    def _data(self, query: QueryDict, defaults: dict[str, str] | None) -> QueryDict:
        if not defaults or any(self._owns(key) for key in query):
            return query
        data = query.copy()
        data.update(defaults)
        return data

    def _owns(self, key: str) -> bool:
        """Whether a URL parameter is one of this list's (the form always sends sort)."""
        names = {"search", "sort", "order", "page", *(flt.name for flt in self.filters)}
        return key in names or key.rsplit("_", 1)[0] in names

    # --- the GET form -----------------------------------------------------------------------

    def _form(self, data, choices) -> forms.Form:
        fields = {
            flt.name: flt.form_field(choices.get(flt.name, flt.choices)) for flt in self.filters
        }
        fields["search"] = forms.CharField(
            required=False,
            max_length=SEARCH_MAX_LENGTH,
            error_messages={
                "max_length": f"Search must be {SEARCH_MAX_LENGTH} characters or fewer"
            },
        )
        return type("ListForm", (forms.Form,), fields)(data)

    def _searched(self, rows: Rows, term: str) -> Rows:
        term = " ".join(term.split())
        if not term:
            return rows
        if self.search is not None:
            return self.search(rows, term)
        return rows.filter(
            reduce(or_, (Q(**{f"{f}__icontains": term}) for f in self.search_fields))
        )

    def _bound(self, flt: Filter, form, value, choices: Choices) -> BoundFilter:
        error = form.errors.get(flt.name, [""])[0]
        raw = form.data.get(flt.name, "")
        if flt.kind == "date":
            parts = tuple(form.data.get(f"{flt.name}_{i}", "") for i in range(3))
            return BoundFilter(flt, value, error, date_parts=parts)
        if flt.kind == "checkbox":
            return BoundFilter(flt, bool(value), error)
        options = [Option("", flt.any_label, not value)] + [
            Option(str(v), label, str(v) == raw and bool(value)) for v, label in choices
        ]
        return BoundFilter(flt, value, error, options=options)

    def _kept_params(self, data, form) -> dict[str, str]:
        """The valid search and filters, as they were typed, for links that keep them."""
        kept = {}
        for name in ["search", *(flt.name for flt in self.filters)]:
            if name in form.errors:
                continue
            if any(flt.name == name and flt.kind == "date" for flt in self.filters):
                for i in range(3):
                    if data.get(f"{name}_{i}"):
                        kept[f"{name}_{i}"] = data[f"{name}_{i}"]
            elif data.get(name):
                kept[name] = data[name]
        return kept

    # --- sorting ----------------------------------------------------------------------------

    def _sort(self, data) -> tuple[Sort, str]:
        """The sort asked for, if it is one of ours; anything else is the default."""
        by_key = {sort.key: sort for sort in self.sorts}
        sort = by_key.get(data.get("sort", ""), self.default_sort)
        order = data.get("order", "")
        if order not in (ASCENDING, DESCENDING):
            order = DESCENDING if sort.descending_first else ASCENDING
        return sort, order

    def _sorted(self, rows: Rows, sort: Sort, order: str) -> Rows:
        reverse = order == DESCENDING
        if isinstance(rows, list):
            return sorted(rows, key=sort.sort_key, reverse=reverse)
        if not reverse:
            return rows.order_by(*sort.order_by)
        return rows.order_by(*(_reversed(term) for term in sort.order_by))

    def _headers(self, kept: dict, sort: Sort, order: str) -> list[Header]:
        by_key = {s.key: s for s in self.sorts}
        headers = []
        for column in self.columns:
            column_sort = by_key.get(column.sort)
            if column_sort is None:
                headers.append(Header(column))
                continue
            if column_sort is sort:
                aria = "ascending" if order == ASCENDING else "descending"
                next_order = DESCENDING if order == ASCENDING else ASCENDING
            else:
                aria = "none"
                next_order = DESCENDING if column_sort.descending_first else ASCENDING
            url = "?" + urlencode({**kept, "sort": column_sort.key, "order": next_order})
            headers.append(Header(column, url=url, aria_sort=aria))
        return headers


def _reversed(term: str) -> str:
    return term[1:] if term.startswith("-") else f"-{term}"


def _error_id(form, name: str) -> str:
    return f"{name}_0" if isinstance(form.fields.get(name), GovukDateField) else name
