"""The DIF review queue and the withdrawal pages: what they show, who may see them, and their
query counts."""

import re

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import ItemWithdrawal
from assessment.psychometrics.simulation import FOCAL, simulate_item_responses
from assessment.services.common import CHANGED_MESSAGE
from assessment.tests.factories import answer_rows
from naas.models import Disability, Role, Sex
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, staff_user

from .test_item_withdrawal import area_items, booked_day, import_results, wrong

pytestmark = pytest.mark.django_db

PLANTED, CLEAN = 5, 0  # item columns (form order) of the simulated test


def simulated_day(admin, count: int, *, dif=None, seed=15):
    """`count` candidates answer a form as the 2PL simulation says (right: the key; wrong:
    another option); the simulation's focal group are men, its reference group women. The
    first 15 say they are disabled and the next 15 not: too few to compare."""
    test = simulate_item_responses(count, 30, seed=seed, dif=dif or {})
    la = LocalAuthorityFactory()
    workers = [
        SocialWorkerFactory(
            local_authority=la,
            sex=Sex.MALE if group == FOCAL else Sex.FEMALE,
            disability=Disability.YES if n < 15 else Disability.NO if n < 30 else "",
        )
        for n, group in enumerate(test.groups)
    ]
    sitting, attempts, form = booked_day(count, workers=workers)
    items = [link.item for link in form.form_items.select_related("item").order_by("position")]
    rows = []
    for attempt, scores in zip(attempts, test.scores, strict=True):
        override = {
            item.code: wrong(item) for item, right in zip(items, scores, strict=True) if not right
        }
        rows += answer_rows(attempt, form, override=override)
    import_results(sitting, rows, admin)
    return form, items


def test_the_queue_shows_a_planted_c_item_and_not_a_clean_one(admin_user, settings):
    settings.NAAS_DIF_MIN_GROUP_SIZE = 40
    form, items = simulated_day(admin_user, 120, dif={PLANTED: 3.0})
    (review,) = services_queue()
    flagged = {(f.code, f.grouping) for f in review.flagged}
    assert (items[PLANTED].code, "sex") in flagged
    assert all(code != items[CLEAN].code for code, _ in flagged)
    planted = next(f for f in review.flagged if f.code == items[PLANTED].code)
    assert abs(planted.delta) >= 1.5 and planted.harder_for == "Male"
    assert planted.n_focal + planted.n_reference == 120
    # disability: 15 and 15, too few to test; the other groupings are blank, never compared
    (untested,) = review.too_few
    assert (untested.grouping, untested.n_reference, untested.n_focal) == ("disability", 15, 15)
    # the page lists it with its delta, group sizes and a link to withdraw it
    page = page_text(admin_user, reverse("assessment:dif_review_queue"))
    link = reverse("assessment:item_withdraw", kwargs={"form_id": form.pk})
    assert f"{link}?item={items[PLANTED].pk}" in page
    assert f"{planted.delta:.2f}" in page and "Too few to test" in page
    assert f"?item={items[CLEAN].pk}" not in page


def test_a_withdrawn_c_item_is_shown_as_withdrawn(admin_user, settings):
    settings.NAAS_DIF_MIN_GROUP_SIZE = 40
    form, items = simulated_day(admin_user, 120, dif={PLANTED: 3.0})
    services.item_withdraw(test_form=form, item=items[PLANTED], reason="DIF C", actor=admin_user)
    (review,) = services_queue()
    assert all(f.withdrawn for f in review.flagged if f.code == items[PLANTED].code)
    assert f"?item={items[PLANTED].pk}" not in page_text(
        admin_user, reverse("assessment:dif_review_queue")
    )


def services_queue():
    from assessment import selectors

    return selectors.dif_review_queue()


def page_text(user, url):
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- The withdrawal flow through the pages ------------------------------------------------------


@pytest.fixture
def sat_form(admin_user):
    sitting, (attempt,), form = booked_day(1)
    import_results(sitting, answer_rows(attempt, form), admin_user)
    return form, area_items(form, 3)[0]


def urls(form):
    return (
        reverse("assessment:item_withdraw", kwargs={"form_id": form.pk}),
        reverse("assessment:item_withdraw_check", kwargs={"form_id": form.pk}),
    )


def test_withdraw_then_check_then_confirmation(client, admin_user, sat_form):
    form, item = sat_form
    form_url, check_url = urls(form)
    client.force_login(admin_user)
    chosen = client.get(f"{form_url}?item={item.pk}").content.decode()
    assert re.search(rf'value="{item.pk}"\s+checked', chosen)  # the queue's link preselects it
    response = client.post(form_url, {"item": item.pk, "reason": "Found to be DIF C"})
    assert response.status_code == 302 and response.url == check_url
    check = client.get(check_url).content.decode()
    assert (
        item.code in check and "Found to be DIF C" in check and not ItemWithdrawal.objects.exists()
    )
    done = client.post(check_url)
    withdrawal = ItemWithdrawal.objects.get()
    assert done.url == reverse("assessment:item_withdrawn", kwargs={"withdrawal_id": withdrawal.pk})
    assert "Question withdrawn" in client.get(done.url).content.decode()
    # sending again changes nothing
    again = client.post(check_url)
    assert again.status_code == 302 and ItemWithdrawal.objects.count() == 1


def test_a_missing_reason_is_a_govuk_error_and_nothing_is_kept(client, admin_user, sat_form):
    form, item = sat_form
    form_url, check_url = urls(form)
    client.force_login(admin_user)
    response = client.post(form_url, {"item": item.pk, "reason": "  "})
    assert response.status_code == 400
    assert "Enter the reason for withdrawing this question" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert client.get(check_url).status_code == 302  # nothing waiting: back to the form
    assert not ItemWithdrawal.objects.exists()


def test_an_item_withdrawn_meanwhile_is_refused_on_the_check_page(client, admin_user, sat_form):
    form, item = sat_form
    form_url, check_url = urls(form)
    client.force_login(admin_user)
    client.post(form_url, {"item": item.pk, "reason": "DIF C"})
    services.item_withdraw(test_form=form, item=item, reason="Colleague", actor=admin_user)
    response = client.post(check_url)
    assert response.status_code == 409 and CHANGED_MESSAGE in response.content.decode()
    assert ItemWithdrawal.objects.count() == 1


def test_the_last_item_of_an_area_is_refused_with_a_govuk_error(client, admin_user, sat_form):
    form, _ = sat_form
    first, last = area_items(form, 9)
    services.item_withdraw(test_form=form, item=first, reason="DIF C", actor=admin_user)
    form_url, check_url = urls(form)
    client.force_login(admin_user)
    client.post(form_url, {"item": last.pk, "reason": "DIF C"})
    response = client.post(check_url)
    assert response.status_code == 409
    assert "last question scored for KSS area 9" in response.content.decode()
    assert ItemWithdrawal.objects.count() == 1


# --- Access ---------------------------------------------------------------------------------


def refused_users():
    return {
        "worker": SocialWorkerFactory().user,
        "supervisor": staff_user(Role.SUPERVISOR),
        "assessor": staff_user(Role.ASSESSOR),
        "moderator": staff_user(Role.MODERATOR),
        "dfe": staff_user(Role.DFE),
    }


def every_page(form, admin):
    withdrawal = services.item_withdraw(
        test_form=form, item=area_items(form, 3)[0], reason="DIF C", actor=admin
    ).withdrawal
    return [
        reverse("assessment:dif_review_queue"),
        *urls(form),
        reverse("assessment:item_withdrawn", kwargs={"withdrawal_id": withdrawal.pk}),
    ]


def test_only_administrators_see_the_pages(client, admin_user, sat_form):
    form, _ = sat_form
    pages = every_page(form, admin_user)
    for url in pages:
        assert client.get(url).status_code == 302  # anonymous: to sign in
        assert client.get(url).url.startswith(reverse("login"))
    for who, user in refused_users().items():
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 403, (who, url)
            assert client.post(url, {"reason": "x"}).status_code == 403, (who, url)
    client.force_login(admin_user)
    assert client.get(pages[0]).status_code == 200
    assert client.get(pages[1]).status_code == 200
    assert client.get(pages[3]).status_code == 200
    assert ItemWithdrawal.objects.count() == 1


# --- Query counts ---------------------------------------------------------------------------


def queries(client, url, django_assert_max_num_queries, limit=40):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_takes_the_same_queries_at_two_sizes(
    client, admin_user, settings, django_assert_max_num_queries
):
    settings.NAAS_DIF_MIN_GROUP_SIZE = 2
    simulated_day(admin_user, 6)
    client.force_login(admin_user)
    url = reverse("assessment:dif_review_queue")
    client.get(url)  # the first request of a session loads what later ones have cached
    small = queries(client, url, django_assert_max_num_queries)
    simulated_day(admin_user, 12, seed=15)
    assert queries(client, url, django_assert_max_num_queries) == small


def test_the_withdrawal_pages_take_the_same_queries_at_two_sizes(
    client, admin_user, django_assert_max_num_queries
):
    def measure(count):
        sitting, attempts, form = booked_day(count)
        import_results(sitting, [r for a in attempts for r in answer_rows(a, form)], admin_user)
        withdrawal = services.item_withdraw(
            test_form=form, item=area_items(form, 3)[0], reason="DIF C", actor=admin_user
        ).withdrawal
        services.item_withdraw(
            test_form=form, item=area_items(form, 1)[0], reason="DIF C", actor=admin_user
        )
        form_url, check_url = urls(form)
        client.post(form_url, {"item": area_items(form, 2)[0].pk, "reason": "DIF C"})
        done_url = reverse("assessment:item_withdrawn", kwargs={"withdrawal_id": withdrawal.pk})
        return [
            queries(client, url, django_assert_max_num_queries)
            for url in (form_url, check_url, done_url)
        ]

    client.force_login(admin_user)
    client.get(reverse("assessment:dif_review_queue"))  # warm the session's caches
    assert measure(1) == measure(4)
