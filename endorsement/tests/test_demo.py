from collections import Counter

import pytest
from django.utils import timezone

from endorsement import demo, selectors
from endorsement.models import Endorsement, EndorsementState
from naas.demo import seed_core
from naas.models import AuditEvent

pytestmark = pytest.mark.django_db
S = EndorsementState


def test_the_demo_gives_every_leeds_role_something_to_do_and_runs_twice_unchanged():
    today = timezone.localdate()
    accounts = seed_core(today)
    demo.seed(accounts, today)
    states = Counter(Endorsement.objects.values_list("state", flat=True))
    events = AuditEvent.objects.count()

    # the supervisor has supervisees in many states, some ready to sign off
    rows = selectors.supervisees_with_readiness(accounts["supervisor"], today=today)
    assert {S.DRAFT, S.SIGNED_OFF, S.ENDORSED} <= {
        r.endorsement.state for r in rows if r.endorsement
    }
    assert (
        sum(1 for r in rows if r.endorsement and r.endorsement.state == S.DRAFT and not r.problems)
        >= 2
    )
    assert any(r.endorsement is None for r in rows)
    # the LA lead has sign-offs to confirm
    assert selectors.confirmation_queue_for(accounts["la_lead"]).count() >= 3
    # the demo worker has a draft waiting for her consent, and nothing else missing
    mine = selectors.endorsements_of_user(accounts["social_worker"]).get()
    assert mine.state == S.DRAFT and not mine.has_consent
    problems = selectors.endorsement_problems(mine, signer=accounts["supervisor"], today=today)
    assert [p.rule for p in problems] == ["consent"]
    # some Leeds workers are endorsed and bookable, and every other closing state is shown
    assert (
        selectors.endorsements_bookable().filter(worker__local_authority__name="Leeds").count() >= 4
    )
    assert states[S.DECLINED] and states[S.WITHDRAWN] and states[S.LAPSED]

    # running the seed again changes nothing
    demo.seed(accounts, today)
    assert Counter(Endorsement.objects.values_list("state", flat=True)) == states
    assert AuditEvent.objects.count() == events
