import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect

SESSION_KEY = "naas_last_seen"
# The last-seen time is written at most this often. Writing it on every request saved the
# session (a database write) on every page; a minute's precision is plenty for a 30-minute
# timeout. The price: someone idle may be signed out up to a minute before the full timeout,
# never after it.
LAST_SEEN_PRECISION_SECONDS = 60

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIVATE_NO_STORE = "private, no-store"


def idle_for_too_long(last_seen: int | None, now: int) -> bool:
    """The one idle rule: signed out once more than SESSION_IDLE_TIMEOUT_SECONDS have passed
    since the recorded last-seen time (exactly the timeout still counts as active)."""
    return last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS


def last_seen_is_due(last_seen: int | None, now: int) -> bool:
    """Whether this request should record a new last-seen time: the first signed-in request,
    then one a minute at most, so an ordinary page view saves no session."""
    return last_seen is None or now - last_seen >= LAST_SEEN_PRECISION_SECONDS


class IdleTimeoutMiddleware:
    """Signs a user out after a period without requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(SESSION_KEY)
            if idle_for_too_long(last_seen, now):
                logout(request)
                messages.info(request, "You were signed out because you were inactive.")
                return redirect(settings.LOGIN_URL)
            if last_seen_is_due(last_seen, now):
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every page that can show personal data, so no
    shared cache (a proxy, a CDN) keeps it and the browser does not keep it on disk or show it
    again from history on a shared computer after sign-out.

    That is every response to a signed-in user, and every answer to a form (a POST: the public
    check's result, a sign-in form repeating the email address typed). Public pages fetched
    with GET stay cacheable. A view that sets its own Cache-Control (the PDFs, Django's
    never_cache pages) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        # Signed in before or after the view (a sign-in or sign-out changes it midway).
        signed_in = signed_in or request.user.is_authenticated
        if not response.has_header("Cache-Control") and (
            signed_in or request.method not in SAFE_METHODS
        ):
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response


class WebMethodsOnlyMiddleware:
    """The service's pages take GET, HEAD and POST only: anything else answers 405 before a
    view runs. A function view treats every method that is not POST as a GET, so without this a
    PUT or DELETE would be served the page (and a method decorator placed on a helper instead of
    the view would not stop it)."""

    ALLOWED = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)
