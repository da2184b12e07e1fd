"""The health checks: /healthcheck/ asks every dependency and goes red when one stops;
/healthcheck/live/ answers without touching any."""

import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis
from django.test import override_settings

from naas.celery import app as celery_app

CHECKS = ["database", "cache", "broker", "storage", "worker"]
JSON = {"HTTP_ACCEPT": "application/json"}


def _free_port() -> int:
    """A local port below 32768 (higher ones collide with outgoing connections) nobody uses."""
    for port in range(23000 + (time.monotonic_ns() // 1000) % 4000, 32000):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


class PrivateRedis:
    """A Redis server of this test's own, so stopping it touches nobody else's."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        probe = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        while True:
            try:
                probe.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("the private redis-server did not start")
                time.sleep(0.05)
        probe.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    yield server
    server.stop()


@contextmanager
def broker_at(url: str):
    """The Celery app's broker is `url` (tasks still run eagerly), then back as it was."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_write_url")}
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = url
    celery_app._pool = None
    try:
        yield
    finally:
        for key, value in saved.items():
            celery_app.conf[key] = value
        celery_app._pool = None


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.django_db
def test_stopping_redis_turns_the_health_check_red(client, private_redis):
    # given the cache and the Celery broker in a Redis of our own
    with override_settings(CACHES=redis_cache(private_redis.url)), broker_at(private_redis.url):
        # when it is up, every check is named and working
        green = client.get("/healthcheck/", **JSON)
        assert green.status_code == 200
        assert green.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}
        # when Redis stops
        private_redis.stop()
        red = client.get("/healthcheck/", **JSON)
    # then the page is red and names the checks that failed
    assert red.status_code == 503
    assert red.json() == {
        "status": "failing",
        "checks": {
            "database": "ok",
            "cache": "failing",
            "broker": "failing",
            "storage": "ok",
            "worker": "ok",
        },
    }
    assert red["Cache-Control"].count("no-store") == 1


@pytest.mark.django_db
def test_the_page_and_the_text_name_every_check(client):
    page = client.get("/healthcheck/")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    for name in CHECKS:
        assert f">{name.capitalize()}</dt>" in html
    assert html.count("govuk-tag--green") == len(CHECKS)

    text = client.get("/healthcheck/?format=text")
    assert text.content.decode().splitlines() == [f"{name}: ok" for name in CHECKS]


@pytest.mark.django_db
def test_a_failing_check_says_so_without_its_address(client, private_redis):
    # given the broker at a Redis that has stopped
    private_redis.stop()
    with broker_at(private_redis.url):
        red = client.get("/healthcheck/")
    # then the page says the broker is failing, but not where it is
    assert red.status_code == 503
    html = red.content.decode()
    assert "At least one check is failing" in html
    assert html.count("govuk-tag--red") == 1
    assert str(private_redis.port) not in html
    assert "127.0.0.1" not in html


@pytest.mark.django_db
def test_with_no_worker_running_the_worker_check_fails(client, settings):
    # given tasks that go through the broker, and no worker
    settings.NAAS_HEALTH_WORKER_TIMEOUT_SECONDS = 0.3
    celery_app.conf.task_always_eager = False
    try:
        response = client.get("/healthcheck/?format=json")
    finally:
        celery_app.conf.task_always_eager = True
    # then only the worker check fails
    assert response.status_code == 503
    assert response.json()["checks"] == {**dict.fromkeys(CHECKS, "ok"), "worker": "failing"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_a_real_worker_every_check_is_green(client, real_celery_worker, settings):
    settings.NAAS_HEALTH_WORKER_TIMEOUT_SECONDS = 2
    response = client.get("/healthcheck/?format=json")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}


@pytest.mark.django_db
def test_liveness_answers_ok_and_asks_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthcheck/live/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_liveness_answers_while_redis_and_the_database_are_away(client, private_redis):
    # no database access is allowed in this test at all; the cache and broker are stopped
    private_redis.stop()
    with override_settings(CACHES=redis_cache(private_redis.url)), broker_at(private_redis.url):
        response = client.get("/healthcheck/live/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_health_pages_take_only_get_and_head(client):
    assert client.post("/healthcheck/").status_code == 405
    assert client.post("/healthcheck/live/").status_code == 405
    assert client.head("/healthcheck/live/").status_code == 200
