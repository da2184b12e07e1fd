"""What every endorsement page shares: finding the record the user may act on, the links back,
the refusal, form, check and done pages, and sending a check page's answers once."""

from dataclasses import dataclass
from functools import partial

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from naas.dates import whole_months_between
from naas.flows import AnswersStale, Flow, PendingAnswers
from naas.models import SocialWorker
from naas.policies import can_supervise

from ..eligibility import tenure_reached_on
from ..models import Endorsement
from ..services import EndorsementChanged, EndorsementError

GET_POST = ["GET", "POST"]


def endorsement_or_404(request, pk: int, may_act) -> Endorsement:
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


def supervisee_or_404(request, worker_id: int) -> SocialWorker:
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


def back_to_worker(worker: SocialWorker) -> Link:
    return Link(reverse("endorsement:supervisee", args=[worker.pk]), f"Back to {worker.full_name}")


def back_to_queue() -> Link:
    return Link(reverse("endorsement:confirmation_queue"), "Back to endorsements to confirm")


def back_to_my_page() -> Link:
    return Link(reverse("endorsement:my_endorsement"), "Back to your accreditation")


def refusal_page(request, exc: EndorsementError | AnswersStale, back: Link):
    """A refusal page: 409 when the endorsement changed under the user (or the answers were
    already sent), 400 otherwise."""
    changed = isinstance(exc, EndorsementChanged | AnswersStale)
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


def not_in_state(endorsement: Endorsement, what: str) -> EndorsementError:
    return EndorsementError(
        f"{what}: this endorsement is {endorsement.get_state_display().lower()}"
    )


def form_page(request, form, context: dict, template: str = "endorsement/form_page.html"):
    """A form page: 400 while the form shows errors, so a failed send is never a 200."""
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def reason_check_page(request, endorsement: Endorsement, **context):
    """Check your answers before an action, each row (label, value, change URL or None)."""
    return render(request, "endorsement/reason_check.html", {"endorsement": endorsement, **context})


def done_page(request, *, title: str, panel: str, body: list[str], next_link: Link):
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


def worker_facts(worker: SocialWorker, today):
    return {
        "tenure_months": whole_months_between(worker.employed_since, today),
        "tenure_reached_on": tenure_reached_on(worker),
    }


# --- Check your answers (naas.flows) ------------------------------------------------------------
# Endorsements carry a version number: the form sends the one it was shown against and the
# service refuses under its row lock if the endorsement has moved on.


def endorsement_flow(name: str) -> Flow:
    """A flow whose pages are `endorsement:<name>`, `<name>_check` and `<name>_done`."""
    return Flow("endorsement", name)


def keep_and_check(pending: PendingAnswers, cleaned_data: dict, *names: str):
    """Keep the valid form's answers `names`, with the version it was shown against, and go on
    to check them."""
    return pending.keep(
        {name: cleaned_data[name] for name in names}, version=cleaned_data["version"]
    )


def send_once(request, flow: Flow, endorsement: Endorsement, *, service, show, back: Link):
    """The check page: GET shows the answers with `show(request, endorsement, answers)`; POST
    sends them once to `service`, and a refusal, or a second click, shows the refusal page."""
    return PendingAnswers(request, flow, endorsement).check_then_act(
        show=partial(show, request, endorsement),
        act=lambda answers, expected_version: service(
            endorsement=endorsement,
            actor=request.user,
            expected_version=expected_version,
            **answers,
        ),
        errors=(EndorsementError,),
        refuse=partial(refusal_page, request, back=back),
    )
