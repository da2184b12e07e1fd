"""A stand-in for GOV.UK Notify's API on 127.0.0.1: an HTTP server in a thread that checks each
request's JWT the way Notify does (HS256 with the API key's secret, iss = the service id, iat
within 30 seconds), records what it was sent, and answers as it is told: 201 (accepted), a
status code with Notify's error body, or a timeout (it holds the request past the client's
timeout)."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

from naas.notify.kinds import KINDS

SERVICE_ID = "6f5c2b0e-2a51-4a8e-9f7e-1d2c3b4a5e6f"
SECRET = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
API_KEY = f"naas_test-{SERVICE_ID}-{SECRET}"
CALLBACK_TOKEN = "callback-token-for-tests-only"
TIMEOUT_SECONDS = 0.5
TEMPLATES = {
    kind: str(uuid.uuid5(uuid.NAMESPACE_URL, f"naas-test-template/{kind}")) for kind in KINDS
}
TIMEOUT = "timeout"


def _token_problem(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token:
        return "no bearer token"
    try:
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            return "not HS256"
        claims = jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            options={"require": ["iss", "iat"], "verify_iat": False},
        )
    except jwt.PyJWTError as error:
        return f"bad token: {error}"
    if claims["iss"] != SERVICE_ID:
        return "wrong iss"
    if abs(time.time() - claims["iat"]) > 30:
        return "stale iat"
    return None


class NotifyStandIn:
    def __init__(self):
        self.requests: list[dict] = []  # every request: method, path, body, token problem
        self.answers: list = []  # what to answer next, one each (then 201 for ever)
        self.statuses: dict[str, str] = {}  # notify id -> status, for GET
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _record(self, body):
                problem = _token_problem(self.headers.get("Authorization", ""))
                with stand_in._lock:
                    stand_in.requests.append(
                        {"method": self.command, "path": self.path, "body": body, "auth": problem}
                    )
                    answer = stand_in.answers.pop(0) if stand_in.answers else 201
                return problem, answer

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                problem, answer = self._record(body)
                if problem:
                    return self._error(403, "AuthError", f"Invalid token: {problem}")
                if answer == TIMEOUT:
                    time.sleep(TIMEOUT_SECONDS * 3)
                    return None
                if answer != 201:
                    return self._error(
                        answer,
                        "BadRequestError" if answer < 500 else "Error",
                        {
                            400: "Template not found",
                        }.get(answer, "Internal server error"),
                    )
                notify_id = str(uuid.uuid4())
                with stand_in._lock:
                    stand_in.statuses[notify_id] = "sending"
                return self._reply(
                    201,
                    {
                        "id": notify_id,
                        "reference": body.get("reference"),
                        "template": {"id": body.get("template_id"), "version": 1},
                        "content": {"subject": "Subject", "body": "Body"},
                    },
                )

            def do_GET(self):
                problem, _ = self._record(None)
                if problem:
                    return self._error(403, "AuthError", f"Invalid token: {problem}")
                notify_id = self.path.rstrip("/").rsplit("/", 1)[-1]
                status = stand_in.statuses.get(notify_id)
                if status is None:
                    return self._error(404, "NoResultFound", "No result found")
                return self._reply(200, {"id": notify_id, "status": status})

            def _error(self, status: int, error: str, message: str) -> None:
                self._reply(
                    status,
                    {"status_code": status, "errors": [{"error": error, "message": message}]},
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, *answers) -> None:
        """The next requests' answers in order (201, a status code, or TIMEOUT)."""
        with self._lock:
            self.answers.extend(answers)

    @property
    def emails(self) -> list[dict]:
        """The bodies of the emails it was asked to send, with a valid token."""
        return [
            r["body"]
            for r in self.requests
            if r["method"] == "POST" and r["path"] == "/v2/notifications/email" and not r["auth"]
        ]

    def configure(self, settings) -> None:
        """Point the service at this stand-in (pytest-django's `settings`)."""
        settings.NAAS_EMAIL_DELIVERY = "notify"
        settings.NAAS_NOTIFY_API_KEY = API_KEY
        settings.NAAS_NOTIFY_BASE_URL = self.url
        settings.NAAS_NOTIFY_TIMEOUT_SECONDS = TIMEOUT_SECONDS
        settings.NAAS_NOTIFY_TEMPLATES = dict(TEMPLATES)
        settings.NAAS_NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
        settings.NAAS_NOTIFY_RETRY_BACKOFF_SECONDS = 0
