"""Each role's sections of the service, and which one a user starts on.

Other apps' pages are named by URL name only, so the core app imports none of them."""

from dataclasses import dataclass

from django.urls import reverse

from .models import Role
from .policies import is_social_worker, roles_of


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str


# In priority order: a user with several roles starts on the first section they have.
SECTIONS_BY_ROLE: list[tuple[str, list[Section]]] = [
    (
        Role.SUPERVISOR,
        [
            Section("Supervisees", "endorsement:supervisees"),
            Section("Results", "feedback:results_workers"),
        ],
    ),
    (
        Role.LA_LEAD,
        [
            Section("Staff", "naas:staff_start"),
            Section("Endorsements to confirm", "endorsement:confirmation_queue"),
            Section("Assessment bookings", "assessment:la_bookings"),
            Section("Results", "feedback:results_workers"),
            Section("Reports", "reporting:la_reports_start"),
        ],
    ),
    (Role.ASSESSOR, [Section("Allocated attempts", "assessment:assessor_home")]),
    (Role.MODERATOR, [Section("Allocated attempts", "assessment:assessor_home")]),
    (
        Role.ADMINISTRATOR,
        [
            Section("Assessment days", "assessment:admin_home"),
            Section("Letters", "feedback:letters"),
            Section("Emails not delivered", "notify:failed"),
        ],
    ),
    (Role.DFE, [Section("Dashboards", "reporting:dashboard")]),
]
SOCIAL_WORKER_SECTIONS = [
    Section("Your accreditation", "endorsement:my_endorsement"),
    Section("Your assessment", "assessment:my_assessment"),
    Section("Your results", "feedback:my_results"),
    Section("Equality information", "naas:equality_data"),
]


def sections_for(user) -> list[Section]:
    roles = roles_of(user)
    sections: list[Section] = []
    for role, role_sections in SECTIONS_BY_ROLE:
        if role in roles:
            sections.extend(s for s in role_sections if s not in sections)
    if is_social_worker(user):
        sections.extend(SOCIAL_WORKER_SECTIONS)
    return sections


def start_url_for(user) -> str | None:
    sections = sections_for(user)
    if sections:
        return reverse(sections[0].url_name)
    if user.is_superuser:
        return reverse("admin:index")
    return None
