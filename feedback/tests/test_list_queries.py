"""The feedback pages whose rows grow with data cost the same queries with a few rows as with
many (issue 13): a supervisee's results as their supervisor sees them (every published result,
its letter, the support plan's actions). The worker's own page is checked in test_services.py,
the results and letters lists in test_lists_results.py and test_lists_letters.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import OutcomeResult
from assessment.tests.factories import administrator, published_attempt
from endorsement.models import Endorsement, EndorsementState
from feedback import services
from feedback.tests.factories import published_result
from naas.tests.factories import SocialWorkerFactory
from naas.tests.query_counts import assert_same_queries

pytestmark = pytest.mark.django_db


def test_a_supervisees_results_cost_the_same_queries(client, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    admin = administrator()

    def build(size):
        worker = SocialWorkerFactory()
        for _ in range(size - 1):
            published_attempt(worker, admin=admin)
            # the endorsement was used; the employer may endorse them again for another try
            Endorsement.objects.filter(worker=worker).update(state=EndorsementState.LAPSED)
        # the latest partially met, so the supervisor keeps a support plan
        outcome, _ = published_result({1: OutcomeResult.NOT_MET}, worker=worker)
        area = outcome.attempt.framework.areas.get(number=1)
        for n in range(size):
            services.support_action_add(
                worker=worker,
                actor=worker.supervisor,
                area=area,
                action=f"Shadowing {n}",
                owner="Team manager",
                due_on=timezone.localdate() + timedelta(days=30 + n),
            )
        return worker.supervisor, reverse("feedback:worker_results", args=[worker.pk])

    large = assert_same_queries(client, build, sizes=(2, 6))
    assert large.content.decode().count("Shadowing") == 6
