"""What every assessment page shares: paging, form pages that answer 400 while they
show errors, a service's refusal shown on the form, and check your answers pages."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from naas.flows import AlreadySent, PendingAnswers, RecordChanged
from naas.models import Role

from .. import policies, selectors
from ..models import Attempt, Sitting
from ..services import CHANGED_MESSAGE, AssessmentError

PAGE_SIZE = 50
ADMIN = Role.ADMINISTRATOR
ASSESSING = (Role.ASSESSOR, Role.MODERATOR)


@contextmanager
def refusal_shown_on(form):
    """Run a valid form's service call: if the service refuses, its messages go on the form
    (for the error summary) and the rest of the block is skipped, so the page shows again."""
    try:
        yield
    except AssessmentError as exc:
        for message in exc.messages:
            form.add_error(None, message)


def form_page(request, template: str, form, context: dict):
    """A form page: 400 while the form shows errors, so a failed send is never a 200."""
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def confirm_page(request, template: str, context: dict, *, act, done):
    """A page that shows what will happen and does it when sent: GET shows it; POST calls
    `act()` once and returns `done(result)`. A refusal shows the page again with the
    service's messages and status 409."""
    if request.method == "POST":
        try:
            result = act()
        except AssessmentError as exc:
            return _check_page_refused(request, template, context, exc.messages)
        return done(result)
    return render(request, template, {**context, "errors": []})


def state_stamp(record) -> tuple:
    """What stands for the version of an assessment record that has no version number: its
    state and when it last changed, so any transition in between shows as a change."""
    return (record.state, record.updated_at)


def check_answers_page(
    request, pending: PendingAnswers, template: str, context: dict, *, act, done
):
    """A check your answers page for the answers `pending` keeps (naas.flows): GET shows
    them; POST calls `act()` once, unless the record has changed since they were kept, and
    returns `done(result)`. The answers are dropped either way. A refusal shows the page again
    with its messages and status 409; a second send finds nothing and goes back to the form."""

    def refused(exc):
        if isinstance(exc, AlreadySent):
            flow = pending.flow
            return redirect(flow.url_name("form"), **{flow.url_kwarg: pending.record.pk})
        # a record someone else changed meanwhile is told in the services' own words
        problems = [CHANGED_MESSAGE] if isinstance(exc, RecordChanged) else exc.messages
        return _check_page_refused(request, template, context, problems)

    return pending.check_then_act(
        show=lambda answers: render(request, template, {**context, "errors": []}),
        act=lambda answers, expected_version: act(),
        refuse=refused,
        errors=(AssessmentError,),
        done=done,
    )


def _check_page_refused(request, template: str, context: dict, problems: list[str]):
    errors = [("", problem) for problem in problems]
    return render(request, template, {**context, "errors": errors}, status=409)


def page_of(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def posted(request):
    """The POST data when the form was sent (even empty, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def attempt_for(request, attempt_id: int, check=policies.can_view_attempt) -> Attempt:
    if not request.user.is_authenticated:
        raise PermissionDenied
    attempt = get_object_or_404(
        Attempt.objects.select_related(
            "worker__user", "worker__local_authority", "sitting__centre", "endorsement"
        ),
        pk=attempt_id,
    )
    if not check(request.user, attempt):
        raise PermissionDenied
    return attempt


def decision_answers(form) -> dict:
    """A decision form's answers (the choice and its reason), ready to check."""
    return {
        "decision": form.cleaned_data["decision"],
        "reason": form.cleaned_data["reason"].strip(),
    }


def sitting_or_404(sitting_id: int) -> Sitting:
    sitting = selectors.sittings_with_counts().filter(pk=sitting_id).first()
    if sitting is None:
        raise Http404
    return sitting
