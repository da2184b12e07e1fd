import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import services
from assessment.models import (
    AdjustmentDecision,
    AdjustmentKind,
    Attempt,
    AttemptState,
    Item,
    ItemFormat,
    MarkerRole,
    Sitting,
    TestForm,
)
from assessment.results_csv import read_results_csv
from assessment.services import AdjustmentAsk
from naas.models import KSSArea, Level, Role
from naas.tests.factories import SocialWorkerFactory, staff_user

from .factories import (
    SittingFactory,
    answer_rows,
    blueprint_items,
    book,
    endorsed,
    make_test_form,
    picker_answers,
    results_csv,
    set_sitting_date,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "candidate",
    "other_worker",
    "lead",
    "other_lead",
    "supervisor",
    "assessor",
    "linked_assessor",
    "moderator",
    "administrator",
    "dfe",
]


@pytest.fixture
def world(admin_user):
    """A candidate with a booking (and a second, bookable endorsement), a colleague whose test
    results are in, and one user per role."""
    candidate = SocialWorkerFactory()
    la = candidate.local_authority
    sitting = SittingFactory()
    attempt = book(
        endorsed(candidate),
        sitting,
        adjustments=[AdjustmentAsk(AdjustmentKind.READER)],
    )
    bookable = endorsed(candidate, level=Level.SUPERVISOR)
    colleague = SocialWorkerFactory(local_authority=la)
    past = SittingFactory()
    sat = book(endorsed(colleague), past)
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    set_sitting_date(past, -1)
    services.test_results_import(
        sitting=past,
        records=read_results_csv(results_csv(answer_rows(sat, form))),
        actor=admin_user,
    )
    linked = staff_user(Role.ASSESSOR, la)
    moderator = staff_user(Role.MODERATOR)
    assessor = staff_user(Role.ASSESSOR)
    # Assessors see only the attempts allocated to them (issue 5).
    services.allocation_create(
        attempt=sat, assessor=assessor, role=MarkerRole.FIRST, actor=admin_user
    )
    users = {
        "anonymous": None,
        "candidate": candidate.user,
        "other_worker": SocialWorkerFactory().user,
        "lead": staff_user(Role.LA_LEAD, la),
        "other_lead": staff_user(Role.LA_LEAD),
        "supervisor": candidate.supervisor,
        "assessor": assessor,
        "linked_assessor": linked,
        "moderator": moderator,
        "administrator": admin_user,
        "dfe": staff_user(Role.DFE),
    }
    return {
        "users": users,
        "attempt": attempt,
        "bookable": bookable,
        "sat": sat,
        "sitting": sitting,
        "form": form,
        "item": form.form_items.first().item,
        "adjustment": attempt.adjustments.get(),
    }


ADMIN_ONLY = {"administrator"}
BOOKERS = {"candidate", "lead"}
ATTEMPT_VIEWERS = {"candidate", "lead", "administrator"}
ASSESSORS = {"assessor", "linked_assessor", "moderator"}

# url name -> (kwargs from the world, roles allowed, status for the allowed)
PAGES = {
    "assessment:my_assessment": (lambda w: {}, {"candidate", "other_worker"}, 200),
    "assessment:la_bookings": (lambda w: {}, {"lead", "other_lead"}, 200),
    "assessment:book": (lambda w: {"endorsement_id": w["bookable"].pk}, BOOKERS, 200),
    "assessment:book_check": (lambda w: {"endorsement_id": w["bookable"].pk}, BOOKERS, 302),
    "assessment:attempt_detail": (lambda w: {"attempt_id": w["attempt"].pk}, ATTEMPT_VIEWERS, 200),
    "assessment:booked": (lambda w: {"attempt_id": w["attempt"].pk}, ATTEMPT_VIEWERS, 200),
    "assessment:attempt_cancel": (lambda w: {"attempt_id": w["attempt"].pk}, ATTEMPT_VIEWERS, 200),
    "assessment:attempt_rebook": (lambda w: {"attempt_id": w["attempt"].pk}, ATTEMPT_VIEWERS, 200),
    "assessment:assessor_home": (lambda w: {}, ASSESSORS, 200),
    "assessment:attempt_test_result": (
        lambda w: {"attempt_id": w["sat"].pk},
        {"assessor", "administrator"},  # the moderator is not allocated to this attempt
        200,
    ),
    "assessment:admin_home": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:sittings_past": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:sitting_create": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:sitting_detail": (lambda w: {"sitting_id": w["sitting"].pk}, ADMIN_ONLY, 200),
    "assessment:results_upload": (lambda w: {"sitting_id": w["sitting"].pk}, ADMIN_ONLY, 200),
    "assessment:centres": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:adjustment_queue": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:adjustment_decisions": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:adjustment_decide": (
        lambda w: {"adjustment_id": w["adjustment"].pk},
        ADMIN_ONLY,
        200,
    ),
    "assessment:adjustment_check": (
        lambda w: {"adjustment_id": w["adjustment"].pk},
        ADMIN_ONLY,
        302,
    ),
    "assessment:adjustment_decided": (
        lambda w: {"adjustment_id": w["adjustment"].pk},
        ADMIN_ONLY,
        302,
    ),
    "assessment:item_list": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:item_create": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:item_detail": (lambda w: {"item_id": w["item"].pk}, ADMIN_ONLY, 200),
    "assessment:item_revise": (lambda w: {"item_id": w["item"].pk}, ADMIN_ONLY, 200),
    "assessment:item_set_active": (lambda w: {"item_id": w["item"].pk}, ADMIN_ONLY, 405),
    "assessment:scenarios": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:test_form_list": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:test_form_create": (lambda w: {}, ADMIN_ONLY, 200),
    "assessment:test_form_detail": (lambda w: {"form_id": w["form"].pk}, ADMIN_ONLY, 200),
}


@pytest.mark.parametrize("url_name", PAGES)
def test_access_by_role_for_every_page(client, world, url_name):
    """Every role against the page: the allowed get it, others 403, the signed-out sign in."""
    kwargs, allowed, status = PAGES[url_name]
    url = reverse(url_name, kwargs=kwargs(world))
    wrong = {}
    for role in ROLES:
        client.logout()
        user = world["users"][role]
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if user is None:
            ok = response.status_code == 302 and response.url.startswith(reverse("login"))
        else:
            ok = response.status_code == (status if role in allowed else 403)
        if not ok:
            wrong[role] = response.status_code
    assert wrong == {}


def test_posts_to_admin_actions_are_refused_to_everyone_else(client, world):
    item, form = world["item"], world["form"]
    for role in ROLES:
        if role in ("anonymous", "administrator"):
            continue
        client.force_login(world["users"][role])
        url = reverse("assessment:item_set_active", args=[item.pk])
        assert client.post(url, {"active": "0"}).status_code == 403, role
        url = reverse("assessment:test_form_detail", args=[form.pk])
        assert client.post(url, {"active": "0"}).status_code == 403, role
    assert Item.objects.get(pk=item.pk).is_active
    assert TestForm.objects.get(pk=form.pk).is_active


def test_candidate_books_through_check_your_answers(client, world):
    # given the candidate with a bookable supervisor endorsement
    client.force_login(world["users"]["candidate"])
    endorsement = world["bookable"]
    book_url = reverse("assessment:book", args=[endorsement.pk])
    sitting = SittingFactory()
    # when they ask for "other" without describing it, they are told and nothing is saved
    response = client.post(book_url, {"sitting": sitting.pk, "adjustments": ["other"]})
    assert response.status_code == 400
    assert "Describe the other adjustment you need" in response.content.decode()
    # when they complete the form
    response = client.post(
        book_url,
        {
            "sitting": sitting.pk,
            "adjustments": ["extra_time", "other"],
            "other_detail": "A quiet corner",
        },
    )
    assert response.status_code == 302
    check = client.get(response.url)
    page = check.content.decode()
    assert "Check the booking before you confirm it" in page
    assert "Extra time" in page and "A quiet corner" in page
    assert not Attempt.objects.filter(endorsement=endorsement).exists()
    # and confirm
    confirmed = client.post(response.url)
    attempt = Attempt.objects.get(endorsement=endorsement)
    assert confirmed.url == reverse("assessment:booked", args=[attempt.pk])
    assert attempt.sitting == sitting and attempt.level == Level.SUPERVISOR
    assert sorted(attempt.adjustments.values_list("kind", flat=True)) == ["extra_time", "other"]
    # then their page shows the booking and the pending decisions
    mine = client.get(reverse("assessment:my_assessment")).content.decode()
    assert "Awaiting decision" in mine


def test_a_full_sitting_at_confirmation_is_explained(client, world):
    client.force_login(world["users"]["lead"])
    endorsement = world["bookable"]
    sitting = SittingFactory(capacity=1)
    client.post(reverse("assessment:book", args=[endorsement.pk]), {"sitting": sitting.pk})
    book(endorsed(), sitting)  # someone else takes the last place meanwhile
    response = client.post(reverse("assessment:book_check", args=[endorsement.pk]))
    assert response.status_code == 409
    assert "That sitting is full; choose another sitting" in response.content.decode()
    assert not Attempt.objects.filter(endorsement=endorsement).exists()


def test_an_unbookable_endorsement_explains_why(client, world):
    client.force_login(world["users"]["candidate"])
    used = world["attempt"].endorsement
    response = client.get(reverse("assessment:book", args=[used.pk]))
    assert response.status_code == 409
    assert "already used by a booking" in response.content.decode()


def test_administrator_decides_and_the_candidate_sees_it(client, world):
    admin = world["users"]["administrator"]
    adjustment = world["adjustment"]
    client.force_login(admin)
    decide = reverse("assessment:adjustment_decide", args=[adjustment.pk])
    # a missing reason is an error on the form
    response = client.post(decide, {"decision": "decline"})
    assert response.status_code == 400
    assert "Enter the reason for the decision" in response.content.decode()
    response = client.post(decide, {"decision": "decline", "reason": "A reader is provided anyway"})
    assert response.url == reverse("assessment:adjustment_check", args=[adjustment.pk])
    adjustment.refresh_from_db()
    assert adjustment.decision == AdjustmentDecision.PENDING  # not until confirmed
    response = client.post(response.url)
    assert response.url == reverse("assessment:adjustment_decided", args=[adjustment.pk])
    assert "Adjustment declined" in client.get(response.url).content.decode()
    # the candidate sees the decision and the reason
    client.force_login(world["users"]["candidate"])
    page = client.get(reverse("assessment:attempt_detail", args=[world["attempt"].pk]))
    assert "Declined" in page.content.decode()
    assert "A reader is provided anyway" in page.content.decode()
    # and the decision is in the report and its CSV
    client.force_login(admin)
    csv = client.get(reverse("assessment:adjustment_decisions") + "?decision=declined&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "A reader is provided anyway" in csv.content.decode()


def test_attendance_list_shows_approved_adjustments_and_records_attendance(client, world):
    admin = world["users"]["administrator"]
    attempt, adjustment = world["attempt"], world["adjustment"]
    services.adjustment_decide(adjustment=adjustment, approve=True, reason="OK", actor=admin)
    client.force_login(admin)
    url = reverse("assessment:sitting_detail", args=[attempt.sitting_id])
    page = client.get(url).content.decode()
    assert "A reader" in page and "Record attendance" not in page
    set_sitting_date(attempt.sitting, 0)
    assert "Record attendance" in client.get(url).content.decode()
    response = client.post(url, {f"attempt_{attempt.pk}": "no_show"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.NO_SHOW


def test_results_upload_lists_bad_rows_and_saves_nothing(
    client, world, django_capture_on_commit_callbacks
):
    admin = world["users"]["administrator"]
    attempt, form = world["attempt"], world["form"]
    set_sitting_date(attempt.sitting, 0)
    client.force_login(admin)
    url = reverse("assessment:results_upload", args=[attempt.sitting_id])
    rows = answer_rows(attempt, form)
    rows[3] = ("SW999999", *rows[3][1:])
    upload = results_csv(rows)

    def post(raw):
        # The file is imported in the background (eager in tests) once the upload commits.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"csv_file": SimpleUploadedFile("results.csv", raw)})
        assert response.status_code == 302
        return client.get(response.url)

    response = post(upload)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The results file has 2 rows with problems" in page
    assert "has answers for 29 of the 30 items" in page
    assert "SW999999 is not a registration number the service knows" in page
    assert not hasattr(Attempt.objects.get(pk=attempt.pk), "test_result")
    # the corrected file is imported and the same file again changes nothing
    good = results_csv(answer_rows(attempt, form))
    assert "1 candidate recorded" in post(good).content.decode()
    assert "Nothing changed" in post(good).content.decode()


def test_assessor_sees_scores_per_area(client, world):
    client.force_login(world["users"]["assessor"])
    home = client.get(reverse("assessment:assessor_home")).content.decode()
    assert world["sat"].worker.user.full_name in home
    page = client.get(reverse("assessment:attempt_test_result", args=[world["sat"].pk]))
    text = page.content.decode()
    assert "Score per KSS area" in text
    for area in KSSArea.objects.filter(framework=world["sat"].framework):
        assert area.title.replace("'", "&#x27;") in text
    assert "100%" in text
    # an assessor linked to the candidate's LA never sees them
    client.force_login(world["users"]["linked_assessor"])
    assert (
        world["sat"].worker.user.full_name
        not in client.get(reverse("assessment:assessor_home")).content.decode()
    )


def test_item_with_wrong_number_of_correct_options_is_refused(client, world):
    client.force_login(world["users"]["administrator"])
    area = KSSArea.objects.filter(framework__level=Level.PRACTITIONER).first()
    data = {
        "code": "NEW-1",
        "area": area.pk,
        "format": ItemFormat.THREE_OF_EIGHT,
        "stem": "Which three?",
        "correct": ["A", "B"],
        **{f"option_{c}": f"Text {c}" for c in "abcdefgh"},
    }
    response = client.post(reverse("assessment:item_create"), data)
    assert response.status_code == 400
    assert "needs exactly 3 correct options; 2 chosen" in response.content.decode()
    assert not Item.objects.filter(code="NEW-1").exists()
    data["correct"] = ["A", "C", "H"]
    response = client.post(reverse("assessment:item_create"), data)
    assert response.status_code == 302
    assert Item.objects.get(code="NEW-1").correct_options == "ACH"


def test_editing_an_item_makes_a_new_version(client, world):
    client.force_login(world["users"]["administrator"])
    item = world["item"]
    data = {
        "area": item.area_id,
        "format": ItemFormat.ONE_OF_FOUR,
        "stem": "Reworded",
        "correct": ["C"],
        **{f"option_{c}": f"Text {c}" for c in "abcd"},
    }
    response = client.post(reverse("assessment:item_revise", args=[item.pk]), data)
    assert response.status_code == 302
    versions = list(Item.objects.filter(code=item.code).order_by("version"))
    assert [(v.version, v.is_active) for v in versions] == [(1, False), (2, True)]
    assert world["form"].items.get(code=item.code).version == 1  # the form keeps version 1


def test_test_form_refused_with_reasons_on_the_page(client, world):
    client.force_login(world["users"]["administrator"])
    scenario, general, applied = blueprint_items(Level.PRACTITIONER)
    response = client.post(
        reverse("assessment:test_form_create") + f"?level={Level.PRACTITIONER}",
        picker_answers(
            code="P-BAD",
            title="Too short",
            scenario=scenario,
            general=general[:17],
            applied=applied,
        ),
    )
    assert response.status_code == 400
    assert "The form has 17 general questions; it needs exactly 18" in response.content.decode()
    assert not TestForm.objects.filter(code="P-BAD").exists()


def test_sitting_create_refuses_a_past_date(client, world):
    client.force_login(world["users"]["administrator"])
    centre = world["sitting"].centre
    response = client.post(
        reverse("assessment:sitting_create"),
        {"centre": centre.pk, "on_0": "1", "on_1": "1", "on_2": "2020", "slot": 2, "capacity": 12},
    )
    assert response.status_code == 400
    assert "The date of the sitting must be in the future" in response.content.decode()
    assert Sitting.objects.count() == 2


def test_admin_home_query_count_is_constant(client, world):
    client.force_login(world["users"]["administrator"])
    url = reverse("assessment:admin_home")
    client.get(url)  # warm up: the first page after sign-in stamps the session's last-seen time
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        sitting = SittingFactory()
        book(endorsed(), sitting, adjustments=[AdjustmentAsk(AdjustmentKind.REST_BREAK)])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many), [q["sql"][:120] for q in many.captured_queries]
