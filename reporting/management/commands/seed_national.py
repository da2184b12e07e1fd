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
        parser.add_argument(
            "--endorsed-share",
            type=float,
            default=None,
            help="share of workers put forward in every phase, instead of the phases' own "
            "(e.g. 1 for many assessments from few workers, as the statistics tests need)",
        )

    def handle(self, *args, workers, reset, seed, endorsed_share, **options):
        if not 1 <= workers <= 799_999:
            raise CommandError("--workers must be from 1 to 799999")
        if endorsed_share is not None and not 0 <= endorsed_share <= 1:
            raise CommandError("--endorsed-share must be from 0 to 1")
        started = time.perf_counter()
        if national_data.exists():
            if not reset:
                self.stdout.write(
                    "National data is already there: nothing to do (use --reset to make it again)."
                )
                return
            national_data.reset()
            self.stdout.write("Removed the earlier national data.")
        summary = national_data.seed(
            workers=workers,
            today=timezone.localdate(),
            seed_value=seed,
            endorsed_share=endorsed_share,
        )
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
                f"{summary.outcomes:,} outcomes, {summary.test_results:,} test results; "
                f"{summary.accredited:,} accredited "
                f"({share:.1f}%) in {seconds:.1f}s."
            )
        )
