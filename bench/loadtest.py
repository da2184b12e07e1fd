"""The load benches' shared harness: a production-like gunicorn on a loopback port, a real
sign-in, and wrk runs interleaved with a floor.

- `Server` runs gunicorn (naas.wsgi) with the production settings (DEBUG off, whitenoise with
  its manifest, sessions read through Redis, persistent database connections), changed only
  where a laptop has to differ: plain HTTP on 127.0.0.1 and a scratch STATIC_ROOT/MEDIA_ROOT.
- `sign_in` posts the sign-in form with its CSRF token (http.client, as a browser would) and
  returns the Cookie header of the signed-in session.
- `compare` runs wrk on our page and on the floor, interleaved, 3 rounds, and takes the median
  of each: the floor is the cheapest signed-in page through the same stack (middleware, session,
  user, base template), the accessibility statement. Interleaving means a noisy neighbour slows
  both, not one.

Everything runs on 127.0.0.1, every run is bounded by a count or a duration, and the server is
stopped (by its own pid) when the bench ends.
"""

import atexit
import http.client
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"
LUA = Path(__file__).resolve().parent / "wrk_percentiles.lua"
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/naas_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
FLOOR_PATH = "/accessibility/"
BENCH_PASSWORD = "Bench-Load-2026-only"  # set by the benches on their own users, never in demos
SCRATCH = Path(tempfile.gettempdir()) / "naas_loadtest"
SETTINGS_MODULE = "naas_loadtest_settings"
STARTUP_SECONDS = 60
ROUNDS = 3

# Production settings, only what cannot hold on 127.0.0.1 over HTTP changed.
SETTINGS_SOURCE = f'''"""Written by bench/loadtest.py: production settings for a local load test."""
from naas.settings.production import *  # noqa: F403

STATIC_ROOT = {str(SCRATCH / "static")!r}
'''


def django_setup(database_url: str | None = None) -> None:
    """Django in this process (the local settings, DEBUG off) on the bench database, to make
    the data and users the benches need."""
    sys.path.insert(0, str(REPO))
    # Stopped with SIGTERM (timeout, kill): unwind, so each bench's `finally` removes what it
    # added and the server is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.stdout.reconfigure(line_buffering=True)  # each figure shows as it is measured
    os.environ.setdefault("DATABASE_URL", database_url or DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naas.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()


def ensure_national(workers: int) -> None:
    """The national dataset, reused if it is already there (seed_national's code), in a
    database migrated first (the bench database may predate the newest migrations)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from reporting import national_data

    call_command("migrate", verbosity=0)
    _check_every_table_exists()
    if national_data.exists():
        return
    print(f"Seeding national data with {workers:,} workers…", flush=True)
    national_data.seed(workers=workers, today=timezone.localdate())
    with connection.cursor() as cursor:
        # VACUUM as well: a table just bulk-loaded has no visibility map, so every index-only
        # scan (a list's count) reads the table too, as no production table autovacuum has
        # visited does.
        cursor.execute("VACUUM ANALYZE")


def _check_every_table_exists() -> None:
    """A migration recorded as applied while it was still an empty placeholder leaves its
    tables missing, and every page using them a 500: say so before measuring anything."""
    from django.apps import apps
    from django.db import connection

    tables = set(connection.introspection.table_names())
    missing = sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.db_table not in tables
    )
    if missing:
        raise SystemExit(
            f"Tables missing in the bench database ({', '.join(missing)}): a migration was "
            "applied before it was written. Drop and recreate the database, then run again."
        )


def give_bench_password(users) -> None:
    """One password hash (the configured hasher) for every bench user: hashing thousands one by
    one would take longer than the bench. Only ever on the bench database."""
    from django.contrib.auth.hashers import make_password

    from naas.models import User

    User.objects.filter(pk__in=[u.pk for u in users]).update(password=make_password(BENCH_PASSWORD))


def _server_env() -> dict:
    SCRATCH.mkdir(exist_ok=True)
    (SCRATCH / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_SOURCE)
    return {
        **os.environ,
        "PYTHONPATH": f"{SCRATCH}{os.pathsep}{REPO}",
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        "MEDIA_ROOT": str(SCRATCH / "media"),
        "SECURE_SSL_REDIRECT": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def _collect_static(env: dict) -> None:
    """collectstatic into the scratch STATIC_ROOT (the manifest production reads), every run:
    a static file added since the last run would otherwise be a 500 (missing manifest entry)."""
    subprocess.run(
        [BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=300,
    )


def media_root() -> Path:
    return SCRATCH / "media"


class Server:
    """gunicorn on 127.0.0.1:`port` with `workers` sync workers, for a `with` block."""

    def __init__(self, port: int, workers: int):
        self.port, self.workers = port, workers
        self.base = f"http://{HOST}:{port}"
        self.process = None

    def __enter__(self):
        env = _server_env()
        _collect_static(env)
        log = open(SCRATCH / f"gunicorn-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            [
                BIN / "gunicorn",
                "naas.wsgi:application",
                f"--workers={self.workers}",
                f"--bind={HOST}:{self.port}",
                "--log-level=warning",
                "--timeout=60",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=log,
        )
        atexit.register(self.__exit__)  # stopped however the bench ends
        self._wait_until_up()
        return self

    def _wait_until_up(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {SCRATCH}/gunicorn-{self.port}.log")
            try:
                if request(self.port, "GET", FLOOR_PATH).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.__exit__()
        raise SystemExit(f"gunicorn did not answer within {STARTUP_SECONDS}s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@dataclass
class Answer:
    status: int
    headers: list
    body: bytes
    seconds: float


def request(port, method, path, *, cookie="", form=None, timeout=30.0) -> Answer:
    """One request on a fresh connection (as wrk's clients do to gunicorn's sync workers)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return Answer(
            response.status, response.getheaders(), content, time.perf_counter() - started
        )
    finally:
        connection.close()


def _cookies(answer: Answer, jar: dict) -> dict:
    for name, value in answer.headers:
        if name.lower() == "set-cookie":
            for morsel in SimpleCookie(value).values():
                jar[morsel.key] = morsel.value
    return jar


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(port: int, email: str, password: str = BENCH_PASSWORD) -> tuple[str, Answer]:
    """Sign in through the real form: GET it (CSRF cookie and token), POST the credentials.
    The Cookie header of the signed-in session, and the POST's answer (timed)."""
    page = request(port, "GET", "/sign-in/")
    jar = _cookies(page, {})
    token = CSRF_FIELD.search(page.body)
    if page.status != 200 or not token:
        raise RuntimeError(f"sign-in page answered {page.status}")
    answer = request(
        port,
        "POST",
        "/sign-in/",
        cookie=cookie_header(jar),
        form={
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": email,
            "password": password,
        },
    )
    _cookies(answer, jar)
    if answer.status != 302:
        raise RuntimeError(f"sign-in answered {answer.status}, not a redirect")
    return cookie_header(jar), answer


def expect_ok(port: int, path: str, cookie: str) -> None:
    answer = request(port, "GET", path, cookie=cookie)
    if answer.status != 200:
        raise SystemExit(f"{path} answered {answer.status} for the bench user, not 200")


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p95_ms: float
    requests: int
    errors: int


def wrk(url: str, cookie: str, *, connections: int, seconds: int, threads: int = 2) -> WrkResult:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout=10s",
        "-s",
        str(LUA),
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    line = next(li for li in output.splitlines() if li.startswith("NAAS_WRK "))
    data = json.loads(line.removeprefix("NAAS_WRK "))
    return WrkResult(
        data["rps"],
        data["p50_ms"],
        data["p95_ms"],
        data["requests"],
        sum(data["errors"].values()),
    )


@dataclass
class Comparison:
    label: str
    ours: WrkResult
    floor: WrkResult
    goal: float

    @property
    def ratio(self) -> float:
        return self.ours.rps / self.floor.rps if self.floor.rps else 0.0

    @property
    def met(self) -> bool:
        return self.ratio >= self.goal and self.ours.errors == 0

    def line(self) -> str:
        return (
            f"{self.label}: ours {self.ours.rps:.1f} req/s (p50 {self.ours.p50_ms:.0f} ms, "
            f"p95 {self.ours.p95_ms:.0f} ms, {self.ours.errors} errors) | floor "
            f"{self.floor.rps:.1f} req/s (p95 {self.floor.p95_ms:.0f} ms) | ratio "
            f"{self.ratio:.2f}× (goal ≥ {self.goal}×: {'met' if self.met else 'NOT met'})"
        )


def _median(results: list[WrkResult]) -> WrkResult:
    return WrkResult(
        statistics.median(r.rps for r in results),
        statistics.median(r.p50_ms for r in results),
        statistics.median(r.p95_ms for r in results),
        sum(r.requests for r in results),
        sum(r.errors for r in results),
    )


def drain(server: Server) -> None:
    """Wait for the requests wrk left queued when it stopped: one request per gunicorn worker
    queues behind them, so the next run does not start on the last one's backlog."""
    for _ in range(server.workers):
        request(server.port, "GET", FLOOR_PATH, timeout=60)


def compare(
    server: Server,
    label: str,
    path: str,
    cookie: str,
    *,
    goal: float,
    connections: int = 16,
    seconds: int = 10,
) -> Comparison:
    """Our page and the floor, interleaved for ROUNDS rounds; the median of each."""
    expect_ok(server.port, path, cookie)
    expect_ok(server.port, FLOOR_PATH, cookie)
    for warm_up in (path, FLOOR_PATH):  # templates compiled, connections open
        wrk(server.base + warm_up, cookie, connections=connections, seconds=2)
        drain(server)
    ours, floor = [], []
    for _ in range(ROUNDS):
        ours.append(wrk(server.base + path, cookie, connections=connections, seconds=seconds))
        drain(server)
        floor.append(
            wrk(server.base + FLOOR_PATH, cookie, connections=connections, seconds=seconds)
        )
        drain(server)
    expect_ok(server.port, path, cookie)  # still signed in: every request above was served
    result = Comparison(label, _median(ours), _median(floor), goal)
    print(result.line(), flush=True)
    return result


def common_arguments(parser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=30_000,
        help="social workers to seed if the national data is not there yet",
    )
    parser.add_argument("--port", type=int, default=8028)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run (-d)")
