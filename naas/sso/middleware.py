"""The sign-in and sign-out pages are Django's own views (naas/urls.py); this wraps them for
single sign-on without changing them:

- with NAAS_LOCAL_PASSWORDS_ENABLED off, a password posted to the sign-in page is refused
  (the page itself shows only the providers' buttons);
- signing out of a session that a provider started ends ours as before, then sends the browser
  to the provider's end_session_endpoint (when it publishes one) to end theirs, and back to
  our sign-in page. The pages' Content-Security-Policy lets forms go to the configured
  providers (form-action also covers a form's redirect: the sign-out button's).

It sits inside django-csp's middleware, so that its CSP addition is seen."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from . import providers, tokens
from .views import SIGNED_IN_KEY, refused


class SignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._respond(request)
        origins = _provider_origins()
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response

    def _respond(self, request):
        if request.method != "POST":
            return self.get_response(request)
        if request.path_info == reverse("login") and not settings.NAAS_LOCAL_PASSWORDS_ENABLED:
            return refused(request, "passwords_off")
        if request.path_info != reverse("logout") or not request.user.is_authenticated:
            return self.get_response(request)
        signed_in = request.session.get(SIGNED_IN_KEY)
        response = self.get_response(request)
        if signed_in and response.status_code == 302 and not request.user.is_authenticated:
            provider = providers.find(signed_in["provider"])
            after = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
            url = provider and tokens.end_session_url(
                provider, id_token=signed_in["hint"], after=after
            )
            if url:
                response["Location"] = url
        return response


def _provider_origins() -> list[str]:
    origins = []
    for provider in providers.configured():
        parts = urlsplit(provider.issuer)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))
