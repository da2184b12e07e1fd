"""The README's practice-endorsement journey, tried on the seeded demo: the worker, her
supervisor and the supervisees list agree on which endorsement she is acting on, the demo's
dates make sense, and every state the README promises is there to see."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessment.models import Attempt
from endorsement import demo, selectors
from endorsement.eligibility import Rule
from endorsement.models import Endorsement, EndorsementState
from naas.demo import seed_core
from naas.models import SocialWorker

pytestmark = pytest.mark.django_db
S = EndorsementState


def test_the_demo_worker_gives_consent_to_the_draft_all_three_pages_show(client):
    # given the whole demo (the assessment demo gives Wendy a booked practice-supervisor
    # endorsement, made after her practitioner draft)
    call_command("seed_demo", stdout=StringIO())
    wendy = SocialWorker.objects.select_related("user", "supervisor").get(
        user__email="worker@demo.naas.test"
    )
    draft = Endorsement.objects.get(worker=wendy, state=S.DRAFT)
    assert Endorsement.objects.filter(worker=wendy).exclude(pk=draft.pk).exists()

    # her own page offers consent to the draft
    client.force_login(wendy.user)
    page = client.get(reverse("endorsement:my_endorsement"))
    assert page.context["current"] == draft
    assert reverse("endorsement:consent", args=[draft.pk]).encode() in page.content
    assert b"Give your consent" in page.content

    # her supervisor's task list waits for her consent to that same draft
    client.force_login(wendy.supervisor)
    page = client.get(reverse("endorsement:supervisee", args=[wendy.pk]))
    assert page.context["endorsement"] == draft
    assert b"Waiting for worker" in page.content

    # and the supervisees list shows that draft too, missing only her consent
    page = client.get(reverse("endorsement:supervisees"))
    row = next(r for r in page.context["page"].object_list if r.worker == wendy)
    assert row.endorsement == draft
    assert row.status_label == "Draft"
    assert [p.rule for p in row.problems] == [Rule.CONSENT]

    # she gives consent, and the supervisor's list then has her ready to sign off
    client.force_login(wendy.user)
    response = client.post(
        reverse("endorsement:consent", args=[draft.pk]),
        {"agree": "on", "version": draft.version},
    )
    assert response.status_code == 302
    assert Endorsement.objects.get(pk=draft.pk).has_consent


def test_every_demo_booking_is_made_before_its_sitting_and_after_the_endorsement():
    call_command("seed_demo", stdout=StringIO())
    attempts = Attempt.objects.select_related("sitting", "endorsement")
    assert attempts.exists()
    for attempt in attempts:
        booked_on = timezone.localdate(attempt.booked_at)
        assert booked_on <= attempt.sitting.date, attempt
        if attempt.sitting.date < timezone.localdate():  # a past sitting was booked beforehand
            assert booked_on < attempt.sitting.date, attempt
        used_on = timezone.localdate(attempt.endorsement.used_at)
        assert used_on == booked_on, attempt
        assert attempt.endorsement.endorsed_at <= attempt.booked_at, attempt


@pytest.fixture
def leeds_rows():
    today = timezone.localdate()
    accounts = seed_core(today)
    demo.seed(accounts, today)
    return selectors.supervisees_with_readiness(accounts["supervisor"], today=today)


def test_the_supervisees_list_shows_declined_withdrawn_and_lapsed_workers_as_such(leeds_rows):
    labels = {row.status_label for row in leeds_rows}
    assert {"Declined", "Withdrawn", "Lapsed"} <= labels
    for row in leeds_rows:
        if row.status_label in ("Declined", "Withdrawn", "Lapsed"):
            # nothing is open, so the supervisor can start a new one
            assert row.endorsement is None
            assert row.shown.get_state_display() == row.status_label
            assert row.problems[0].rule == Rule.NOT_STARTED


def test_the_supervisees_list_page_shows_closed_states(client, leeds_rows):
    client.force_login(leeds_rows[0].worker.supervisor)
    page = client.get(reverse("endorsement:supervisees")).content.decode()
    for label in ("Declined", "Withdrawn", "Lapsed"):
        assert f">{label}</strong>" in page


def test_someone_in_leeds_is_short_of_the_6_month_minimum_tenure_as_the_readme_says(
    leeds_rows,
):
    short = [row for row in leeds_rows if Rule.TENURE in {p.rule for p in row.problems}]
    assert short
    assert all(row.worker.local_authority.min_tenure_months == 6 for row in short)
    # and the README's supervisor has been gathering evidence for them already
    assert any(row.worker.supervision_sessions.exists() for row in short)


def test_the_supervisees_list_page_shows_the_sign_off_the_la_lead_returned(client, leeds_rows):
    # the README names "returned by the LA lead" among the states the list shows, not only the
    # supervisee's own page
    returned = [row for row in leeds_rows if row.endorsement and row.endorsement.last_reason]
    assert len(returned) == 1
    client.force_login(leeds_rows[0].worker.supervisor)
    page = client.get(reverse("endorsement:supervisees")).content.decode()
    name_at = page.index(returned[0].worker.user.full_name)
    row_html = page[name_at : page.index("</tr>", name_at)]
    assert "Returned by the LA lead" in row_html
    assert page.count("Returned by the LA lead") == 1
