"""Results day: many different workers sign in, open their results and download their letter.

    .venv/bin/python bench/bench_results_day.py [--paced 150] [--burst 100] [--per-hour 5000]

Uses (or first seeds) the national data in DATABASE_URL (default the naas_bench database).
seed_national gives its workers unusable passwords (nobody signs in as seeded staff), so the
bench gives the workers it uses the bench password (one hash of the configured hasher, shared),
and each of their published outcomes a ready letter (one small shared PDF); both letters and
nothing else are removed at the end. gunicorn runs on 127.0.0.1:8028 with the production
settings and --gunicorn-workers (default 2, one per core).

1. The hashers: how long one password check takes with the configured hasher and Django's
   built-in alternatives. The floor is the sign-ins per second the cores could do if checking
   the password were all a sign-in cost.
2. Paced: distinct workers arrive at --per-hour (default 5,000 an hour), each signing in
   through the form, opening their results and downloading the letter: p50/p95 of each step
   and errors. Goal: sign-in p95 under 1 s.
3. Flat out: --burst more workers, two at a time per gunicorn worker: sign-ins per second,
   the hour's capacity (goal: at least --per-hour) and its ratio to the floor.
Not a test: figures vary with the machine.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtest

LETTER_NAME = "documents/bench-results-day-letter.pdf"
P95_GOAL_SECONDS = 1.0
CORES = os.cpu_count() or 1


def hasher_times() -> dict[str, float]:
    """Seconds per password check: the configured hasher, OWASP's PBKDF2 minimum, scrypt."""
    from django.contrib.auth.hashers import (
        PBKDF2PasswordHasher,
        ScryptPasswordHasher,
        get_hasher,
    )

    class OwaspMinimumPBKDF2(PBKDF2PasswordHasher):
        iterations = 600_000

    configured = get_hasher()
    candidates = {
        f"configured: {configured.algorithm}, "
        f"{getattr(configured, 'iterations', '')} iterations": configured,
        "pbkdf2_sha256, 600,000 iterations (OWASP minimum)": OwaspMinimumPBKDF2(),
        "scrypt, Django's N=2^14 (under OWASP's N=2^17)": ScryptPasswordHasher(),
    }
    times = {}
    for label, hasher in candidates.items():
        encoded = hasher.encode(loadtest.BENCH_PASSWORD, hasher.salt())
        started = time.perf_counter()
        for _ in range(3):
            hasher.verify(loadtest.BENCH_PASSWORD, encoded)
        times[label] = (time.perf_counter() - started) / 3
    return times


def write_letter_file() -> None:
    from weasyprint import HTML

    path = loadtest.media_root() / LETTER_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(HTML(string="<h1>Your assessment result</h1><p>Bench.</p>").write_pdf())


def remove_bench_letters() -> None:
    from feedback.models import Letter

    Letter.objects.filter(file=LETTER_NAME).delete()


def workers_with_letters(count: int) -> list[tuple[str, int]]:
    """(email, letter id) of `count` workers with a current published outcome and no letter,
    each outcome given a ready bench letter."""
    from django.utils import timezone

    from assessment.models import Outcome
    from feedback.models import Letter
    from naas.models import DocumentState, User

    outcomes = list(
        Outcome.objects.filter(
            published_at__isnull=False, superseded_at__isnull=True, letter__isnull=True
        )
        .select_related("attempt__worker__user")
        .order_by("attempt__worker_id")
        .distinct("attempt__worker_id")[:count]
    )
    now = timezone.now()
    letters = Letter.objects.bulk_create(
        Letter(outcome=o, state=DocumentState.READY, file=LETTER_NAME, completed_at=now)
        for o in outcomes
    )
    users = [o.attempt.worker.user for o in outcomes]
    loadtest.give_bench_password(users)
    assert all(isinstance(u, User) for u in users)
    return [(u.email, letter.pk) for u, letter in zip(users, letters, strict=True)]


def journey(port: int, email: str, letter_id: int) -> dict:
    """Sign in, open the results page, download the letter: seconds of each, or the error."""
    try:
        cookie, posted = loadtest.sign_in(port, email)
        page = loadtest.request(port, "GET", "/results/", cookie=cookie)
        letter = loadtest.request(
            port, "GET", f"/results/letters/{letter_id}/download/", cookie=cookie
        )
        if page.status != 200 or letter.status != 200 or not letter.body.startswith(b"%PDF"):
            return {"error": f"results {page.status}, letter {letter.status}"}
        return {"sign_in": posted.seconds, "results": page.seconds, "letter": letter.seconds}
    except (OSError, RuntimeError) as error:
        return {"error": str(error)}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def summarise(label: str, outcomes: list[dict], elapsed: float) -> tuple[float, float]:
    done = [o for o in outcomes if "error" not in o]
    errors = [o["error"] for o in outcomes if "error" in o]
    rate = len(done) / elapsed if elapsed else 0.0
    print(
        f"{label}: {len(done)} journeys in {elapsed:.1f}s, {rate:.2f} sign-ins/s, "
        f"{len(errors)} errors{' (' + errors[0] + ')' if errors else ''}"
    )
    for step in ("sign_in", "results", "letter"):
        times = [o[step] for o in done]
        if times:
            print(
                f"  {step.replace('_', '-')}: p50 {statistics.median(times) * 1000:.0f} ms, "
                f"p95 {p95(times) * 1000:.0f} ms"
            )
    return rate, p95([o["sign_in"] for o in done]) if done else float("inf")


def paced(port: int, people: list, per_hour: int) -> tuple[list[dict], float]:
    """Arrivals every 3600/per_hour seconds, each on its own thread (bounded by `people`)."""
    gap = 3600 / per_hour
    results, lock = [], threading.Lock()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for n, (email, letter_id) in enumerate(people):
            time.sleep(max(0.0, started + n * gap - time.perf_counter()))
            pool.submit(lambda e=email, i=letter_id: _keep(results, lock, journey(port, e, i)))
    return results, time.perf_counter() - started


def flat_out(port: int, people: list, concurrency: int) -> tuple[list[dict], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda p: journey(port, *p), people))
    return results, time.perf_counter() - started


def _keep(results, lock, outcome):
    with lock:
        results.append(outcome)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workers",
        type=int,
        default=30_000,
        help="social workers to seed if the national data is not there yet",
    )
    parser.add_argument("--port", type=int, default=8028)
    parser.add_argument("--gunicorn-workers", type=int, default=CORES)
    parser.add_argument("--paced", type=int, default=150, help="workers arriving at the rate")
    parser.add_argument("--burst", type=int, default=100, help="workers signing in flat out")
    parser.add_argument("--per-hour", type=int, default=5000, help="the rate to serve")
    args = parser.parse_args()
    loadtest.django_setup()
    loadtest.ensure_national(args.workers)

    times = hasher_times()
    for label, seconds in times.items():
        print(
            f"hasher {label}: {seconds * 1000:.0f} ms a check, at most "
            f"{CORES / seconds:.1f} sign-ins/s on {CORES} cores"
        )
    floor = CORES / next(iter(times.values()))

    remove_bench_letters()
    write_letter_file()
    try:
        people = workers_with_letters(args.paced + args.burst)
        if len(people) < args.paced + args.burst:
            raise SystemExit(f"only {len(people)} workers with a published outcome")
        with loadtest.Server(args.port, args.gunicorn_workers) as server:
            journey(server.port, *people[-1])  # warm up (that worker is not counted)
            outcomes, elapsed = paced(server.port, people[: args.paced], args.per_hour)
            _, paced_p95 = summarise(f"paced at {args.per_hour:,}/hour", outcomes, elapsed)
            outcomes, elapsed = flat_out(
                server.port, people[args.paced : -1], 2 * args.gunicorn_workers
            )
            rate, _ = summarise(
                f"flat out, {2 * args.gunicorn_workers} at a time", outcomes, elapsed
            )
    finally:
        remove_bench_letters()
    per_hour = rate * 3600
    print(
        f"results day: ours {rate:.2f} sign-ins/s ({per_hour:,.0f}/hour) | floor "
        f"{floor:.2f} sign-ins/s (password checks alone) | ratio {rate / floor:.2f}×"
    )
    met = paced_p95 < P95_GOAL_SECONDS and per_hour >= args.per_hour
    print(
        f"goal {args.per_hour:,} sign-ins an hour with sign-in p95 < {P95_GOAL_SECONDS:.0f} s "
        f"on {args.gunicorn_workers} gunicorn workers: {'met' if met else 'NOT met'}"
    )
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
