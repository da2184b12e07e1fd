"""Pages for simulated practice marking: allocating markers, each marker's queue, the
scoring form and the marks side by side for moderation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from naas.access import role_required

from .. import lists, policies, selectors, services
from ..forms.marking import AllocationForm, MarksForm, ModerationForm
from ..models import MARK_RUBRIC, Attempt, MarkerRole, PracticeTask
from ..rules import MODERATION_TOLERANCE
from .common import ADMIN, ASSESSING, form_page, posted, refusal_shown_on

MARKING_ROLES_SHOWN = {
    MarkerRole.FIRST: "Attempts to mark",
    MarkerRole.SECOND: "Second marking",
    MarkerRole.MODERATOR: "Moderation",
    MarkerRole.REVIEWER: "Reviews",
}


def _marking_page(request, roles, title):
    listing = lists.allocations_for([MarkerRole(role) for role in roles]).run(
        request, selectors.allocations_for_assessor(request.user).filter(role__in=roles)
    )
    allocations = list(listing.page)
    # the status tag tells marked, agreed and moderated apart by the allocations: one query
    prefetch_related_objects([a.attempt for a in allocations], "allocations")
    groups = [
        (role, MARKING_ROLES_SHOWN[role], [a for a in allocations if a.role == role])
        for role in roles
    ]
    return render(
        request,
        "assessment/marking_queue.html",
        {"groups": groups, "title": title, "is_home": len(roles) > 1, **listing.context()},
        status=listing.status,
    )


@role_required(*ASSESSING)
def assessor_home(request):
    return _marking_page(request, list(MARKING_ROLES_SHOWN), "Your allocated attempts")


@role_required(*ASSESSING)
def second_marking_queue(request):
    return _marking_page(request, [MarkerRole.SECOND], "Second marking")


@role_required(*ASSESSING)
def moderation_queue(request):
    return _marking_page(request, [MarkerRole.MODERATOR], "Moderation")


def _attempt_for_marking(attempt_id: int) -> Attempt:
    try:
        return selectors.attempt_for_marking(attempt_id)
    except Attempt.DoesNotExist:
        raise Http404 from None


def _marks_of(allocation) -> dict:
    return {m.area_id: m for m in allocation.marks.all()} if allocation else {}


SAVE_DRAFT = "save_draft"


@role_required(*ASSESSING)
@require_http_methods(["GET", "POST"])
def attempt_mark(request, attempt_id: int):
    """The scoring form for the user's own part in the attempt. A second marker sees only
    their own marks (blind); a moderator decides where the two markers disagree; a reviewer
    also sees the earlier marks."""
    attempt = _attempt_for_marking(attempt_id)
    mine = next(
        (a for a in attempt.allocations.all() if a.active and a.assessor_id == request.user.pk),
        None,
    )
    if mine is None or not policies.can_mark(request.user, mine):
        raise PermissionDenied
    if mine.role == MarkerRole.MODERATOR:
        return _moderate(request, attempt, mine)
    return _mark(request, attempt, mine)


def _mark(request, attempt, mine):
    """Marks for every area: submitted (all required) or kept as a draft (range-checked
    only) with "Save and come back later"."""
    problem = selectors.marking_problem(attempt, mine)
    saving_draft = request.method == "POST" and SAVE_DRAFT in request.POST
    draft = None if problem else selectors.marking_draft(mine)
    form = MarksForm(
        posted(request),
        areas=attempt.areas.all(),
        needs_reason=mine.role == MarkerRole.REVIEWER,
        initial_marks=selectors.draft_areas(draft) or _marks_of(mine),
        initial={"reason": draft.reason} if draft else None,
        draft=saving_draft,
    )
    if request.method == "POST" and not problem and form.is_valid():
        with refusal_shown_on(form):
            if saving_draft:
                services.marks_draft_save(
                    allocation=mine,
                    marks=form.draft_entries(),
                    actor=request.user,
                    reason=form.cleaned_data.get("reason") or "",
                )
                messages.success(request, "Your draft has been saved")
                return redirect("assessment:attempt_mark", attempt_id=attempt.pk)
            services.marks_submit(
                allocation=mine,
                marks=form.entries(),
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
            messages.success(
                request, f"Your marks for {attempt.worker.user.full_name} have been submitted"
            )
            return redirect("assessment:assessor_home")
    others = []
    if mine.role == MarkerRole.REVIEWER and policies.can_view_all_marks(request.user, attempt):
        others = [
            a
            for a in attempt.allocations.all()
            if a.pk != mine.pk and a.submitted_at and a.role != MarkerRole.REVIEWER
        ]
    return form_page(
        request,
        "assessment/attempt_mark.html",
        form,
        {
            **_marking_context(attempt, mine, problem),
            "others": others,
            "draft_saved": selectors.draft_saved_words(draft) if draft else "",
            "can_compare": policies.can_view_all_marks(request.user, attempt),
        },
    )


def _moderate(request, attempt, mine):
    """The two markers' marks side by side; the moderator decides only where they
    disagree, each decision with a reason."""
    problem = selectors.marking_problem(attempt, mine)
    comparisons = selectors.marks_side_by_side(attempt)
    form = ModerationForm(posted(request), comparisons=comparisons)
    if request.method == "POST" and not problem and form.is_valid():
        with refusal_shown_on(form):
            services.moderation_decide(
                allocation=mine, decisions=form.decisions(), actor=request.user
            )
            messages.success(
                request, f"Your moderation for {attempt.worker.user.full_name} has been recorded"
            )
            return redirect("assessment:assessor_home")
    return form_page(
        request,
        "assessment/attempt_mark.html",
        form,
        {**_marking_context(attempt, mine, problem), "comparisons": comparisons},
    )


def _marking_context(attempt, mine, problem) -> dict:
    return {
        "attempt": attempt,
        "allocation": mine,
        "problem": problem,
        "test_result": selectors.test_result_for_attempt(attempt),
        "rubric": MARK_RUBRIC.items(),
        "tasks": PracticeTask.labels,
        "tolerance": MODERATION_TOLERANCE,
    }


@role_required(*ASSESSING, ADMIN)
def attempt_marks(request, attempt_id: int):
    """Every marker's marks, the first and second side by side: never for the first marker,
    nor for the second before they have submitted (blind marking)."""
    attempt = _attempt_for_marking(attempt_id)
    if not policies.can_view_all_marks(request.user, attempt):
        raise PermissionDenied
    allocations = [a for a in attempt.allocations.all() if a.submitted_at]
    return render(
        request,
        "assessment/attempt_marks.html",
        {
            "attempt": attempt,
            "allocations": allocations,
            "comparisons": selectors.marks_side_by_side(attempt),
            "tolerance": MODERATION_TOLERANCE,
            "tasks": PracticeTask.labels,
            "outcomes": selectors.outcome_history(attempt),
        },
    )


@role_required(ADMIN)
def allocation_queue(request):
    listing = lists.ATTEMPTS_TO_ALLOCATE.run(
        request,
        selectors.attempts_to_allocate(),
        choices={"la": selectors.local_authority_choices()},
    )
    page = listing.page
    rows = []
    for attempt in page:
        allocations = list(attempt.allocations.all())
        step = selectors.attempt_next_step(attempt, allocations)
        holder = next((a for a in allocations if a.role == step), None)
        rows.append((attempt, step and MarkerRole(step), holder, allocations))
    return render(
        request,
        "assessment/allocation_queue.html",
        {**listing.context(), "rows": rows},
        status=listing.status,
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def attempt_allocate(request, attempt_id: int):
    attempt = _attempt_for_marking(attempt_id)
    step = selectors.attempt_next_step(attempt)
    if not step or any(a.active and a.role == step for a in attempt.allocations.all()):
        messages.info(request, "That attempt does not need anyone allocated now")
        return redirect("assessment:allocation_queue")
    role = MarkerRole(step)
    form = AllocationForm(
        posted(request),
        people=selectors.eligible_markers(attempt, role),
        role_label=role.label,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.allocation_create(
                attempt=attempt,
                assessor=form.cleaned_data["assessor"],
                role=role,
                actor=request.user,
            )
            messages.success(
                request,
                f"{form.cleaned_data['assessor'].full_name} is now the {role.label.lower()} "
                f"for {attempt.worker.user.full_name}",
            )
            return redirect("assessment:allocation_queue")
    return form_page(
        request, "assessment/attempt_allocate.html", form, {"attempt": attempt, "role": role}
    )
