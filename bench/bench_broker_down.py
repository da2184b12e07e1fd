"""How long the web request waits when the broker is down.

    .venv/bin/python bench/bench_broker_down.py [--count 5]

Publishes `--count` outcomes (each queues its feedback letter after the transaction commits)
with the Celery producer pointed at a local port nothing listens on, in a throwaway SQLite
database (a temporary directory, migrated here; nothing else is touched). For each, prints the
time the request-side call took (publication, commit, the failed send), and the same for a
broker that accepts the connection but never answers. Then checks every letter is still
queued for the sweep. The goal is under a second per call; before this was fixed one call
blocked 19.3 s in Celery's connection retries.

For comparison it also times the send the way it used to be made (`task.delay()`, which asks
for a result and so subscribes to the result backend) against the dead port: expect ~20 s.
Pass --skip-old to leave that out. Not a test: figures vary with the machine.
"""

import argparse
import logging
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import use_scratch_database

use_scratch_database("bench-broker-down-")
os.environ["DJANGO_SETTINGS_MODULE"] = "naas.settings.local"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


DEAD_URL = f"redis://127.0.0.1:{_closed_port()}/0"
os.environ["REDIS_URL"] = DEAD_URL
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from feedback.models import Letter  # noqa: E402
from naas.celery import app  # noqa: E402
from naas.models import DocumentState  # noqa: E402
from naas.tests.faults import producer_pointed_at  # noqa: E402


def silent_broker() -> tuple[str, socket.socket]:
    """A server that accepts connections and never answers (a hung or half-open broker)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return f"redis://127.0.0.1:{server.getsockname()[1]}/0", server


def confirmed_outcomes(count: int) -> list:
    """Outcomes marked, with their feedback, confirmed: ready to publish (made beforehand, with
    eager Celery, so the timings hold only the publication)."""
    from assessment import services as assessment_services
    from assessment.tests.factories import administrator, draft_outcome
    from feedback.tests.factories import NOT_MET, feedback_writer

    admin = administrator()
    outcomes = []
    for _ in range(count):
        outcome = draft_outcome(results={3: NOT_MET}, admin=admin)
        feedback_writer()(outcome)
        assessment_services.outcome_confirm(outcome=outcome, actor=admin)
        outcomes.append(outcome)
    return admin, outcomes


def time_publications(label: str, url: str, count: int) -> list[float]:
    """Time `outcomes_publish` (what the administrator's publish request calls: the
    transaction, its commit, then the on-commit send of the letter's task) for each outcome."""
    from assessment.services import outcomes_publish

    admin, outcomes = confirmed_outcomes(count)
    times = []
    with producer_pointed_at(app, url):
        for outcome in outcomes:
            started = time.perf_counter()
            outcomes_publish(outcome_ids=[outcome.pk], actor=admin)
            times.append(time.perf_counter() - started)
    print(
        f"{label:<32} {count} publications: max {max(times):.3f} s, "
        f"mean {sum(times) / len(times):.3f} s per call"
    )
    return times


def time_old_send(url: str) -> float:
    """The send as it used to be made: delay() asks for a result (result backend retries)."""
    from naas.tasks import health_check

    with producer_pointed_at(app, url):
        started = time.perf_counter()
        try:
            health_check.delay()
        except Exception as exc:  # we only time it
            print(f"  old-style send failed: {type(exc).__name__}")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--skip-old", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    call_command("migrate", verbosity=0)
    app.conf.task_always_eager = True  # while the outcomes are prepared
    time_publications("warm-up (not counted)", DEAD_URL, 1)
    print(f"broker down: {DEAD_URL} (nothing listens there)")
    time_publications("dead port (connection refused)", DEAD_URL, args.count)
    url, server = silent_broker()
    try:
        time_publications("silent broker (never answers)", url, args.count)
    finally:
        server.close()
    queued = Letter.objects.filter(state=DocumentState.PENDING, queued_at__isnull=False).count()
    print(f"letters still queued for the sweep: {queued} of {Letter.objects.count()}")
    if not args.skip_old:
        print(
            f"old-style send (delay(), with a result) to the dead port: {time_old_send(DEAD_URL):.1f} s"
        )


if __name__ == "__main__":
    main()
