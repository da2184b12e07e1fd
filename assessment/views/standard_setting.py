"""Pages for standard setting: administrators run modified-Angoff exercises (open, invite
judges, close the rounds, adopt the cut after checking it); invited judges rate the items."""

from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from naas.access import role_required
from naas.flows import Flow, PendingAnswers
from naas.submissions import once_per_submission

from .. import selectors, services
from ..forms.standard_setting import (
    AngoffAdoptForm,
    AngoffInviteForm,
    AngoffOpenForm,
    AngoffRatingForm,
    rating_field_name,
)
from ..models import AngoffCutChoice, AngoffExercise, AngoffRound, AngoffState
from ..services import AssessmentError
from .common import (
    ADMIN,
    ASSESSING,
    check_answers_page,
    confirm_page,
    form_page,
    posted,
    refusal_shown_on,
    state_stamp,
)

ADOPT = Flow(
    "assessment",
    "angoff_adopt",
    version_of=state_stamp,
    url_kwarg="exercise_id",
)


def _exercise(exercise_id: int) -> AngoffExercise:
    try:
        return selectors.angoff_exercise(exercise_id)
    except AngoffExercise.DoesNotExist:
        raise Http404 from None


@role_required(ADMIN)
def angoff_list(request):
    return render(
        request,
        "assessment/psychometrics/angoff_list.html",
        {"exercises": selectors.angoff_exercises()},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def angoff_open(request):
    form = AngoffOpenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            exercise = services.angoff_exercise_open(
                test_form=form.cleaned_data["test_form"], actor=request.user
            )
            messages.success(request, "Round 1 is open: invite at least 5 judges")
            return redirect("assessment:angoff_detail", exercise_id=exercise.pk)
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Start a standard-setting exercise",
            "intro": "Judges rate each question of the form in two rounds (modified Angoff); "
            "the cut they set can then become the knowledge-test cut of the outcome rules.",
            "back_url": reverse("assessment:angoff_list"),
        },
    )


def _detail_context(exercise: AngoffExercise) -> dict:
    judges = selectors.angoff_judges_progress(exercise)
    item_count = len(selectors.form_items(exercise.test_form))
    for judge in judges:
        judge.complete_one = judge.rated_round_one == item_count
        judge.complete_two = judge.rated_round_two == item_count
    complete = {
        AngoffRound.ONE: sum(judge.complete_one for judge in judges),
        AngoffRound.TWO: sum(judge.complete_two for judge in judges),
    }
    return {
        "exercise": exercise,
        "judges": judges,
        "complete_now": complete.get(exercise.current_round, 0),
        "item_count": item_count,
    }


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def angoff_detail(request, exercise_id: int):
    """The exercise, its judges' progress, inviting judges and, once closed, the cut."""
    exercise = _exercise(exercise_id)
    form = AngoffInviteForm(posted(request), invitable=selectors.angoff_invitable_users(exercise))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            judge = services.angoff_judge_invite(
                exercise=exercise, user=form.cleaned_data["user"], actor=request.user
            )
            messages.success(request, f"{judge.user.full_name} is now a judge")
            return redirect("assessment:angoff_detail", exercise_id=exercise.pk)
    return form_page(
        request,
        "assessment/psychometrics/angoff_detail.html",
        form,
        _detail_context(exercise),
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def angoff_close(request, exercise_id: int):
    """What closing the open round does, then close it."""
    exercise = _exercise(exercise_id)
    if exercise.state not in (AngoffState.ROUND_ONE, AngoffState.ROUND_TWO):
        return redirect("assessment:angoff_detail", exercise_id=exercise.pk)
    close = (
        services.angoff_round_one_close
        if exercise.state == AngoffState.ROUND_ONE
        else services.angoff_round_two_close
    )

    def closed(_):
        messages.success(request, f"Round {exercise.current_round} has closed")
        return redirect("assessment:angoff_detail", exercise_id=exercise.pk)

    return confirm_page(
        request,
        "assessment/psychometrics/angoff_close.html",
        _detail_context(exercise),
        act=partial(close, exercise=exercise, actor=request.user),
        done=closed,
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def angoff_adopt(request, exercise_id: int):
    exercise = _exercise(exercise_id)
    if exercise.state != AngoffState.CLOSED:
        return redirect("assessment:angoff_detail", exercise_id=exercise.pk)
    pending = PendingAnswers(request, ADOPT, exercise)
    form = AngoffAdoptForm(posted(request), initial=pending.answers, exercise=exercise)
    if request.method == "POST" and form.is_valid():
        return pending.keep({"choice": form.cleaned_data["choice"]})
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Adopt the cut into the outcome rules",
            "caption": f"Angoff exercise {exercise.pk}: {exercise.test_form.code}",
            "intro": "A new version of the outcome rules for "
            f"{exercise.test_form.framework.title} will use the cut you choose as its "
            "knowledge-test cut. Outcomes already made keep the version that produced them.",
            "back_url": reverse("assessment:angoff_detail", args=[exercise.pk]),
        },
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def angoff_adopt_check(request, exercise_id: int):
    exercise = _exercise(exercise_id)
    pending = PendingAnswers(request, ADOPT, exercise)
    answers = pending.answers
    if not answers:
        return redirect("assessment:angoff_adopt", exercise_id=exercise.pk)
    version, rules = selectors.rules_in_force(exercise.test_form.framework)
    choice = answers["choice"]
    adjusted = choice == AngoffCutChoice.ADJUSTED
    return check_answers_page(
        request,
        pending,
        "assessment/psychometrics/angoff_adopt_check.html",
        {
            "exercise": exercise,
            "choice_label": AngoffCutChoice(choice).label,
            "cut": exercise.adjusted_cut_percent if adjusted else exercise.cut_percent,
            "version": version,
            "current_cut": float(rules.knowledge_cut_percent),
        },
        act=partial(
            services.angoff_exercise_adopt, exercise=exercise, choice=choice, actor=request.user
        ),
        done=lambda _: redirect("assessment:angoff_adopt_done", exercise_id=exercise.pk),
    )


@role_required(ADMIN)
def angoff_adopt_done(request, exercise_id: int):
    exercise = _exercise(exercise_id)
    if exercise.rule_set is None:
        return redirect("assessment:angoff_detail", exercise_id=exercise.pk)
    return render(request, "assessment/psychometrics/angoff_adopted.html", {"exercise": exercise})


# --- Judges --------------------------------------------------------------------------------


@role_required(*ASSESSING)
def angoff_mine(request):
    return render(
        request,
        "assessment/psychometrics/angoff_mine.html",
        {"exercises": selectors.angoff_judge_exercises(request.user)},
    )


def _rating_rows(form, links, ratings, results, round_number) -> list[dict]:
    return [
        {
            "link": link,
            "field": form[rating_field_name(link.item_id)],
            "round_one": ratings[AngoffRound.ONE].get(link.item_id),
            "facility": results.facility.get(link.item_id) if results else None,
        }
        for link in links
    ]


def _as_percent(probability) -> int | None:
    return None if probability is None else int(probability * 100)


@role_required(*ASSESSING)
@require_http_methods(["GET", "POST"])
def angoff_rate(request, exercise_id: int):
    """An invited judge's ratings for the round open now (save and come back until it
    closes); in round two, with each item's facility and the judge's round-one rating."""
    exercise = _exercise(exercise_id)
    judge = selectors.angoff_judge_of(exercise, request.user)
    if judge is None:
        raise Http404  # an uninvited assessor is not told the exercise exists
    round_number = exercise.current_round
    links = selectors.form_items(exercise.test_form)
    ratings = selectors.angoff_judge_ratings(judge)
    shown = ratings.get(round_number, {}) if round_number else ratings[AngoffRound.TWO]
    if round_number == AngoffRound.TWO:
        # round two starts from the judge's round-one view of each item
        shown = {**ratings[AngoffRound.ONE], **shown}
    initial = {rating_field_name(i): _as_percent(p) for i, p in shown.items()}
    form = AngoffRatingForm(posted(request), initial=initial, links=links)
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        try:
            services.angoff_ratings_save(
                exercise=exercise,
                # a closed exercise still asks the service, which says why nothing can change
                round_number=round_number or AngoffRound.TWO,
                ratings=form.ratings(),
                actor=request.user,
            )
        except AssessmentError as exc:
            errors, status = [("", message) for message in exc.messages], 409
        else:
            messages.success(request, f"Your round {round_number} ratings have been saved")
            return redirect("assessment:angoff_rate", exercise_id=exercise.pk)
    elif request.method == "POST":
        errors, status = form.error_list(), 400
    results = selectors.form_results(exercise.test_form) if round_number != 1 else None
    return render(
        request,
        "assessment/psychometrics/angoff_rate.html",
        {
            "exercise": exercise,
            "round_number": round_number,
            "rows": _rating_rows(form, links, ratings, results, round_number),
            "results": results,
            "errors": errors,
        },
        status=status,
    )
