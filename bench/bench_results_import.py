"""How fast a national results day imports: 10,000 candidates x 30 questions = 300,000 rows.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/naas_bench
    .venv/bin/python bench/bench_results_import.py [--candidates 10000]

Builds its own data (an administrator, the demo item bank and practitioner test form, one
national sitting with every candidate booked against an endorsement), writes the test
platform's CSV, and imports it through the same path as the upload page: `read_results_csv`
then the `test_results_import` service (whole-file check, scoring, bulk inserts, audit events).
Then it imports the same file again, which must change nothing. It prints rows per second and
the number of SQL queries each step issued. Everything is rolled back at the end, so the
database is left as it was (it is migrated first if needed; a missing PostgreSQL database is
created). Without DATABASE_URL it uses a throwaway SQLite file.

Not a test: figures vary with the machine.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naas.settings.local")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"


def _ensure_postgres_database() -> None:
    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if not config["ENGINE"].endswith("postgresql"):
        return
    import psycopg2

    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    try:
        psycopg2.connect(dbname=config["NAME"], **params).close()
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        admin = psycopg2.connect(dbname="postgres", **params)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
        admin.close()


_ensure_postgres_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessment import services  # noqa: E402
from assessment.demo import ensure_item_bank, ensure_test_forms  # noqa: E402
from assessment.models import (  # noqa: E402
    OPTION_LETTERS,
    AssessmentCentre,
    Attempt,
    AttemptArea,
    Sitting,
    Slot,
    TestResponse,
    TestResult,
)
from assessment.results_csv import read_results_csv  # noqa: E402
from endorsement.models import Endorsement, EndorsementState  # noqa: E402
from naas.models import (  # noqa: E402
    KSSFramework,
    Level,
    LocalAuthority,
    Phase,
    Region,
    Role,
    SocialWorker,
    StaffRole,
    User,
)


class Rollback(Exception):
    """Raised to undo everything the benchmark made."""


@contextmanager
def counted_queries():
    """Count every statement sent to the database (without keeping their text)."""
    count = {"queries": 0}

    def wrapper(execute, sql, params, many, context):
        count["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def build_day(candidates: int):
    """An administrator, the item bank and forms, and `candidates` workers booked on one sitting
    (made in bulk: the benchmark measures the import, not the booking)."""
    admin = User.objects.create_user(email="bench-admin@bench.naas.test", full_name="Bench Admin")
    StaffRole.objects.create(user=admin, role=Role.ADMINISTRATOR)
    ensure_item_bank(admin)
    form = ensure_test_forms(admin)[Level.PRACTITIONER]
    phase = Phase.objects.first() or Phase.objects.create(code="national", starts_on="2020-04-01")
    la = LocalAuthority.objects.create(
        name="Benchmark Borough",
        ons_code="E09999999",
        region=Region.LONDON,
        ofsted_grade="good",
        phase=phase,
    )
    supervisor = User.objects.create_user(email="bench-sup@bench.naas.test", full_name="Sup")
    users = User.objects.bulk_create(
        User(email=f"bench{n}@bench.naas.test", full_name=f"Candidate {n}", password="!")
        for n in range(candidates)
    )
    workers = SocialWorker.objects.bulk_create(
        SocialWorker(
            user=user,
            registration_number=f"SW{800000 + n}",
            local_authority=la,
            employed_since="2020-01-01",
            supervisor=supervisor,
        )
        for n, user in enumerate(users)
    )
    now = timezone.now()
    endorsements = Endorsement.objects.bulk_create(
        Endorsement(
            worker=worker,
            level=Level.PRACTITIONER,
            state=EndorsementState.ENDORSED,
            supervisor=supervisor,
            endorsed_at=now,
            used_at=now,
        )
        for worker in workers
    )
    centre = AssessmentCentre.objects.create(
        name="National results day", address="Everywhere", region=Region.LONDON
    )
    sitting = Sitting.objects.create(
        centre=centre, date=timezone.localdate(), slot=Slot.MORNING, capacity=candidates
    )
    framework = KSSFramework.objects.get(level=Level.PRACTITIONER, is_current=True)
    attempts = Attempt.objects.bulk_create(
        Attempt(
            worker=worker,
            level=Level.PRACTITIONER,
            framework=framework,
            endorsement=endorsement,
            sitting=sitting,
            booked_by=worker.user,
        )
        for worker, endorsement in zip(workers, endorsements, strict=True)
    )
    areas = list(framework.areas.all())
    AttemptArea.objects.bulk_create(
        (AttemptArea(attempt=attempt, area=area) for attempt in attempts for area in areas),
        batch_size=5000,
    )
    return admin, sitting, form, workers


def results_file(form, workers) -> bytes:
    """The test platform's CSV: every candidate answers every question, mostly correctly."""
    rng = random.Random(30000)
    items = [link.item for link in form.form_items.select_related("item").order_by("position")]
    lines = ["registration_number,test_form,item,options_chosen"]
    for worker in workers:
        accuracy = rng.uniform(0.4, 0.95)
        for item in items:
            if rng.random() < accuracy:
                chosen = item.correct_options
            else:
                pool = OPTION_LETTERS[: item.option_count]
                chosen = "".join(sorted(rng.sample(pool, len(item.correct_options))))
            lines.append(f"{worker.registration_number},{form.code},{item.code},{';'.join(chosen)}")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000, help="default 10,000")
    candidates = parser.parse_args().candidates

    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    try:
        with transaction.atomic():
            started = time.perf_counter()
            admin, sitting, form, workers = build_day(candidates)
            raw = results_file(form, workers)
            print(
                f"Built {candidates:,} booked candidates and a {len(raw) / 1e6:.1f} MB results "
                f"file in {time.perf_counter() - started:.1f} s"
            )

            if connection.vendor == "postgresql":
                # Check foreign keys as each row goes in, not at a commit that never comes
                # (everything is rolled back), so their cost is in the figures.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

            started = time.perf_counter()
            records = read_results_csv(raw)
            read_seconds = time.perf_counter() - started
            rows = len(records)

            with counted_queries() as first:
                started = time.perf_counter()
                outcome = services.test_results_import(
                    sitting=sitting, records=records, actor=admin, file_name="national.csv"
                )
                import_seconds = time.perf_counter() - started
            assert outcome.is_valid, outcome.errors[:5]
            assert outcome.recorded == candidates

            with counted_queries() as second:
                started = time.perf_counter()
                again = services.test_results_import(
                    sitting=sitting, records=records, actor=admin, file_name="national.csv"
                )
                again_seconds = time.perf_counter() - started
            assert again.recorded == 0 and again.unchanged == candidates

            stored = TestResponse.objects.filter(result__attempt__sitting=sitting).count()
            assert stored == rows, (stored, rows)
            assert TestResult.objects.filter(attempt__sitting=sitting).count() == candidates

            print(f"Rows: {rows:,} ({candidates:,} candidates x {rows // candidates} questions)")
            print(
                f"Read and parse the CSV:    {read_seconds:6.2f} s  {rows / read_seconds:>10,.0f} rows/s"
            )
            print(
                f"Check, score and store:    {import_seconds:6.2f} s  "
                f"{rows / import_seconds:>10,.0f} rows/s  {first['queries']} SQL queries"
            )
            total = read_seconds + import_seconds
            print(f"Upload to stored, overall: {total:6.2f} s  {rows / total:>10,.0f} rows/s")
            print(
                f"Same file again (no change): {again_seconds:4.2f} s  "
                f"{rows / again_seconds:>10,.0f} rows/s  {second['queries']} SQL queries"
            )
            raise Rollback
    except Rollback:
        print("Rolled back: the database is as it was.")


if __name__ == "__main__":
    main()
