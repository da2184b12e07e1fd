"""The rate limit of the public checks (the accreditation check page, the partner API's check, which
shares its budget, and the credential check), so none can be used to guess references or hammer
the service."""

from django.conf import settings
from django.core.cache import cache

from naas.client_ip import client_ip


def public_check_allowed(request, *, scope: str = "accreditation-check") -> bool:
    """At most NAAS_PUBLIC_CHECK_LIMIT checks per address in NAAS_PUBLIC_CHECK_WINDOW_SECONDS,
    counted per page (`scope`). The address (the client's, behind our trusted proxies:
    naas.client_ip) is only a cache key: it is neither stored in the database nor logged."""
    key = f"{scope}:" + (client_ip(request) or "unknown")
    window = settings.NAAS_PUBLIC_CHECK_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= settings.NAAS_PUBLIC_CHECK_LIMIT
