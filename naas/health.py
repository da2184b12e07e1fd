"""Health checks for operators and the load balancer.

/healthcheck/live/ says only that this process answers: it touches nothing (no database, no
cache, no session), so a slow dependency never makes the load balancer kill healthy web
containers. /healthcheck/ asks every dependency in turn, through django-health-check: the
database, the cache (Redis in production), the Celery broker (Redis), file storage, and a
Celery worker (a ping with a short timeout, NAAS_HEALTH_WORKER_TIMEOUT_SECONDS). It answers
200 when all of them are well and 503 naming the failing ones otherwise, as JSON for machines
(`Accept: application/json` or `?format=json`), plain text (`?format=text`) or a GOV.UK page.

The page is public: it names each check and whether it works, never an address, a host name or
an error's text (those are logged, with the request id, for whoever reads the logs)."""

import asyncio
import dataclasses
import datetime

from celery import Celery
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check import checks as package_checks
from health_check.base import HealthCheck
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from .celery import app as celery_app

HEALTHY = "ok"
UNHEALTHY_STATUS = 503


class Named:
    """A check reported under a short, fixed name (its repr), not its settings."""

    name = ""

    def __repr__(self) -> str:
        return self.name


@dataclasses.dataclass(repr=False)
class DatabaseCheck(Named, package_checks.Database):
    name = "database"


@dataclasses.dataclass(repr=False)
class CacheCheck(Named, package_checks.Cache):
    name = "cache"


@dataclasses.dataclass(repr=False)
class StorageCheck(Named, package_checks.Storage):
    name = "storage"


@dataclasses.dataclass(repr=False)
class BrokerCheck(Named, HealthCheck):
    """The Celery broker the web process sends tasks to answers (Redis: a PING)."""

    name = "broker"
    app: Celery = dataclasses.field(default_factory=lambda: celery_app)
    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=2))

    def run(self):
        try:
            with self.app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=0, timeout=self.timeout.total_seconds())
                client = getattr(connection.default_channel, "client", None)
                if client is not None:  # Redis: a connection pool connects only when used
                    client.ping()
        except Exception as error:  # kombu and redis raise many kinds; all mean "not reachable"
            raise ServiceUnavailable("The broker did not answer") from error


@dataclasses.dataclass(repr=False)
class WorkerCheck(Named, Ping):
    """At least one Celery worker answers a ping and consumes the default queue. With eager
    tasks (the local demo, most tests) there are no workers: tasks run in the web process."""

    name = "worker"

    def run(self):
        if self.app.conf.task_always_eager:
            return
        super().run()


def configured_checks() -> list:
    worker_timeout = datetime.timedelta(seconds=settings.NAAS_HEALTH_WORKER_TIMEOUT_SECONDS)
    return [
        DatabaseCheck,
        CacheCheck,
        (BrokerCheck, {"app": celery_app}),
        StorageCheck,
        (WorkerCheck, {"app": celery_app, "timeout": worker_timeout}),
    ]


class HealthView(HealthCheckView):
    """django-health-check's view, with the service's own checks, status code and pages."""

    template_name = "naas/health.html"
    http_method_names = ["get", "head"]

    @property
    def checks(self):
        return configured_checks()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        report = {repr(r.check): HEALTHY if r.error is None else "failing" for r in self.results}
        healthy = all(state == HEALTHY for state in report.values())
        status = 200 if healthy else UNHEALTHY_STATUS
        wanted = request.GET.get("format") or _preferred(request.headers.get("Accept", ""))
        if wanted == "json":
            body = {"status": HEALTHY if healthy else "failing", "checks": report}
            return JsonResponse(body, status=status)
        if wanted == "text":
            lines = "".join(f"{name}: {state}\n" for name, state in report.items())
            return HttpResponse(lines, status=status, content_type="text/plain; charset=utf-8")
        # The page is told which checks work; it never compares states itself.
        working = {name: state == HEALTHY for name, state in report.items()}
        context = {"checks": working, "healthy": healthy}
        return self.render_to_response(context, status=status)


def _preferred(accept: str) -> str:
    if "application/json" in accept:
        return "json"
    if accept.startswith("text/plain"):
        return "text"
    return "html"


health = HealthView.as_view()


@never_cache
@require_safe
def live(request):
    """This process answers; nothing else is asked."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


# Included at /healthcheck/ by naas/urls.py.
urlpatterns = [
    path("", health, name="healthcheck"),
    path("live/", live, name="healthcheck_live"),
]
