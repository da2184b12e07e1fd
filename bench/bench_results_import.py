"""How fast a national results day imports, against the floor PostgreSQL sets.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/naas_bench
    .venv/bin/python bench/bench_results_import.py [--candidates 10000] [--rounds 3]

Builds its own data (an administrator, the demo item bank and practitioner test form, one
national sitting with 10,000 candidates booked against endorsements), writes the test platform's
CSV (10,000 candidates x 30 questions = 300,000 item rows) and reads it once. Then, each round:

- ours: the real `test_results_import` service (whole-file check, scoring, COPY of results,
  responses, area scores and audit events, candidates marked as sat);
- the floor: a bare COPY of the same 300,000 response rows into a table of the same shape
  (the response table's columns, defaults, indexes and foreign keys);

each round inside a savepoint rolled back afterwards, so the rounds interleave on the same data.
It prints each round and the median of the rounds: rows per second for ours and the floor, and
their ratio (the goal is at least 0.6). Foreign keys are checked as rows go in (SET CONSTRAINTS
ALL IMMEDIATE), as a commit would. Everything is rolled back at the end. PostgreSQL only (a
missing database is created and migrated).

Not a test: figures vary with the machine and what else it is doing.
"""

import argparse
import hashlib
import io
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naas.settings.local")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database: the floor is PostgreSQL's COPY")


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


FLOOR_TABLE = "bench_floor_testresponse"


def make_floor_table(cursor) -> None:
    """A table shaped like the response table: columns, defaults, indexes and foreign keys."""
    cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE assessment_testresponse INCLUDING ALL)")
    cursor.execute(
        f"ALTER TABLE {FLOOR_TABLE} "
        "ADD FOREIGN KEY (result_id) REFERENCES assessment_testresult (id), "
        "ADD FOREIGN KEY (item_id) REFERENCES assessment_item (id)"
    )


def stored_rows(cursor, results_import) -> io.StringIO:
    """The response rows ours stored, in COPY's text format (read, not timed)."""
    cursor.execute("ANALYZE assessment_testresult")
    cursor.execute("ANALYZE assessment_testresponse")
    cursor.execute(
        "SELECT min(id), max(id) FROM assessment_testresult WHERE results_import_id = %s",
        [results_import.pk],
    )
    first, last = cursor.fetchone()
    buffer = io.StringIO()
    cursor.copy_expert(
        "COPY (SELECT result_id, item_id, chosen, marks FROM assessment_testresponse "
        f"WHERE result_id BETWEEN {int(first)} AND {int(last)}) TO STDOUT",
        buffer,
    )
    buffer.seek(0)
    return buffer


def one_round(
    admin, sitting, records, candidates: int, file_sha256: str
) -> tuple[float, float, int]:
    """(our seconds, the floor's seconds, our SQL queries) for one import, rolled back."""
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT bench_round")
        with counted_queries() as queries:
            started = time.perf_counter()
            outcome = services.test_results_import(
                sitting=sitting,
                records=records,
                actor=admin,
                file_name="national.csv",
                file_sha256=file_sha256,  # as the upload gives it (hashed when it was stored)
            )
            ours = time.perf_counter() - started
        assert outcome.is_valid, outcome.errors[:5]
        assert outcome.recorded == candidates
        rows = stored_rows(cursor, outcome.results_import)
        assert rows.getvalue().count("\n") == len(records)
        started = time.perf_counter()
        cursor.copy_expert(
            f"COPY {FLOOR_TABLE} (result_id, item_id, chosen, marks) FROM STDIN", rows
        )
        floor = time.perf_counter() - started
        again = services.test_results_import(sitting=sitting, records=records, actor=admin)
        assert again.recorded == 0 and again.unchanged == candidates
        cursor.execute("ROLLBACK TO SAVEPOINT bench_round")
    return ours, floor, queries["queries"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000, help="default 10,000")
    parser.add_argument("--rounds", type=int, default=3, help="default 3")
    arguments = parser.parse_args()
    candidates = arguments.candidates

    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    try:
        with transaction.atomic():
            started = time.perf_counter()
            admin, sitting, form, workers = build_day(candidates)
            raw = results_file(form, workers)
            records = read_results_csv(raw)
            rows = len(records)
            print(
                f"Built {candidates:,} booked candidates and a {len(raw) / 1e6:.1f} MB results "
                f"file of {rows:,} rows in {time.perf_counter() - started:.1f} s"
            )
            with connection.cursor() as cursor:
                # Check foreign keys as each row goes in, not at a commit that never comes.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                make_floor_table(cursor)
                cursor.execute("ANALYZE")
            ours, floors = [], []
            for number in range(1, arguments.rounds + 1):
                our_seconds, floor_seconds, queries = one_round(
                    admin, sitting, records, candidates, hashlib.sha256(raw).hexdigest()
                )
                ours.append(rows / our_seconds)
                floors.append(rows / floor_seconds)
                print(
                    f"Round {number}: ours {ours[-1]:>9,.0f} rows/s ({our_seconds:.2f} s, "
                    f"{queries} SQL queries besides COPY)   floor {floors[-1]:>9,.0f} rows/s "
                    f"({floor_seconds:.2f} s)   ratio {ours[-1] / floors[-1]:.2f}"
                )
            ours_median, floor_median = statistics.median(ours), statistics.median(floors)
            print(
                f"Median of {len(ours)}: ours {ours_median:,.0f} rows/s, floor (COPY) "
                f"{floor_median:,.0f} rows/s, ratio {ours_median / floor_median:.2f} "
                "(goal 0.60 or more)"
            )
            raise Rollback
    except Rollback:
        print("Rolled back: the database is as it was.")


if __name__ == "__main__":
    main()
