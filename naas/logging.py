"""Structured logs: one JSON object a line (LOG_FORMAT=json, production's default) or readable
lines (LOG_FORMAT=console, the local demo's), from structlog and from the standard library alike.

Every line of a request carries its request id: the incoming X-Request-ID when it is well
formed (REQUEST_ID_PATTERN), a new one otherwise; it is sent back in the response's
X-Request-ID and travels with every Celery task the request sends, so a worker's lines say which
request asked for the work. A signed-in request's lines carry the user's id, never their email
address or name. No line carries a query string (it can hold a name someone searched for), a
token from a URL (a set-password link), a client's address or user agent, and an email address
that reaches a message anyway is replaced by EMAIL_REPLACEMENT.

The settings name the formatters here ("()": "naas.logging.json_formatter"), so the logging
configuration that Django applies at start-up, in the web process and in a worker alike, also
configures structlog."""

import logging
import re
import uuid

import structlog
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.dispatch import receiver
from django.urls import Resolver404, resolve
from django_structlog import signals as request_signals
from django_structlog.middlewares import RequestMiddleware

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits, ".", "_", ":" and "-", 8 to 128 of them (a UUID, a proxy's hex id): anything
# else (an email address, a very long string) is replaced by a new id rather than logged.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,128}")
EMAIL_PATTERN = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
EMAIL_REPLACEMENT = "[email removed]"
# What of the log context a task takes with it, in a message header of this name.
CARRIED_CONTEXT = ("request_id", "user_id")
TASK_HEADER = "naas_log_context"


def well_formed_request_id(value: str | None) -> bool:
    return bool(value) and REQUEST_ID_PATTERN.fullmatch(value) is not None


def _without_emails(value):
    if isinstance(value, str):
        return EMAIL_PATTERN.sub(EMAIL_REPLACEMENT, value)
    if isinstance(value, dict):
        return {key: _without_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_emails(item) for item in value]
    return value


def remove_emails(logger, method_name, event_dict):
    """structlog processor: no email address in any value of a line (a last line of defence:
    code should log ids in the first place)."""
    return {key: _without_emails(value) for key, value in event_dict.items()}


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        remove_emails,
    ]


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def _formatter(renderer) -> structlog.stdlib.ProcessorFormatter:
    configure_structlog()
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )


def json_formatter() -> logging.Formatter:
    return _formatter(structlog.processors.JSONRenderer(sort_keys=True))


def console_formatter() -> logging.Formatter:
    return _formatter(structlog.dev.ConsoleRenderer(colors=False))


# --- Requests ------------------------------------------------------------------------------------


def loggable_path(request) -> str:
    """The path without its query string, and with any text from the URL (a token, a slug)
    replaced by its name: /password/set/<uidb64>/<token>/. Numeric ids stay."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return path
    for name, value in match.kwargs.items():
        if isinstance(value, str) and value:
            path = path.replace(f"/{value}/", f"/<{name}>/").replace(f"/{value}", f"/<{name}>")
    return path


class RequestLogMiddleware(RequestMiddleware):
    """django-structlog's request logging (request_started, request_finished, request_failed,
    with the request id and user id bound for every line in between), with the path made safe."""

    @staticmethod
    def format_request(request) -> str:
        return f"{request.method} {loggable_path(request)}"

    def prepare(self, request) -> None:
        structlog.contextvars.clear_contextvars()  # nothing of an earlier request's
        super().prepare(request)

    def handle_response(self, request, response) -> None:
        # django-structlog forgets the context here, but Django logs a 4xx or 5xx answer
        # ("Not Found", "Internal Server Error") only after the middleware: keep it for that
        # line. The next request on this thread starts afresh (prepare, above).
        context = structlog.contextvars.get_contextvars()
        super().handle_response(request, response)
        structlog.contextvars.bind_contextvars(**context)


@receiver(request_signals.bind_extra_request_metadata, sender=RequestLogMiddleware)
def _bind_request_id(request, log_kwargs, **kwargs):
    incoming = request.headers.get(REQUEST_ID_HEADER)
    request_id = incoming if well_formed_request_id(incoming) else str(uuid.uuid4())
    structlog.contextvars.bind_contextvars(request_id=request_id)
    log_kwargs.pop("user_agent", None)


def _answer_with_request_id(response) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        response[REQUEST_ID_HEADER] = request_id


@receiver(request_signals.bind_extra_request_finished_metadata, sender=RequestLogMiddleware)
def _finished(response, **kwargs):
    _answer_with_request_id(response)


@receiver(request_signals.update_failure_response, sender=RequestLogMiddleware)
def _failed(response, **kwargs):
    _answer_with_request_id(response)


# --- Celery tasks --------------------------------------------------------------------------------


@before_task_publish.connect
def _carry_context_into_task(headers=None, **kwargs):
    context = structlog.contextvars.get_contextvars()
    carried = {key: context[key] for key in CARRIED_CONTEXT if context.get(key) is not None}
    if headers is not None and carried:
        headers[TASK_HEADER] = carried


@task_prerun.connect
def _bind_task_context(task_id=None, task=None, **kwargs):
    if task is None or task.request.is_eager:
        return  # an eager task runs inside the request and keeps its context
    structlog.contextvars.clear_contextvars()
    carried = getattr(task.request, TASK_HEADER, None) or {}
    structlog.contextvars.bind_contextvars(
        task_id=task_id,
        task=task.name,
        **{key: carried[key] for key in CARRIED_CONTEXT if key in carried},
    )


@task_postrun.connect
def _forget_task_context(task=None, **kwargs):
    if task is not None and not task.request.is_eager:
        structlog.contextvars.clear_contextvars()
