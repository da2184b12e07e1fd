"""Pages for the item bank: questions and their versions, scenarios and test forms."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from naas.access import role_required
from naas.forms import submitted
from naas.models import Level
from naas.submissions import once_per_submission

from .. import selectors, services
from ..forms.item_bank import ItemForm, ScenarioForm, TestFormForm, TestFormLevelForm
from ..models import Item, Scenario, TestForm
from .common import ADMIN, form_page, page_of, refusal_shown_on


@role_required(ADMIN)
def item_list(request):
    level = request.GET.get("level", "")
    status = request.GET.get("status", "active")
    if level not in Level.values:
        level = ""
    if status not in ("active", "inactive", "all"):
        status = "active"
    items = selectors.items_filtered(level=level, status=status)
    return render(
        request,
        "assessment/item_list.html",
        {
            "page": page_of(request, items),
            "level": level,
            "status": status,
            "levels": Level.choices,
            "query_string": f"level={level}&status={status}",
        },
    )


def _item_ask(form: ItemForm) -> dict:
    return {
        "area": form.cleaned_data["area"],
        "scenario": form.cleaned_data["scenario"],
        "item_format": form.cleaned_data["format"],
        "stem": form.cleaned_data["stem"].strip(),
        "options": form.option_texts(),
        "correct": "".join(form.cleaned_data["correct"]),
    }


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def item_create(request):
    form = ItemForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            item = services.item_create(
                actor=request.user, code=form.cleaned_data["code"], **_item_ask(form)
            )
            messages.success(request, f"Question {item.code} has been added")
            return redirect("assessment:item_detail", item_id=item.pk)
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {"title": "Add a question", "back_url": reverse("assessment:item_list")},
    )


@role_required(ADMIN)
def item_detail(request, item_id: int):
    item = get_object_or_404(
        Item.objects.select_related("area__framework", "scenario", "created_by"), pk=item_id
    )
    versions = Item.objects.filter(code=item.code).order_by("-version")
    return render(request, "assessment/item_detail.html", {"item": item, "versions": versions})


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def item_revise(request, item_id: int):
    item = get_object_or_404(Item.objects.select_related("area", "scenario"), pk=item_id)
    initial = {
        "area": item.area_id,
        "scenario": item.scenario_id,
        "format": item.format,
        "stem": item.stem,
        "correct": list(item.correct_options),
        **{f"option_{letter.lower()}": text for letter, text, _ in item.lettered_options()},
    }
    form = ItemForm(submitted(request), initial=initial, revising=True)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            revised = services.item_revise(actor=request.user, item=item, **_item_ask(form))
            messages.success(
                request, f"Question {revised.code} version {revised.version} is now in use"
            )
            return redirect("assessment:item_detail", item_id=revised.pk)
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": f"Edit question {item.code}",
            "intro": "Saving makes a new version of the question. The current version is kept "
            "for the test forms and results that use it.",
            "back_url": reverse("assessment:item_detail", kwargs={"item_id": item.pk}),
        },
    )


@role_required(ADMIN)
@require_POST
def item_set_active(request, item_id: int):
    item = get_object_or_404(Item, pk=item_id)
    active = request.POST.get("active") == "1"
    services.item_set_active(actor=request.user, item=item, active=active)
    messages.success(
        request,
        f"Question {item.code} version {item.version} is "
        + ("now in use" if active else "no longer in use"),
    )
    return redirect("assessment:item_detail", item_id=item.pk)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def scenarios(request):
    form = ScenarioForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            scenario = services.scenario_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Scenario {scenario.code} has been added")
            return redirect("assessment:scenarios")
    return form_page(
        request, "assessment/scenarios.html", form, {"scenarios": Scenario.objects.all()}
    )


@role_required(ADMIN)
def test_form_list(request):
    return render(
        request, "assessment/test_form_list.html", {"forms": selectors.test_forms_with_counts()}
    )


TEST_FORM_INTRO = (
    "A test form has 30 questions: 18 general questions and 12 applied to one scenario. Every "
    "KSS area of the level must be covered; practice supervisor forms use practitioner-level "
    "general questions. A form that breaks these rules is refused with the reasons."
)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
@once_per_submission
def test_form_create(request):
    """Two questions on two pages: the level (in the URL, so the page can be bookmarked and
    works without JavaScript), then the form's details and its questions for that level."""
    level_form = TestFormLevelForm(request.GET if "level" in request.GET else None)
    if not level_form.is_valid():
        return form_page(
            request,
            "assessment/form_page.html",
            level_form,
            {
                "title": "Make a test form",
                "intro": TEST_FORM_INTRO,
                "back_url": reverse("assessment:test_form_list"),
            },
        )
    level = level_form.cleaned_data["level"]
    form = TestFormForm(submitted(request), level=level)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            test_form = services.test_form_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                title=form.cleaned_data["title"].strip(),
                level=level,
                scenario=form.cleaned_data["scenario"],
                general_codes=form.general(),
                applied_codes=form.applied(),
                three_of_eight_scoring=form.cleaned_data["three_of_eight_scoring"],
            )
            messages.success(
                request, f"Test form {test_form.code} follows the blueprint and is saved"
            )
            return redirect("assessment:test_form_detail", form_id=test_form.pk)
    return form_page(
        request,
        "assessment/form_page.html",
        form,
        {
            "title": "Make a test form",
            "caption": Level(level).label,
            "intro": TEST_FORM_INTRO,
            "back_url": reverse("assessment:test_form_create"),
        },
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def test_form_detail(request, form_id: int):
    test_form = get_object_or_404(
        TestForm.objects.select_related("scenario", "framework", "created_by"), pk=form_id
    )
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        services.test_form_set_active(actor=request.user, form=test_form, active=active)
        messages.success(
            request,
            f"Test form {test_form.code} is " + ("in use" if active else "no longer in use"),
        )
        return redirect("assessment:test_form_detail", form_id=test_form.pk)
    return render(
        request,
        "assessment/test_form_detail.html",
        {"test_form": test_form, "form_items": selectors.test_form_items(test_form)},
    )
