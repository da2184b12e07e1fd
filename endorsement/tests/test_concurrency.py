"""Two people acting on the same endorsement at once: exactly one succeeds, the other gets
"this has changed". Real row locks need PostgreSQL (SQLite has none), so these tests run
there only: CI sets DATABASE_URL."""

import threading
import time

import pytest
from django.db import connection, connections

from endorsement import selectors, services
from endorsement.models import Endorsement, EndorsementState
from endorsement.services import EndorsementChanged, EndorsementError
from naas.models import AuditEvent

from .factories import eligible_worker, la_lead_for, ready_endorsement

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
    ),
]


def race(*actions):
    """Run each action in its own thread and database connection, released together.
    Returns what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # the loser's refusal is the point of the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def slow_checks(monkeypatch):
    """Hold each sign-off or confirmation inside its transaction for a moment, so the two
    really overlap (without the row lock, both would pass their checks)."""
    real = selectors.endorsement_problems

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(services.endorsements, "endorsement_problems", slow)


def outcome(results):
    wins = [r for r in results if isinstance(r, Endorsement)]
    losses = [r for r in results if isinstance(r, Exception)]
    return wins, losses


def test_two_concurrent_sign_offs_give_exactly_one(slow_checks):
    endorsement = ready_endorsement()
    supervisor = endorsement.worker.supervisor
    version = endorsement.version

    def sign_off():
        return services.endorsement_sign_off(
            endorsement=endorsement,
            actor=supervisor,
            statement="Ready.",
            expected_version=version,
            notify=False,
        )

    wins, losses = outcome(race(sign_off, sign_off))
    assert len(wins) == 1
    assert len(losses) == 1
    assert isinstance(losses[0], EndorsementChanged)
    assert "changed" in str(losses[0])
    row = Endorsement.objects.get(pk=endorsement.pk)
    assert (row.state, row.version) == (EndorsementState.SIGNED_OFF, version + 1)
    actions = [e.action for e in AuditEvent.objects.for_object(row)]
    assert actions.count("endorsement.signed_off") == 1


def test_two_concurrent_sign_offs_without_versions_still_give_exactly_one(slow_checks):
    endorsement = ready_endorsement()
    supervisor = endorsement.worker.supervisor

    def sign_off():
        return services.endorsement_sign_off(
            endorsement=endorsement, actor=supervisor, statement="Ready.", notify=False
        )

    wins, losses = outcome(race(sign_off, sign_off))
    assert len(wins) == 1
    assert len(losses) == 1 and isinstance(losses[0], EndorsementError)
    row = Endorsement.objects.get(pk=endorsement.pk)
    assert [e.action for e in AuditEvent.objects.for_object(row)].count(
        "endorsement.signed_off"
    ) == 1


def test_two_leads_confirming_at_once_give_one_endorsement(slow_checks):
    endorsement = ready_endorsement(EndorsementState.SIGNED_OFF)
    la = endorsement.worker.local_authority
    first, second = la_lead_for(la), la_lead_for(la)
    version = endorsement.version

    def confirm(lead):
        return lambda: services.endorsement_confirm(
            endorsement=endorsement, actor=lead, expected_version=version, notify=False
        )

    wins, losses = outcome(race(confirm(first), confirm(second)))
    assert len(wins) == 1
    assert len(losses) == 1 and isinstance(losses[0], EndorsementChanged)
    row = Endorsement.objects.get(pk=endorsement.pk)
    assert row.state == EndorsementState.ENDORSED
    assert row.endorsed_by_id == wins[0].endorsed_by_id
    assert [e.action for e in AuditEvent.objects.for_object(row)].count(
        "endorsement.confirmed"
    ) == 1


def test_confirm_and_return_at_once_give_one_decision(slow_checks):
    endorsement = ready_endorsement(EndorsementState.SIGNED_OFF)
    lead = la_lead_for(endorsement.worker.local_authority)
    version = endorsement.version
    results = race(
        lambda: services.endorsement_confirm(
            endorsement=endorsement, actor=lead, expected_version=version, notify=False
        ),
        lambda: services.endorsement_return(
            endorsement=endorsement, actor=lead, reason="More", expected_version=version
        ),
    )
    wins, losses = outcome(results)
    assert len(wins) == 1 and len(losses) == 1
    row = Endorsement.objects.get(pk=endorsement.pk)
    assert row.state == wins[0].state
    assert row.version == version + 1


def test_a_withdrawal_racing_a_sign_off_never_loses_an_update(slow_checks):
    endorsement = ready_endorsement()
    worker = endorsement.worker
    version = endorsement.version
    results = race(
        lambda: services.endorsement_sign_off(
            endorsement=endorsement,
            actor=worker.supervisor,
            statement="Ready.",
            expected_version=version,
            notify=False,
        ),
        lambda: services.endorsement_withdraw(
            endorsement=endorsement, actor=worker.user, expected_version=version
        ),
    )
    wins, losses = outcome(results)
    assert len(wins) == 1 and len(losses) == 1
    assert Endorsement.objects.get(pk=endorsement.pk).state == wins[0].state


def test_two_supervisor_clicks_on_start_give_one_open_endorsement():
    worker = eligible_worker()

    def start():
        return services.endorsement_start(
            worker=worker, level=worker.job_level, actor=worker.supervisor
        )

    wins, losses = outcome(race(start, start))
    assert len(wins) == 1
    assert len(losses) == 1 and isinstance(losses[0], EndorsementError)
    assert Endorsement.objects.filter(worker=worker).count() == 1
