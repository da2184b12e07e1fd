"""Pages for assessment days: candidates and LA leads booking, changing and cancelling;
administrators planning centres and sittings and recording attendance."""

from functools import partial
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from endorsement.models import Endorsement
from endorsement.selectors import endorsements_bookable
from naas.access import role_required, social_worker_required
from naas.flows import Flow, PendingAnswers
from naas.forms import submitted
from naas.models import Role
from naas.policies import own_social_worker
from naas.submissions import once_per_submission

from .. import lists, policies, rules, selectors, services
from ..forms.scheduling import (
    AttendanceForm,
    BookingForm,
    CancelForm,
    CentreForm,
    RebookForm,
    SittingForm,
    adjustment_answers,
    adjustment_asks,
    sitting_label,
)
from ..models import AdjustmentKind, AssessmentCentre, AttemptState
from .common import (
    ADMIN,
    attempt_for,
    check_answers_page,
    form_page,
    page_of,
    refusal_shown_on,
    sitting_or_404,
)

# What a candidate brings to every centre: the one list their assessment page shows.
WHAT_TO_BRING = (
    "photo identification, such as a passport, driving licence or your Social Work England "
    "registration card",
    "your booking confirmation (on your phone or printed)",
    "any equipment for an approved adjustment that the centre is not providing",
)


@social_worker_required
def my_assessment(request):
    worker = own_social_worker(request.user)
    return render(
        request,
        "assessment/my_assessment.html",
        {
            "worker": worker,
            "attempts": selectors.attempts_for_worker(worker),
            "bookable": selectors.bookable_endorsements_for_worker(worker),
            "what_to_bring": WHAT_TO_BRING,
            "review_working_days": rules.review_window_working_days(),
        },
    )


@role_required(Role.LA_LEAD)
def la_bookings(request):
    overview = selectors.la_lead_overview(request.user)
    # the status tag tells marked, agreed and moderated apart by the allocations: one query
    attempts = overview.pop("attempts").prefetch_related("allocations")
    listing = lists.BOOKINGS.run(request, attempts, choices={"centre": selectors.centre_choices()})
    return render(
        request,
        "assessment/la_bookings.html",
        {**overview, **listing.context()},
        status=listing.status,
    )


def _endorsement_to_book(request, endorsement_id: int) -> Endorsement:
    if not request.user.is_authenticated:
        raise PermissionDenied
    endorsement = get_object_or_404(
        Endorsement.objects.select_related("worker__user", "worker__local_authority"),
        pk=endorsement_id,
    )
    if not policies.can_book_for(request.user, endorsement.worker):
        raise PermissionDenied
    return endorsement


def _back_to_bookings(request, endorsement: Endorsement) -> str:
    if endorsement.worker.user_id == request.user.pk:
        return reverse("assessment:my_assessment")
    return reverse("assessment:la_bookings")


def _cannot_book(request, endorsement):
    return render(
        request,
        "assessment/cannot_book.html",
        {"endorsement": endorsement, "back_url": _back_to_bookings(request, endorsement)},
        status=409,
    )


# An endorsement's version goes up on every change. The booking service takes no version, so
# the check page compares it: a booking made or an endorsement withdrawn meanwhile is refused.
BOOKING = Flow(
    "assessment",
    "booking",
    version_of=attrgetter("version"),
    url_kwarg="endorsement_id",
    form_url="assessment:book",
    check_url="assessment:book_check",
)


@login_required
@require_http_methods(["GET", "POST"])
def book(request, endorsement_id: int):
    endorsement = _endorsement_to_book(request, endorsement_id)
    if not endorsements_bookable().filter(pk=endorsement.pk).exists():
        return _cannot_book(request, endorsement)
    pending = PendingAnswers(request, BOOKING, endorsement)
    # the sittings are filtered by the URL (centre, dates, free seats), on GET and POST alike
    sittings = lists.SITTINGS_TO_BOOK.run(
        request,
        selectors.sittings_to_choose_from(),
        choices={"centre": selectors.centre_choices()},
        defaults=lists.SITTINGS_TO_BOOK_DEFAULTS,
    )
    form = BookingForm(
        submitted(request),
        initial=pending.answers,
        sittings=sittings.page.paginator.object_list,
    )
    if request.method == "POST" and form.is_valid():
        return pending.keep(
            {"sitting": form.cleaned_data["sitting"].pk, **adjustment_answers(form.cleaned_data)}
        )
    response = form_page(
        request,
        "assessment/book.html",
        form,
        {
            "endorsement": endorsement,
            "for_self": endorsement.worker.user_id == request.user.pk,
            "back_url": _back_to_bookings(request, endorsement),
            **sittings.context(),
        },
    )
    if sittings.errors:
        response.status_code = sittings.status
    return response


@login_required
@require_http_methods(["GET", "POST"])
def book_check(request, endorsement_id: int):
    endorsement = _endorsement_to_book(request, endorsement_id)
    pending = PendingAnswers(request, BOOKING, endorsement)
    answers = pending.answers
    if not answers:
        return redirect("assessment:book", endorsement_id=endorsement.pk)
    sitting = selectors.sittings_with_counts().filter(pk=answers["sitting"]).first()
    if sitting is None:
        return redirect("assessment:book", endorsement_id=endorsement.pk)
    asks = adjustment_asks(answers)
    return check_answers_page(
        request,
        pending,
        "assessment/book_check.html",
        {
            "endorsement": endorsement,
            "sitting": sitting,
            "sitting_label": sitting_label(sitting),
            "adjustments": [AdjustmentKind(a.kind).label for a in asks],
            "answers": answers,
            "back_url": reverse("assessment:book", kwargs={"endorsement_id": endorsement.pk}),
        },
        act=partial(
            services.attempt_book,
            endorsement=endorsement,
            sitting=sitting,
            actor=request.user,
            adjustments=asks,
            adjustment_notes=answers["adjustment_notes"],
        ),
        done=lambda attempt: redirect("assessment:booked", attempt_id=attempt.pk),
    )


@login_required
def booked(request, attempt_id: int):
    attempt = attempt_for(request, attempt_id)
    return render(request, "assessment/booked.html", {"attempt": attempt})


@login_required
def attempt_detail(request, attempt_id: int):
    attempt = attempt_for(request, attempt_id)
    attempt = selectors.attempt_detail(attempt.pk)
    return render(
        request,
        "assessment/attempt_detail.html",
        {
            "attempt": attempt,
            "can_change": attempt.state == AttemptState.BOOKED
            and attempt.sitting.date > timezone.localdate(),
            "is_admin": policies.is_assessment_administrator(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def attempt_cancel(request, attempt_id: int):
    attempt = attempt_for(request, attempt_id, check=policies.can_change_booking)
    form = CancelForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.attempt_cancel(
                attempt=attempt, actor=request.user, reason=form.cleaned_data["reason"].strip()
            )
            messages.success(request, "The booking has been cancelled")
            return redirect("assessment:attempt_detail", attempt_id=attempt.pk)
    return form_page(request, "assessment/attempt_cancel.html", form, {"attempt": attempt})


@login_required
@require_http_methods(["GET", "POST"])
def attempt_rebook(request, attempt_id: int):
    attempt = attempt_for(request, attempt_id, check=policies.can_change_booking)
    form = RebookForm(
        submitted(request),
        sittings=selectors.sittings_open_for_booking(exclude_pk=attempt.sitting_id),
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.attempt_rebook(
                attempt=attempt, sitting=form.cleaned_data["sitting"], actor=request.user
            )
            messages.success(request, "The booking has been moved to the new sitting")
            return redirect("assessment:attempt_detail", attempt_id=attempt.pk)
    return form_page(request, "assessment/attempt_rebook.html", form, {"attempt": attempt})


@role_required(ADMIN)
def admin_home(request):
    return render(
        request,
        "assessment/admin_home.html",
        {
            "page": page_of(request, selectors.sittings_upcoming(), 25),
            "past": selectors.sittings_past()[:10],
            "pending_count": selectors.adjustments_pending().count(),
        },
    )


@role_required(ADMIN)
def sittings_past(request):
    return render(
        request,
        "assessment/sittings_past.html",
        {"page": page_of(request, selectors.sittings_past())},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def centres(request):
    form = CentreForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.centre_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"{form.cleaned_data['name']} has been added")
            return redirect("assessment:centres")
    return form_page(
        request, "assessment/centres.html", form, {"centres": AssessmentCentre.objects.all()}
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def sitting_create(request):
    form = SittingForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            sitting = services.sitting_create(
                actor=request.user,
                centre=form.cleaned_data["centre"],
                on=form.cleaned_data["on"],
                slot=form.cleaned_data["slot"],
                capacity=form.cleaned_data["capacity"],
            )
            messages.success(request, f"Sitting added: {sitting}")
            return redirect("assessment:sitting_detail", sitting_id=sitting.pk)
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Add a sitting",
            "back_url": reverse("assessment:admin_home"),
        },
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def sitting_detail(request, sitting_id: int):
    sitting = sitting_or_404(sitting_id)
    # the status tag tells marked, agreed and moderated apart by the allocations: one query
    candidates = list(selectors.sitting_attendance(sitting).prefetch_related("allocations"))
    booked = [a for a in candidates if a.state == AttemptState.BOOKED]
    day_reached = sitting.date <= timezone.localdate()
    form = None
    if day_reached and booked:
        form = AttendanceForm(submitted(request), attempts=booked)
        if request.method == "POST" and form.is_valid():
            attendance = form.attendance()
            if not attendance:
                form.add_error(None, "Record attendance for at least one candidate")
            else:
                with refusal_shown_on(form):
                    services.sitting_record_attendance(
                        sitting=sitting, attendance=attendance, actor=request.user
                    )
                    messages.success(
                        request,
                        f"Attendance recorded for {len(attendance)} candidate"
                        f"{'s' if len(attendance) != 1 else ''}",
                    )
                    return redirect("assessment:sitting_detail", sitting_id=sitting.pk)
    elif request.method == "POST":
        return redirect("assessment:sitting_detail", sitting_id=sitting.pk)
    return render(
        request,
        "assessment/sitting_detail.html",
        {
            "sitting": sitting,
            "candidates": candidates,
            "form": form,
            "day_reached": day_reached,
            "latest_import": selectors.latest_import_for_sitting(sitting),
        },
        status=400 if form is not None and form.errors else 200,
    )
