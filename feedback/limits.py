"""The public accreditation check's rate limit, shared by its page and the partner API's check,
so the two give a guesser the same budget."""

from django.conf import settings
from django.core.cache import cache

from naas.client_ip import client_ip


def public_check_allowed(request) -> bool:
    """At most NAAS_PUBLIC_CHECK_LIMIT checks per address in NAAS_PUBLIC_CHECK_WINDOW_SECONDS,
    so the check cannot be used to guess references. The address (the client's, behind our
    trusted proxies: naas.client_ip) is only a cache key: it is neither stored in the database
    nor logged."""
    key = "accreditation-check:" + (client_ip(request) or "unknown")
    window = settings.NAAS_PUBLIC_CHECK_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= settings.NAAS_PUBLIC_CHECK_LIMIT
