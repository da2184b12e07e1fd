"""Each client's own request budget (NAAS_API_RATE, for example "600/minute")."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .permissions import client_of


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_rate(self) -> str:
        return settings.NAAS_API_RATE

    def get_cache_key(self, request, view):
        client = client_of(request)
        if client is None:
            return None  # refused by authentication anyway
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
