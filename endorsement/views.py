"""Pages for supervisors, LA leads and workers. Each view checks access, validates the form,
calls one service and renders; the rules live in the services and eligibility module.

Access: a page about a worker or endorsement the user may not act on answers 404, so guessing
ids reveals nothing; a page for a role the user lacks answers 403.

Consequential actions (sign-off, the LA lead's decision, decline, withdrawal) go form → check
your answers → confirmation. The answers wait in the session between the first two steps,
with the version of the endorsement the form was shown against; the service refuses if the
endorsement has moved on since, so a double click or a colleague's change never lands twice.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from naas.access import role_required, social_worker_required
from naas.dates import govuk_date, whole_months_between
from naas.models import EmploymentType, Level, Role, SocialWorker
from naas.policies import can_supervise
from naas.submissions import once_per_submission

from . import selectors, services
from .eligibility import Rule, eligibility_problems, tenure_reached_on
from .forms import (
    ConsentForm,
    ConsideredForm,
    Decision,
    DecisionForm,
    FeedbackForm,
    ReasonForm,
    SignOffForm,
    StartEndorsementForm,
    SupervisionSessionForm,
)
from .models import Endorsement, EndorsementState, ServiceUserFeedback
from .policies import can_act_as_supervisor, can_confirm, is_own_endorsement
from .services import EndorsementChanged, EndorsementError, EndorsementNotEligible

GET_POST = ["GET", "POST"]


# --- Shared helpers -----------------------------------------------------------------------------


def _endorsement_or_404(request, pk: int, may_act) -> Endorsement:
    """The endorsement, if the policy `may_act(user, endorsement)` allows it."""
    endorsement = get_object_or_404(
        Endorsement.objects.select_related(
            "worker__user", "worker__local_authority", "supervisor", "signed_off_by"
        ),
        pk=pk,
    )
    if not may_act(request.user, endorsement):
        raise Http404
    return endorsement


def _supervisee_or_404(request, worker_id: int) -> SocialWorker:
    worker = get_object_or_404(
        SocialWorker.objects.select_related("user", "local_authority"), pk=worker_id
    )
    if not can_supervise(request.user, worker):
        raise Http404
    return worker


@dataclass(frozen=True)
class Link:
    """Where a page sends the user on: its address and the words of the link."""

    url: str
    label: str


def _back_to_worker(worker: SocialWorker) -> Link:
    return Link(reverse("endorsement:supervisee", args=[worker.pk]), f"Back to {worker.full_name}")


def _back_to_queue() -> Link:
    return Link(reverse("endorsement:confirmation_queue"), "Back to endorsements to confirm")


def _back_to_my_page() -> Link:
    return Link(reverse("endorsement:my_endorsement"), "Back to your accreditation")


def _refused(request, exc: EndorsementError, back: Link):
    """A refusal page: 409 when the endorsement changed under the user, 400 otherwise."""
    changed = isinstance(exc, EndorsementChanged)
    return render(
        request,
        "endorsement/refused.html",
        {
            "heading": "This endorsement has changed" if changed else "This cannot be done",
            "message": str(exc),
            "problems": getattr(exc, "problems", []),
            "back_url": back.url,
            "back_label": back.label,
        },
        status=409 if changed else 400,
    )


def _already_sent(request, back: Link):
    """A check page posted with nothing waiting: sent twice, or opened in another tab."""
    return _refused(
        request,
        EndorsementChanged(
            "This has already been sent, or the page is out of date. Reload the page to see "
            "the latest version: nothing has been changed."
        ),
        back,
    )


def _not_in_state(endorsement: Endorsement, what: str) -> EndorsementError:
    return EndorsementError(
        f"{what}: this endorsement is {endorsement.get_state_display().lower()}"
    )


def _form_page(request, form, context: dict, template: str = "endorsement/form_page.html"):
    """A form page: 400 while the form shows errors, so a failed send is never a 200."""
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def _reason_check_page(request, endorsement: Endorsement, **context):
    """Check your answers before an action, each row (label, value, change URL or None)."""
    return render(request, "endorsement/reason_check.html", {"endorsement": endorsement, **context})


def _done_page(request, *, title: str, panel: str, body: list[str], next_link: Link):
    return render(
        request,
        "endorsement/done.html",
        {
            "title": title,
            "panel": panel,
            "body": body,
            "next_url": next_link.url,
            "next_label": next_link.label,
        },
    )


class PendingAnswers:
    """A consequential action's answers, waiting in the session between its form page and its
    check your answers page, with the version of the endorsement the form was shown against.

    `flow` names the session key and the form's URL; its check and done pages are
    `<flow>_check` and `<flow>_done`.
    """

    def __init__(self, request, flow: str, pk: int):
        self.request = request
        self.flow = flow
        self.pk = pk
        self.key = f"endorsement.{flow}.{pk}"

    def initial(self, endorsement: Endorsement, **defaults) -> dict:
        """The form's first values: what was sent before, when the user comes back to change
        it, else the defaults, with the version the form is now shown against."""
        stashed = self.request.session.get(self.key, {})
        return {
            "version": stashed.get("version", endorsement.version),
            **{name: stashed.get(name, default) for name, default in defaults.items()},
        }

    def keep_and_check(self, cleaned_data: dict, *names: str):
        """Stash the valid form's answers and go on to check them."""
        self.request.session[self.key] = {name: cleaned_data[name] for name in ("version", *names)}
        return redirect(f"endorsement:{self.flow}_check", pk=self.pk)

    def check_then_act(self, endorsement: Endorsement, *, service, show, back: Link):
        """GET shows the answers with `show(request, endorsement, answers)`; POST sends them
        once to `service`, which refuses if the endorsement has moved on. The answers are
        dropped either way, so a second POST (a double click) finds nothing and changes
        nothing."""
        request = self.request
        stashed = request.session.get(self.key)
        if not stashed:
            if request.method == "POST":
                return _already_sent(request, back)
            return redirect(f"endorsement:{self.flow}", pk=self.pk)
        if request.method != "POST":
            return show(request, endorsement, stashed)
        answers = {name: value for name, value in stashed.items() if name != "version"}
        try:
            service(
                endorsement=endorsement,
                actor=request.user,
                expected_version=stashed["version"],
                **answers,
            )
        except EndorsementError as exc:
            response = _refused(request, exc, back)
        else:
            response = redirect(f"endorsement:{self.flow}_done", pk=self.pk)
        request.session.pop(self.key, None)
        return response


def _worker_facts(worker: SocialWorker, today):
    return {
        "tenure_months": whole_months_between(worker.employed_since, today),
        "tenure_reached_on": tenure_reached_on(worker),
    }


# --- Supervisor: supervisees and their task lists -----------------------------------------------


@role_required(Role.SUPERVISOR)
def supervisees(request):
    today = timezone.localdate()
    rows = selectors.supervisees_with_readiness(request.user, today=today)
    return render(request, "endorsement/supervisees.html", {"rows": rows})


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
    worker = _supervisee_or_404(request, worker_id)
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
    facts = _worker_facts(worker, today)
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
    worker = _supervisee_or_404(request, worker_id)
    back = _back_to_worker(worker)
    existing = selectors.open_endorsement_of(worker)
    if existing is not None and existing.level == worker.job_level:
        return _refused(
            request, EndorsementError(f"{worker.full_name} already has an open endorsement"), back
        )
    form = StartEndorsementForm(request.POST or None, worker=worker)
    if request.method == "POST" and form.is_valid():
        try:
            services.endorsement_start(
                worker=worker, level=form.cleaned_data["level"], actor=request.user
            )
        except EndorsementChanged as exc:
            return _refused(request, exc, back)
        except EndorsementError as exc:
            form.add_error("level", str(exc))
        else:
            messages.success(
                request,
                f"Endorsement started. {worker.full_name} now needs to give their consent on "
                "their accreditation page.",
            )
            return redirect(back.url)
    return _form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": worker.full_name,
            "heading": "Start a practice endorsement",
            "back_url": back.url,
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
@once_per_submission
def supervision_new(request, worker_id: int):
    worker = _supervisee_or_404(request, worker_id)
    back = reverse("endorsement:supervisee", args=[worker.pk])
    areas = selectors.current_framework_areas(worker.job_level)
    form = SupervisionSessionForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_session_record(
                worker=worker,
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                reflection=form.cleaned_data["reflection"],
                area_views=form.area_views(),
            )
        except EndorsementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Supervision session recorded")
            return redirect(back)
    return _form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": worker.full_name,
            "heading": "Record a reflective supervision session",
            "intro": f"Areas from the {Level(worker.job_level).label.lower()} knowledge and "
            "skills statement. Choose a readiness view for each area you discussed.",
            "back_url": back,
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
@once_per_submission
def feedback_new(request, worker_id: int):
    worker = _supervisee_or_404(request, worker_id)
    back = reverse("endorsement:supervisee", args=[worker.pk])
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_user_feedback_record(
                worker=worker,
                actor=request.user,
                received_on=form.cleaned_data["received_on"],
                source_type=form.cleaned_data["source_type"],
                summary=form.cleaned_data["summary"],
            )
        except EndorsementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Feedback recorded. Mark it as considered once you have discussed it."
            )
            return redirect(back)
    return _form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": worker.full_name,
            "heading": "Record service-user feedback",
            "back_url": back,
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def feedback_considered(request, worker_id: int, feedback_id: int):
    worker = _supervisee_or_404(request, worker_id)
    feedback = get_object_or_404(ServiceUserFeedback, pk=feedback_id, worker=worker)
    back = _back_to_worker(worker)
    if feedback.considered_on is not None:
        return _refused(
            request,
            EndorsementError(
                f"This feedback was already marked as considered on "
                f"{govuk_date(feedback.considered_on)}"
            ),
            back,
        )
    form = ConsideredForm(request.POST or None, received_on=feedback.received_on)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_user_feedback_mark_considered(
                feedback=feedback,
                actor=request.user,
                considered_on=form.cleaned_data["considered_on"],
            )
        except EndorsementChanged as exc:
            return _refused(request, exc, back)
        except EndorsementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Feedback marked as considered")
            return redirect(back.url)
    return _form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": worker.full_name,
            "heading": "Mark feedback as considered",
            "feedback": feedback,
            "back_url": back.url,
        },
    )


# --- Supervisor: sign-off -----------------------------------------------------------------------


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def sign_off(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_act_as_supervisor)
    worker = endorsement.worker
    back = _back_to_worker(worker)
    if endorsement.state != EndorsementState.DRAFT:
        return _refused(request, _not_in_state(endorsement, "Only a draft can be signed off"), back)
    problems = selectors.endorsement_problems(
        endorsement, signer=request.user, today=timezone.localdate()
    )
    if problems:
        return _refused(request, EndorsementNotEligible(problems), back)
    answers = PendingAnswers(request, "sign_off", pk)
    form = SignOffForm(
        request.POST or None,
        initial=answers.initial(endorsement, statement=""),
        worker_name=worker.full_name,
    )
    if request.method == "POST" and form.is_valid():
        return answers.keep_and_check(form.cleaned_data, "statement")
    return _form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": f"{worker.full_name} – {endorsement.get_level_display()}",
            "heading": "Sign off for assessment",
            "intro": "Every eligibility check has passed. Your sign-off goes to your LA lead "
            "to confirm for the employer.",
            "back_url": back.url,
        },
    )


def _sign_off_check_page(request, endorsement: Endorsement, answers: dict):
    worker = endorsement.worker
    today = timezone.localdate()
    return render(
        request,
        "endorsement/sign_off_check.html",
        {
            "endorsement": endorsement,
            "worker": worker,
            "statement": answers["statement"],
            "evidence": selectors.worker_evidence(worker, today=today),
            **_worker_facts(worker, today),
        },
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def sign_off_check(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_act_as_supervisor)
    return PendingAnswers(request, "sign_off", pk).check_then_act(
        endorsement,
        service=services.endorsement_sign_off,
        show=_sign_off_check_page,
        back=_back_to_worker(endorsement.worker),
    )


@role_required(Role.SUPERVISOR)
def sign_off_done(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_act_as_supervisor)
    if endorsement.state not in (EndorsementState.SIGNED_OFF, EndorsementState.ENDORSED):
        return redirect("endorsement:supervisee", worker_id=endorsement.worker_id)
    name = endorsement.worker.full_name
    return _done_page(
        request,
        title="Sign-off sent",
        panel=f"{name} has been signed off",
        body=[
            "Your LA lead will now confirm the endorsement for the employer.",
            f"We have emailed {name} and your LA lead.",
        ],
        next_link=Link(reverse("endorsement:supervisees"), "Back to your supervisees"),
    )


# --- Supervisor: decline a draft ---------------------------------------------------------------


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def decline(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_act_as_supervisor)
    worker = endorsement.worker
    back = _back_to_worker(worker)
    if endorsement.state != EndorsementState.DRAFT:
        return _refused(
            request,
            _not_in_state(endorsement, "Only a draft can be declined by its supervisor"),
            back,
        )
    answers = PendingAnswers(request, "decline", pk)
    form = ReasonForm(
        request.POST or None,
        initial=answers.initial(endorsement, reason=""),
        label=f"Why is {worker.full_name} not ready?",
        help_text=f"{worker.full_name} and your LA lead can see this.",
        required_message="Enter why the worker is not ready",
    )
    if request.method == "POST" and form.is_valid():
        return answers.keep_and_check(form.cleaned_data, "reason")
    return _form_page(
        request,
        form,
        {
            "worker": worker,
            "caption": f"{worker.full_name} – {endorsement.get_level_display()}",
            "heading": "Decline this endorsement",
            "intro": "The endorsement will close. You can start a new one later.",
            "back_url": back.url,
        },
    )


def _decline_check_page(request, endorsement: Endorsement, answers: dict):
    worker = endorsement.worker
    return _reason_check_page(
        request,
        endorsement,
        worker=worker,
        heading="Check before you decline",
        rows=[
            ("Worker", worker.full_name, None),
            ("Level", endorsement.get_level_display(), None),
            ("Reason", answers["reason"], reverse("endorsement:decline", args=[endorsement.pk])),
        ],
        warning="The endorsement will close and cannot be reopened.",
        button="Decline endorsement",
        button_class="govuk-button--warning",
        cancel_url=_back_to_worker(worker).url,
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(GET_POST)
def decline_check(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_act_as_supervisor)
    return PendingAnswers(request, "decline", pk).check_then_act(
        endorsement,
        service=services.endorsement_decline,
        show=_decline_check_page,
        back=_back_to_worker(endorsement.worker),
    )


@role_required(Role.SUPERVISOR)
def decline_done(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_act_as_supervisor)
    if endorsement.state != EndorsementState.DECLINED:
        return redirect("endorsement:supervisee", worker_id=endorsement.worker_id)
    return _done_page(
        request,
        title="Endorsement declined",
        panel="Endorsement declined",
        body=[f"You can start a new endorsement for {endorsement.worker.full_name} later."],
        next_link=_back_to_worker(endorsement.worker),
    )


# --- LA lead: confirmation queue and decisions --------------------------------------------------


@role_required(Role.LA_LEAD)
def confirmation_queue(request):
    return render(
        request,
        "endorsement/confirmation_queue.html",
        {"endorsements": selectors.confirmation_queue_for(request.user)},
    )


def _decision_context(endorsement: Endorsement, today):
    worker = endorsement.worker
    return {
        "endorsement": endorsement,
        "worker": worker,
        "evidence": selectors.worker_evidence(worker, today=today),
        "problems": selectors.endorsement_problems(endorsement, signer=None, today=today),
        "readiness": selectors.area_readiness(worker, endorsement.level),
        **_worker_facts(worker, today),
    }


@role_required(Role.LA_LEAD)
@require_http_methods(GET_POST)
def decision(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_confirm)
    if endorsement.state != EndorsementState.SIGNED_OFF:
        return _refused(
            request,
            _not_in_state(endorsement, "Only a sign-off waits for your decision"),
            _back_to_queue(),
        )
    answers = PendingAnswers(request, "decision", pk)
    form = DecisionForm(
        request.POST or None, initial=answers.initial(endorsement, decision=None, reason="")
    )
    if request.method == "POST" and form.is_valid():
        return answers.keep_and_check(form.cleaned_data, "decision", "reason")
    return _form_page(
        request,
        form,
        _decision_context(endorsement, timezone.localdate()),
        template="endorsement/decision.html",
    )


def _decide(*, endorsement: Endorsement, actor, expected_version: int, decision: str, reason: str):
    """The LA lead's decision, sent to the service it names."""
    common = {"endorsement": endorsement, "actor": actor, "expected_version": expected_version}
    if decision == Decision.CONFIRM:
        return services.endorsement_confirm(**common)
    if decision == Decision.RETURN:
        return services.endorsement_return(**common, reason=reason)
    return services.endorsement_decline(**common, reason=reason)


DECISION_BUTTONS = {
    Decision.CONFIRM: ("Confirm endorsement", ""),
    Decision.RETURN: ("Return to supervisor", ""),
    Decision.DECLINE: ("Decline endorsement", "govuk-button--warning"),
}


def _decision_warning(endorsement: Endorsement, choice: str) -> str:
    return {
        Decision.CONFIRM: f"{endorsement.worker.full_name} will be able to book an "
        "assessment. We will email them and you.",
        Decision.RETURN: "The supervisor will be able to change and sign off again.",
        Decision.DECLINE: "The endorsement will close and cannot be reopened.",
    }[choice]


def _decision_check_page(request, endorsement: Endorsement, answers: dict):
    choice = answers["decision"]
    change_url = reverse("endorsement:decision", args=[endorsement.pk])
    rows = [
        ("Worker", endorsement.worker.full_name, None),
        ("Level", endorsement.get_level_display(), None),
        ("Supervisor", endorsement.signed_off_by, None),
        ("Decision", Decision.LABELS[choice], change_url),
    ]
    if choice != Decision.CONFIRM:
        rows.append(("Reason", answers["reason"], change_url))
    button, button_class = DECISION_BUTTONS[choice]
    return _reason_check_page(
        request,
        endorsement,
        worker=endorsement.worker,
        heading="Check your decision",
        rows=rows,
        warning=_decision_warning(endorsement, choice),
        button=button,
        button_class=button_class,
        cancel_url=_back_to_queue().url,
    )


@role_required(Role.LA_LEAD)
@require_http_methods(GET_POST)
def decision_check(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_confirm)
    return PendingAnswers(request, "decision", pk).check_then_act(
        endorsement, service=_decide, show=_decision_check_page, back=_back_to_queue()
    )


@role_required(Role.LA_LEAD)
def decision_done(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, can_confirm)
    name = endorsement.worker.full_name
    until = (
        f"until {govuk_date(endorsement.valid_until)}"
        if endorsement.valid_until
        else "with no end date"
    )
    outcomes = {
        EndorsementState.ENDORSED: (
            "Endorsement confirmed",
            [
                f"{name} is endorsed {until} and can now be booked for an assessment.",
                f"We have emailed {name}.",
            ],
        ),
        EndorsementState.DRAFT: (
            "Returned to the supervisor",
            ["The supervisor can see your reason and sign off again."],
        ),
        EndorsementState.DECLINED: ("Endorsement declined", ["The endorsement is closed."]),
    }
    returned = endorsement.state == EndorsementState.DRAFT and endorsement.last_reason
    if endorsement.state not in outcomes or (
        endorsement.state == EndorsementState.DRAFT and not returned
    ):
        return redirect("endorsement:confirmation_queue")
    panel, body = outcomes[endorsement.state]
    return _done_page(request, title=panel, panel=panel, body=body, next_link=_back_to_queue())


# --- The worker's own page ----------------------------------------------------------------------


def _my_page(request, *, consent_form=None, status=200):
    endorsements = list(selectors.endorsements_of_user(request.user))
    current = next((e for e in endorsements if e.is_open), None)
    if consent_form is None and current and current.state == EndorsementState.DRAFT:
        consent_form = ConsentForm(initial={"version": current.version})
    return render(
        request,
        "endorsement/my_endorsement.html",
        {
            "current": current,
            "history": [e for e in endorsements if e is not current],
            "consent_form": consent_form,
            "can_withdraw": current is not None and current.used_at is None,
        },
        status=status,
    )


@social_worker_required
def my_endorsement(request):
    return _my_page(request)


@social_worker_required
@require_POST
def consent(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, is_own_endorsement)
    back = _back_to_my_page()
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _my_page(request, consent_form=form, status=400)
    try:
        services.endorsement_record_consent(
            endorsement=endorsement,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except EndorsementError as exc:
        return _refused(request, exc, back)
    messages.success(request, "Your consent has been recorded")
    return redirect(back.url)


@social_worker_required
@require_http_methods(GET_POST)
def withdraw(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, is_own_endorsement)
    back = _back_to_my_page()
    if not endorsement.is_open or endorsement.used_at is not None:
        return _refused(
            request,
            EndorsementError(
                "You can only withdraw from an open endorsement before an assessment is booked"
            ),
            back,
        )
    answers = PendingAnswers(request, "withdraw", pk)
    form = ReasonForm(
        request.POST or None,
        initial=answers.initial(endorsement, reason=""),
        label="Why are you withdrawing? (optional)",
        help_text="Your supervisor and your LA lead can see this.",
        required_message="",
        required=False,
    )
    if request.method == "POST" and form.is_valid():
        return answers.keep_and_check(form.cleaned_data, "reason")
    return _form_page(
        request,
        form,
        {
            "caption": endorsement.get_level_display(),
            "heading": "Withdraw from your endorsement",
            "intro": "You can withdraw your consent at any time before an assessment is "
            "booked. Your supervisor and LA will see that you have withdrawn.",
            "back_url": back.url,
        },
    )


def _withdraw_check_page(request, endorsement: Endorsement, answers: dict):
    return _reason_check_page(
        request,
        endorsement,
        heading="Check before you withdraw",
        rows=[
            ("Level", endorsement.get_level_display(), None),
            ("Status now", endorsement.get_state_display(), None),
            (
                "Reason",
                answers["reason"] or "None given",
                reverse("endorsement:withdraw", args=[endorsement.pk]),
            ),
        ],
        warning="Your endorsement will close. Your supervisor would need to start a new "
        "one, and you would need to give your consent again.",
        button="Withdraw",
        button_class="govuk-button--warning",
        cancel_url=_back_to_my_page().url,
    )


@social_worker_required
@require_http_methods(GET_POST)
def withdraw_check(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, is_own_endorsement)
    return PendingAnswers(request, "withdraw", pk).check_then_act(
        endorsement,
        service=services.endorsement_withdraw,
        show=_withdraw_check_page,
        back=_back_to_my_page(),
    )


@social_worker_required
def withdraw_done(request, pk: int):
    endorsement = _endorsement_or_404(request, pk, is_own_endorsement)
    if endorsement.state != EndorsementState.WITHDRAWN:
        return redirect("endorsement:my_endorsement")
    return _done_page(
        request,
        title="You have withdrawn",
        panel="You have withdrawn from your endorsement",
        body=["Talk to your supervisor if you change your mind."],
        next_link=_back_to_my_page(),
    )
