"""The core app's work lists, declared once for naas.listing (search, filters, sorts)."""

from .listing import Column, ListQuery, SelectFilter, Sort
from .models import EmploymentType

SUPERVISOR_CHOICES = (("yes", "Has a supervisor"), ("no", "No supervisor recorded"))


def _by_supervisor(rows, value):
    return rows.filter(supervisor__isnull=value == "no")


STAFF = ListQuery(
    noun=("social worker", "social workers"),
    search_fields=("user__full_name", "registration_number"),
    search_label="Search by name or registration number",
    filters=(
        SelectFilter(
            "employment", "Employment", lookup="employment_type", choices=EmploymentType.choices
        ),
        SelectFilter("supervisor", "Supervisor", lookup=_by_supervisor, choices=SUPERVISOR_CHOICES),
    ),
    columns=(
        Column("Name", sort="name"),
        Column("Registration number", sort="registration"),
        Column("Employment"),
        Column("Employed since", sort="employed"),
        Column("Supervisor"),
    ),
    sorts=(
        Sort("name", ("user__full_name", "pk")),
        Sort("registration", ("registration_number",)),
        Sort("employed", ("employed_since", "user__full_name", "pk"), descending_first=True),
    ),
)
