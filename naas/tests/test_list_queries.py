"""naas's list pages cost the same queries with a few rows as with many (issue 13): the failed
emails page and the staff import's preview. The staff list's own check is in test_listing.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from naas.models import Role
from naas.notify import selectors as notify_selectors
from naas.notify import services as notify_services
from naas.notify.models import FAILED_STATUSES, NotifyMessage
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, UserFactory, staff_user
from naas.tests.query_counts import assert_same_queries

pytestmark = pytest.mark.django_db


def _failed_emails(admin):
    def build(size):
        for _ in range(size):
            recipient = UserFactory()
            # queued, never sent (no commit in a test), then given up: a technical failure
            message = notify_services.notify_message_queue(
                kind="feedback_letter_ready",
                recipient=recipient,
                personalisation={"name": recipient.full_name, "link": "https://x.test/"},
                actor=None,
            )
            notify_services.notify_message_give_up(message_id=message.pk, reason="Timed out")
        return admin, reverse("notify:failed")

    return build


def test_the_failed_emails_page_costs_the_same_queries_for_3_and_30(client):
    large = assert_same_queries(client, _failed_emails(staff_user(Role.ADMINISTRATOR)))
    assert large.context["page"].paginator.count == 33


def test_the_two_size_check_catches_a_query_per_row(client, monkeypatch):
    """The shared check fails on an N+1: here the failed emails' recipients are read one row
    at a time, as they would be if the selector lost its select_related."""
    one_by_one = NotifyMessage.objects.filter(status__in=FAILED_STATUSES).order_by("-pk")
    monkeypatch.setattr(notify_selectors, "failed_messages", lambda: one_by_one)
    # the message is (queries with few rows, with many, the extra ones)
    with pytest.raises(AssertionError, match=r"^\(\d+, \d+, \['SELECT"):
        assert_same_queries(client, _failed_emails(staff_user(Role.ADMINISTRATOR)))


HEADER = "full_name,email,registration_number,employment_type,employed_since,supervisor_email"


def test_the_staff_import_preview_costs_the_same_queries_for_3_and_30_rows(client):
    """The preview checks every row against the database (emails, registration numbers, the
    LA's own workers, supervisors): that check must not ask once per row."""

    def build(size):
        la = LocalAuthorityFactory()
        lead = staff_user(Role.LA_LEAD, la)
        supervisor = staff_user(Role.SUPERVISOR, la)
        # half the rows change someone the LA already employs, half add someone new
        existing = [SocialWorkerFactory(local_authority=la) for _ in range(size // 2)]
        rows = [
            f"{w.user.full_name},{w.user.email},{w.registration_number},agency,2020-01-15,"
            f"{supervisor.email}"
            for w in existing
        ] + [
            f"New Person {n},new{n}.{la.pk}@example.test,SW9{la.pk % 100:02}{n:03},permanent,2019-06-01,"
            f"{supervisor.email}"
            for n in range(size - len(existing))
        ]
        text = "\r\n".join([HEADER, *rows]) + "\r\n"
        client.force_login(lead)
        uploaded = client.post(
            reverse("naas:staff_import", kwargs={"la_id": la.pk}),
            {"csv_file": SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv")},
        )
        assert uploaded.status_code == 302, uploaded.content.decode()[-3000:]
        return lead, uploaded["Location"]

    large = assert_same_queries(client, build)
    assert "Confirm and apply" in large.content.decode()
