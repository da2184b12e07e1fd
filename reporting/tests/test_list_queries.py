"""The LA lead's reports page lists the LA's reports: it costs the same queries with a few as
with many (issue 13). The dashboards' own checks are in test_views.py and
test_dashboard_figures.py."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from naas.models import Role
from naas.tests.factories import LocalAuthorityFactory, staff_user
from naas.tests.query_counts import assert_same_queries
from reporting import services

pytestmark = pytest.mark.django_db


def test_the_la_reports_page_costs_the_same_queries_for_3_and_30(client):
    def build(size):
        la = LocalAuthorityFactory()
        lead = staff_user(Role.LA_LEAD, la)
        start = date(2026, 1, 1)
        for n in range(size):
            # a different period each time, or the service returns the one being made
            services.la_report_request(
                local_authority=la,
                period_start=start,
                period_end=start + timedelta(days=n),
                actor=lead,
            )
        return lead, reverse("reporting:la_reports", args=[la.pk])

    assert_same_queries(client, build)
