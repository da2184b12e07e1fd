"""Supervisors' pages: their supervisees, each one's task list, and starting an endorsement."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.dates import govuk_date
from naas.forms import submitted
from naas.models import EmploymentType, Level, Role
from naas.submissions import once_per_submission

from .. import lists, selectors, services
from ..eligibility import Rule, eligibility_problems
from ..forms import StartEndorsementForm
from ..models import EndorsementState
from ..services import EndorsementChanged, EndorsementError
from .common import (
    GET_POST,
    back_to_worker,
    form_page,
    refusal_page,
    supervisee_or_404,
    worker_facts,
)


@role_required(Role.SUPERVISOR)
def supervisees(request):
    today = timezone.localdate()
    rows = selectors.supervisee_summaries(request.user, today=today)
    listing = lists.SUPERVISEES.run(
        request, rows, choices={"la": lists.la_choices(rows)}, show=selectors.show_supervisees
    )
    return render(
        request,
        "endorsement/supervisees.html",
        {"has_supervisees": bool(rows), **listing.context()},
        status=listing.status,
    )


@dataclass(frozen=True)
class Task:
    """One row of a supervisee's task list (GOV.UK task list pattern)."""

    label: str
    status: str
    style: str  # "done", "todo" or "blocked"
    hint: str = ""
    url: str | None = None


def _tasks(worker, endorsement, problems, evidence, facts) -> list[Task]:
    rules = {p.rule for p in problems}
    la = worker.local_authority
    tasks = []
    if endorsement is None:
        tasks.append(
            Task(
                "Start the endorsement",
                "Not yet started",
                "todo",
                "Choose the level",
                reverse("endorsement:start", args=[worker.pk]),
            )
        )
    else:
        tasks.append(
            Task(
                "Start the endorsement",
                "Completed",
                "done",
                f"{endorsement.get_level_display()} level",
            )
        )
    if endorsement is not None and endorsement.has_consent:
        tasks.append(
            Task(
                "Worker's consent",
                "Completed",
                "done",
                f"Recorded {govuk_date(endorsement.consent_recorded_at)}",
            )
        )
    else:
        tasks.append(
            Task(
                "Worker's consent",
                "Waiting for worker",
                "blocked",
                f"{worker.user.get_short_name()} gives it on their own accreditation page",
            )
        )
    sessions = evidence.supervision_sessions
    tasks.append(
        Task(
            "Record reflective supervision",
            "Completed" if sessions else "Incomplete",
            "done" if sessions else "todo",
            f"{sessions} session{'s' if sessions != 1 else ''} recorded",
            reverse("endorsement:supervision_new", args=[worker.pk]),
        )
    )
    considered = evidence.latest_feedback_considered_on
    feedback_missing = Rule.FEEDBACK in rules
    tasks.append(
        Task(
            "Record and consider service-user feedback",
            "Incomplete" if feedback_missing else "Completed",
            "todo" if feedback_missing else "done",
            f"Last considered {govuk_date(considered)}" if considered else "None considered yet",
            reverse("endorsement:feedback_new", args=[worker.pk]),
        )
    )
    short = bool({Rule.TENURE, Rule.FUTURE_DATE} & rules)
    tasks.append(
        Task(
            f"Minimum tenure at {la.name}",
            "Not reached yet" if short else "Completed",
            "blocked" if short else "done",
            f"{la.min_tenure_months} months, reached on {govuk_date(facts['tenure_reached_on'])}",
        )
    )
    if worker.employment_type == EmploymentType.AGENCY:
        refused = Rule.AGENCY in rules
        tasks.append(
            Task(
                "Agency worker policy",
                "Not allowed" if refused else "Completed",
                "blocked" if refused else "done",
                f"{la.name} {'does not endorse' if refused else 'endorses'} agency workers",
            )
        )
    if endorsement is not None and endorsement.state in (
        EndorsementState.SIGNED_OFF,
        EndorsementState.ENDORSED,
    ):
        tasks.append(Task("Sign off", "Completed", "done", endorsement.get_state_display()))
    elif endorsement is not None and not problems:
        tasks.append(
            Task(
                "Sign off",
                "Ready",
                "todo",
                "Every check has passed",
                reverse("endorsement:sign_off", args=[endorsement.pk]),
            )
        )
    else:
        tasks.append(Task("Sign off", "Cannot start yet", "blocked", "Complete the tasks above"))
    return tasks


@role_required(Role.SUPERVISOR)
def supervisee(request, worker_id: int):
    worker = supervisee_or_404(request, worker_id)
    today = timezone.localdate()
    endorsement = selectors.open_endorsement_of(worker)
    evidence = selectors.worker_evidence(worker, today=today)
    if endorsement is not None:
        problems = selectors.endorsement_problems(endorsement, signer=request.user, today=today)
    else:
        problems = eligibility_problems(
            worker=worker,
            level=worker.job_level,
            consent_recorded=False,
            evidence=evidence,
            today=today,
        )
    facts = worker_facts(worker, today)
    level = endorsement.level if endorsement else worker.job_level
    context = {
        "worker": worker,
        "endorsement": endorsement,
        "problems": problems
        if endorsement is None or endorsement.state == EndorsementState.DRAFT
        else [],
        "tasks": _tasks(worker, endorsement, problems, evidence, facts),
        "readiness": selectors.area_readiness(worker, level),
        "level_label": Level(level).label,
        "sessions": selectors.supervision_sessions_of(worker),
        "feedback": selectors.feedback_of(worker),
        "history": selectors.endorsements_of(worker),
        **facts,
    }
    return render(request, "endorsement/supervisee.html", context)


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
@once_per_submission
def start(request, worker_id: int):
    worker = supervisee_or_404(request, worker_id)
    back = back_to_worker(worker)
    if any(e.level == worker.job_level for e in selectors.open_endorsements_of(worker)):
        return refusal_page(
            request, EndorsementError(f"{worker.full_name} already has an open endorsement"), back
        )
    form = StartEndorsementForm(submitted(request), worker=worker)
    if request.method == "POST" and form.is_valid():
        try:
            services.endorsement_start(
                worker=worker, level=form.cleaned_data["level"], actor=request.user
            )
        except EndorsementChanged as exc:
            return refusal_page(request, exc, back)
        except EndorsementError as exc:
            form.add_error("level", str(exc))
        else:
            messages.success(
                request,
                f"Endorsement started. {worker.full_name} now needs to give their consent on "
                "their accreditation page.",
            )
            return redirect(back.url)
    return form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": worker.full_name,
            "heading": "Start a practice endorsement",
            "back_url": back.url,
        },
    )
