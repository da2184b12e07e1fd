"""A tampered hidden field on an assessment page is refused in words, never a 500."""

import pytest
from django.urls import reverse

from assessment.models import Outcome
from naas.models import AuditEvent

from .factories import administrator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ids", [["99999999999999999999"], ["²"], ["-1"], ["1e3"], [""]])
def test_tampered_outcome_ids_on_the_publish_page_publish_nothing(client, ids):
    client.force_login(administrator())
    events = AuditEvent.objects.count()
    response = client.post(reverse("assessment:outcomes_publish"), {"outcome": ids})
    assert response.status_code == 409
    assert "have already been published, or are not confirmed" in response.content.decode()
    assert not Outcome.objects.filter(published_at__isnull=False).exists()
    assert AuditEvent.objects.count() == events
