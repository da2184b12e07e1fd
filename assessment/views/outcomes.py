"""Pages for outcomes: the outcome rules' versions, confirming and publishing outcomes, and
the candidate's own outcome page."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from naas.access import role_required, social_worker_required
from naas.models import KSSFramework, Role
from naas.policies import own_social_worker
from naas.submissions import once_per_submission

from .. import lists, policies, selectors, services
from ..forms.outcomes import RuleSetForm
from ..models import AttemptState, Outcome
from ..outcome_rules import RuleParameters
from ..templatetags.assessment_tags import rule_number, share_of_areas
from .common import ADMIN, confirm_page, form_page, posted, refusal_shown_on


@role_required(ADMIN)
def rule_sets(request):
    return render(
        request, "assessment/rule_sets.html", {"frameworks": selectors.rule_sets_by_framework()}
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def rule_set_create(request, framework_id: int):
    framework = get_object_or_404(KSSFramework, pk=framework_id, is_current=True)
    version, parameters = selectors.rules_in_force(framework)
    form = RuleSetForm(
        posted(request),
        initial={
            "observation_threshold": float(parameters.observation_threshold),
            "knowledge_cut_percent": float(parameters.knowledge_cut_percent),
            "partially_met_fraction": str(parameters.partially_met_fraction),
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            rule_set = services.rule_set_create(
                framework=framework,
                parameters=form.parameters(),
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
            messages.success(
                request,
                f"Version {rule_set.version} of the rules for {framework.title} is now in use "
                "for new outcomes",
            )
            return redirect("assessment:rule_sets")
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Create a new version of the outcome rules",
            "caption": framework.title,
            "intro": f"Version {version} is in use now. Outcomes already made keep the "
            "version that produced them.",
            "back_url": reverse("assessment:rule_sets"),
        },
    )


def _outcome(request, outcome_id: int, check=policies.can_view_outcome):
    if not request.user.is_authenticated:
        raise PermissionDenied
    try:
        outcome = selectors.outcome_detail(outcome_id)
    except Outcome.DoesNotExist:
        raise Http404 from None
    if not check(request.user, outcome):
        if _is_candidate(request.user, outcome.attempt):
            raise Http404
        raise PermissionDenied
    return outcome


def _is_candidate(user, attempt) -> bool:
    return attempt.worker.user_id == user.pk


@role_required(ADMIN, Role.MODERATOR)
def outcome_list(request):
    conflicted = policies.attempts_conflicted_for(request.user, prefix="attempt__")
    # never a candidate in whom the user has a conflict of interest
    listing = lists.OUTCOMES_TO_CONFIRM.run(
        request, selectors.outcomes_to_confirm().exclude(conflicted)
    )
    return render(
        request,
        "assessment/outcome_list.html",
        {
            **listing.context(),
            "to_publish": selectors.outcomes_to_publish().exclude(conflicted),
            "can_publish": policies.can_publish_outcomes(request.user),
        },
        status=listing.status,
    )


@login_required
def outcome_detail(request, outcome_id: int):
    outcome = _outcome(request, outcome_id)
    rules = RuleParameters.from_json(outcome.rule_set.parameters)
    is_candidate = _is_candidate(request.user, outcome.attempt)
    return render(
        request,
        "assessment/outcome_detail.html",
        {
            "outcome": outcome,
            "rules": rules,
            "rules_text": _rules_text(rules),
            "history": [] if is_candidate else selectors.outcome_history(outcome.attempt),
            "is_candidate": is_candidate,
            "can_confirm": not is_candidate
            and outcome.confirmed_at is None
            and outcome.superseded_at is None
            and policies.can_confirm_outcome(request.user, outcome),
            "can_view_marks": policies.can_view_all_marks(request.user, outcome.attempt),
            "can_correct": not is_candidate
            and policies.can_correct_result(request.user, outcome.attempt),
        },
    )


def _rules_text(rules: RuleParameters) -> dict:
    return {
        "threshold": rule_number(rules.observation_threshold),
        "cut": rule_number(rules.knowledge_cut_percent),
        "fraction": share_of_areas(rules.partially_met_fraction),
    }


@role_required(ADMIN, Role.MODERATOR)
@require_http_methods(["GET", "POST"])
def outcome_confirm(request, outcome_id: int):
    """Check your answers for an outcome, then confirm it ready to publish."""
    outcome = _outcome(request, outcome_id, check=policies.can_confirm_outcome)

    def confirmed(_):
        messages.success(request, f"Outcome {outcome.reference} confirmed: it is ready to publish")
        return redirect("assessment:outcome_list")

    return confirm_page(
        request,
        "assessment/outcome_confirm.html",
        {
            "outcome": outcome,
            "rules_text": _rules_text(RuleParameters.from_json(outcome.rule_set.parameters)),
            # the same checks the service asks (signals.publication_problems), with their links
            "missing": services.publication_problems_by_outcome([outcome])[outcome.pk],
        },
        act=partial(services.outcome_confirm, outcome=outcome, actor=request.user),
        done=confirmed,
    )


NOTHING_CHOSEN = "Select the outcomes to publish"


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def outcomes_publish(request):
    """The confirmed outcomes ready to publish, as checkboxes (all ticked at first), and those
    that cannot be published yet with what is missing and a link to fix it. Only the ticked
    ready ones are published. Never a candidate in whom the administrator has a conflict of
    interest."""
    confirmed = list(
        selectors.outcomes_to_publish().exclude(
            policies.attempts_conflicted_for(request.user, prefix="attempt__")
        )
    )
    problems = services.publication_problems_by_outcome(confirmed)
    ready = [outcome for outcome in confirmed if not problems[outcome.pk]]
    context = {
        "ready": ready,
        "held": [(outcome, problems[outcome.pk]) for outcome in confirmed if problems[outcome.pk]],
        "chosen": {outcome.pk for outcome in ready},
    }
    if request.method == "POST" and "outcome" not in request.POST:
        # every box unticked: a GOV.UK error on the checkboxes, nothing published
        errors = [("outcome", NOTHING_CHOSEN)]
        context.update(chosen=set(), errors=errors, checkbox_error=NOTHING_CHOSEN)
        return render(request, "assessment/outcomes_publish.html", context, status=400)
    # a tampered id (not ASCII digits, or beyond any key) names no outcome: dropped
    chosen = [
        int(v)
        for v in request.POST.getlist("outcome")
        if v.isascii() and v.isdigit() and len(v) <= 18
    ]
    if request.method == "POST":
        context["chosen"] = set(chosen)

    def published(outcomes):
        request.session["assessment:published"] = [o.pk for o in outcomes]
        request.session["assessment:held"] = len(set(chosen) - {o.pk for o in outcomes})
        return redirect("assessment:outcomes_published")

    return confirm_page(
        request,
        "assessment/outcomes_publish.html",
        context,
        act=partial(services.outcomes_publish, outcome_ids=chosen, actor=request.user),
        done=published,
    )


@role_required(ADMIN)
def outcomes_published(request):
    ids = request.session.get("assessment:published") or []
    outcomes = Outcome.objects.filter(pk__in=ids).select_related("attempt__worker__user")
    return render(
        request,
        "assessment/outcomes_published.html",
        {"outcomes": outcomes, "held": request.session.get("assessment:held") or 0},
    )


@social_worker_required
def my_outcome(request):
    worker = own_social_worker(request.user)
    attempts = selectors.worker_outcomes(worker)
    steps = selectors.next_steps_by_attempt(attempts, today=timezone.localdate())
    for attempt in attempts:
        attempt.fast_track_problems = steps[attempt.pk].fast_track_problems
        attempt.fast_track_closes = steps[attempt.pk].fast_track_closes
        attempt.review_problems = steps[attempt.pk].review_problems
        attempt.review_deadline = selectors.review_deadline(attempt.outcome)
        attempt.live_retake = next(
            (r for r in attempt.retakes.all() if r.state != AttemptState.CANCELLED), None
        )
    return render(request, "assessment/my_outcome.html", {"attempts": attempts})
