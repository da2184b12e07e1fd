"""The endorsement pages whose rows grow with data cost the same queries with a few rows as with
many (issue 13): the LA lead's endorsements to confirm, a supervisee's page (sessions, feedback,
past endorsements) and the worker's own endorsements. The supervisees list's own check is in
test_lists_supervisees.py."""

import pytest
from django.urls import reverse

from endorsement.models import EndorsementState
from endorsement.tests.factories import (
    EndorsementFactory,
    ServiceUserFeedbackFactory,
    SupervisionSessionFactory,
    eligible_worker,
    la_lead_for,
    ready_endorsement,
)
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory
from naas.tests.query_counts import assert_same_queries

pytestmark = pytest.mark.django_db

# Ended endorsements, so a worker can have many (only one may be open at a time).
ENDED = (EndorsementState.DECLINED, EndorsementState.WITHDRAWN, EndorsementState.LAPSED)


def _history(worker, size):
    for n in range(size):
        EndorsementFactory(worker=worker, state=ENDED[n % len(ENDED)], last_reason="Why")


def test_endorsements_to_confirm_cost_the_same_queries_for_3_and_30(client):
    la = LocalAuthorityFactory()
    lead = la_lead_for(la)

    def build(size):
        for _ in range(size):
            ready_endorsement(
                EndorsementState.SIGNED_OFF, worker=eligible_worker(local_authority=la)
            )
        return lead, reverse("endorsement:confirmation_queue")

    large = assert_same_queries(client, build)
    assert len(large.context["endorsements"]) == 33


def test_a_supervisees_page_costs_the_same_queries_for_3_and_30_records(client):
    def build(size):
        worker = eligible_worker()
        for _ in range(size):
            SupervisionSessionFactory(worker=worker)  # each with its areas' readiness
            ServiceUserFeedbackFactory(worker=worker)
        _history(worker, size)
        ready_endorsement(worker=worker)
        url = reverse("endorsement:supervisee", args=[worker.pk])
        return worker.supervisor, url

    assert_same_queries(client, build)


def test_the_workers_own_endorsements_cost_the_same_queries_for_3_and_30(client):
    def build(size):
        worker = SocialWorkerFactory()
        _history(worker, size)
        ready_endorsement(EndorsementState.ENDORSED, worker=worker)
        return worker.user, reverse("endorsement:my_endorsement")

    assert_same_queries(client, build)
