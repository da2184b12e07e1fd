"""DfE dashboards and the LA report at national scale: time and SQL queries per view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/naas_h7bench \\
        .venv/bin/python bench/bench_dashboards.py [--sizes 3000 30000] [--runs 15]

For each size it (re)makes the national dataset with seed_national's code (about 152 LAs and
that many social workers), then times each dashboard view through Django's test client (a
signed-in DfE user), one table's CSV download, and the build of one LA report (figures, CSV
and PDF, for the LA with the most staff). It prints the median and 95th percentile time and the
number of SQL queries of each, then whether the query counts are the same at every size.

Not a test: times vary with the machine. It needs PostgreSQL (DATABASE_URL) and wipes and
remakes the seeded national data in that database (nothing else): use a database of its own.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naas.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django

django.setup()

import logging  # noqa: E402

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from naas.models import LocalAuthority, Role, StaffRole, User  # noqa: E402
from reporting import national_data, services  # noqa: E402
from reporting.models import LAReport  # noqa: E402

BENCH_EMAIL = "bench.dfe@national.naas.test"


def seed(workers: int) -> float:
    started = time.perf_counter()
    if national_data.exists():
        national_data.reset()
    national_data.seed(workers=workers, today=timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def measure(action, runs: int) -> tuple[float, float, int]:
    action()  # warm up: templates compiled, connections open
    times, counts = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
        counts.add(len(queries))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    if len(counts) != 1:
        raise SystemExit(f"query count changed between runs: {sorted(counts)}")
    return statistics.median(times), p95, counts.pop()


def views(client: Client, la: LocalAuthority, run_counter: list) -> dict:
    dashboard = reverse("reporting:dashboard")
    period = "start_0=1&start_1=1&start_2=2024&end_0=31&end_1=12&end_2=2025"

    def get(url):
        def action():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return action

    def build_report():
        run_counter[0] += 1
        report = LAReport.objects.create(
            local_authority=la,
            period_start=date(2024, 1, 1),
            period_end=date(2025, 12, 31),
        )
        services.la_report_build(report_id=report.pk)

    return {
        "dashboard, England": get(dashboard),
        "dashboard, one phase (beta)": get(f"{dashboard}?phase=beta"),
        "dashboard, one region + level + period": get(
            f"{dashboard}?region=london&level=practitioner&{period}"
        ),
        "dashboard, one LA": get(f"{dashboard}?local_authority={la.pk}"),
        "CSV: local authorities compared": get(
            reverse("reporting:dashboard_csv", args=["local_authorities"])
        ),
        "CSV: outcomes by ethnic group": get(
            reverse("reporting:dashboard_csv", args=["ethnicity_group"])
        ),
        "LA report build (figures, CSV, PDF)": build_report,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3_000, 30_000])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per view (default 15)")
    parser.add_argument("--report-runs", type=int, default=5, help="timed LA report builds")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own")
    for name in ("weasyprint", "weasyprint.progress", "fontTools", "django.request"):
        logging.getLogger(name).setLevel(logging.ERROR)

    counts: dict[str, dict[int, int]] = {}
    for size in options.sizes:
        seconds = seed(size)
        user, _ = User.objects.get_or_create(email=BENCH_EMAIL, defaults={"full_name": "Bench"})
        StaffRole.objects.get_or_create(user=user, role=Role.DFE)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        la = (
            LocalAuthority.objects.filter(ons_code__startswith=national_data.ONS_PREFIX)
            .annotate(staff=Count("social_workers"))
            .order_by("-staff")
            .first()
        )
        print(f"\n{size:,} social workers in 152 LAs (seeded in {seconds:.1f}s)")
        print(f"LA report for {la.name}: {la.staff} social workers")
        print(f"{'view':<42} {'median':>9} {'p95':>9} {'queries':>8}")
        for label, action in views(client, la, [0]).items():
            runs = options.report_runs if label.startswith("LA report") else options.runs
            median, p95, queries = measure(action, runs)
            counts.setdefault(label, {})[size] = queries
            print(f"{label:<42} {median * 1000:>7.0f}ms {p95 * 1000:>7.0f}ms {queries:>8}")
        for report in LAReport.objects.filter(local_authority=la):
            report.file.delete(save=False)
            report.csv_file.delete(save=False)
            report.delete()

    print("\nQueries per view at each size:")
    same = True
    for label, by_size in counts.items():
        values = " / ".join(f"{by_size[s]}" for s in options.sizes)
        equal = len(set(by_size.values())) == 1
        same &= equal
        print(f"  {label:<42} {values:>10}  {'same' if equal else 'DIFFERENT'}")
    sizes = " and ".join(f"{s:,}" for s in options.sizes)
    verdict = "the same" if same else "NOT the same"
    print(f"\nQuery counts are {verdict} at {sizes} social workers.")


if __name__ == "__main__":
    main()
