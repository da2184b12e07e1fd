import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from reporting import national_data


class Command(BaseCommand):
    help = (
        "Create a national-scale dataset (about 152 LAs, 30,000 social workers and their "
        "endorsements, attempts and outcomes) for benchmarks and demos."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers", type=int, default=30_000, help="social workers (default 30000)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="remove earlier seeded national data first"
        )
        parser.add_argument("--seed", type=int, default=2022, help="random seed")

    def handle(self, *args, workers, reset, seed, **options):
        if not 1 <= workers <= 799_999:
            raise CommandError("--workers must be from 1 to 799999")
        started = time.perf_counter()
        if national_data.exists():
            if not reset:
                self.stdout.write(
                    "National data is already there: nothing to do (use --reset to make it again)."
                )
                return
            national_data.reset()
            self.stdout.write("Removed the earlier national data.")
        summary = national_data.seed(workers=workers, today=timezone.localdate(), seed_value=seed)
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner knows the tables' real sizes (bulk inserts
            # leave them stale until autovacuum gets round to it).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        share = 100 * summary.accredited / summary.workers if summary.workers else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {summary.local_authorities} LAs, {summary.workers:,} social workers, "
                f"{summary.endorsements:,} endorsements, {summary.attempts:,} attempts, "
                f"{summary.outcomes:,} outcomes; {summary.accredited:,} accredited "
                f"({share:.1f}%) in {seconds:.1f}s."
            )
        )
