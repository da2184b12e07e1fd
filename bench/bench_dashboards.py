"""DfE dashboards at national scale: ours (cold and warm) against the floor, interleaved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/naas_bench \\
        .venv/bin/python bench/bench_dashboards.py [--workers 30000] [--rounds 3] [--runs 9]

It (re)makes the national dataset with seed_national's code, counts the precomputed figures
once (as the on-commit task does), then for England and for the LA with the most staff times,
in the same loop so machine noise hits all alike:

- floor: the live aggregates the page needs, as hand SQL sent straight to PostgreSQL (the SQL
  the live selectors generate, replayed through a cursor: no ORM, no template, no HTTP);
- cold: the page through Django's test client with the rendered-fragment cache emptied;
- warm: the same page again (the fragment cached);
- trivial: a signed-in page that renders almost nothing (the service's start page).

It prints each median over `--runs`, the median of `--rounds` such rounds, and the ratio to the
floor. Not a test: times vary with the machine. It wipes and remakes the seeded national data
in that database (nothing else): use a database of its own.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naas.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from naas.models import LocalAuthority, Role, StaffRole, User  # noqa: E402
from reporting import national_data, selectors, summaries  # noqa: E402

BENCH_EMAIL = "bench.dfe@national.naas.test"


def seed(workers: int) -> float:
    started = time.perf_counter()
    if national_data.exists():
        national_data.reset()
    national_data.seed(workers=workers, today=timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a table (see loadtest.py)
    return time.perf_counter() - started


def floor_sql(filters) -> list[tuple[str, tuple]]:
    """The SQL of the live aggregates for these filters, captured once, to replay by hand."""
    with CaptureQueriesContext(connection) as queries:
        selectors.dashboard(filters, today=timezone.localdate(), with_groups=True)
    return [(q["sql"], ()) for q in queries.captured_queries]


def run_floor(statements) -> None:
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=9, help="timed runs per round (default 9)")
    parser.add_argument("--no-seed", action="store_true", help="use the data already there")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own")
    if not options.no_seed:
        print(f"seeded {options.workers:,} workers in {seed(options.workers):.1f}s")
    started = time.perf_counter()
    summaries.figures_refresh()
    print(f"figures counted in {time.perf_counter() - started:.2f}s (the background refresh)")

    user, _ = User.objects.get_or_create(email=BENCH_EMAIL, defaults={"full_name": "Bench"})
    StaffRole.objects.get_or_create(user=user, role=Role.DFE)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    la = LocalAuthority.objects.annotate(staff=Count("social_workers")).order_by("-staff").first()
    dashboard = reverse("reporting:dashboard_local_authorities")
    cases = {
        "England": (dashboard, selectors.Filters()),
        f"one LA ({la.staff:,} staff)": (
            f"{dashboard}?local_authority={la.pk}",
            selectors.Filters(local_authority=la),
        ),
    }
    trivial_url = reverse("home") if _has_url("home") else "/"

    def get(url):
        def action():
            response = client.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)

        return action

    def cold(url):
        def action():
            cache.clear()
            get(url)()

        return action

    print(
        f"\n{'page':<24} {'floor':>8} {'cold':>8} {'warm':>8} {'trivial':>8} "
        f"{'cold/floor':>10} {'warm/trivial':>12}"
    )
    for label, (url, filters) in cases.items():
        statements = floor_sql(filters)
        actions = {
            "floor": lambda s=statements: run_floor(s),
            "cold": cold(url),
            "warm": get(url),
            "trivial": get(trivial_url),
        }
        for action in actions.values():
            action()  # warm up: templates compiled, connections open
        rounds = {name: [] for name in actions}
        for _ in range(options.rounds):
            samples = {name: [] for name in actions}
            for _ in range(options.runs):
                for name, action in actions.items():  # interleaved
                    samples[name].append(timed(action))
            for name in actions:
                rounds[name].append(statistics.median(samples[name]))
        m = {name: statistics.median(values) * 1000 for name, values in rounds.items()}
        with CaptureQueriesContext(connection) as queries:
            cold(url)()
        print(
            f"{label:<24} {m['floor']:>6.1f}ms {m['cold']:>6.1f}ms {m['warm']:>6.1f}ms "
            f"{m['trivial']:>6.1f}ms {m['cold'] / m['floor']:>9.2f}× {m['warm'] / m['trivial']:>11.2f}×"
            f"   ({len(statements)} floor statements; {len(queries)} queries cold)"
        )


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


if __name__ == "__main__":
    main()
