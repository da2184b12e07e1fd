"""The client's address, the one place that decides it.

Behind the TLS proxy that production assumes, `REMOTE_ADDR` is the proxy: every visitor would
share one address, so one person's failed sign-ins would lock out everyone with the same email
address, and the public check's rate limit would be shared by the whole country. A proxy tells
us who it was talking to by appending that address to `X-Forwarded-For`. Anything to the left of
what our own proxies appended was written by the client and can say anything, so we trust only
the hops our proxies added, counted from the right:

    client --> proxy A --> proxy B --> the app
    X-Forwarded-For: <whatever the client sent>, <client>, <proxy A>    REMOTE_ADDR: <proxy B>

With NAAS_TRUSTED_PROXY_COUNT = 2 the client is the third hop from the right of
"X-Forwarded-For, REMOTE_ADDR". With 0 (the default: no proxy) the header is ignored entirely,
so a spoofed header changes nothing. NAAS_TRUSTED_PROXY_IPS, when set, names the proxies
(addresses or networks, outermost first, one per hop): the header is then honoured only when
the trusted hops really are those proxies, so a client that reaches the app without passing
through them cannot choose its own address.

django-axes (AXES_CLIENT_IP_CALLABLE), the public check's rate limit and anything that logs an
address all call `client_ip`. The address is a key for limits and lockouts only: the service
never logs it or shows it.
"""

from functools import lru_cache

from django.conf import settings
from python_ipware import IpWare

FORWARDED_HEADER = "HTTP_X_FORWARDED_FOR"


@lru_cache(maxsize=8)
def _resolver(proxy_count: int, proxy_ips: tuple[str, ...]) -> IpWare:
    # python-ipware parses the chain (ports, brackets, IPv6, IPv4-mapped addresses) and picks the
    # hop `proxy_count` places from the right; with a proxy list, it also checks those hops.
    return IpWare(
        precedence=(FORWARDED_HEADER,),
        proxy_count=proxy_count,
        proxy_list=list(proxy_ips) or None,
    )


def client_ip(request) -> str:
    """The address of the client that sent `request`, as far as our own proxies vouch for it."""
    remote_addr = request.META.get("REMOTE_ADDR", "") or ""
    proxy_count = settings.NAAS_TRUSTED_PROXY_COUNT
    forwarded = request.META.get(FORWARDED_HEADER) or ""
    if proxy_count < 1 or not forwarded.strip() or not remote_addr:
        return remote_addr
    # The nearest proxy is REMOTE_ADDR itself: put it at the end, so the chain holds every hop
    # and "the Nth from the right" counts our proxies exactly. Only the hops our proxies wrote
    # go any further: a client's part of the header never reaches the parser, so no trick in
    # it (an unclosed quote, a missing comma) can shift the hops we trust.
    hops = [*forwarded.split(","), remote_addr]
    if len(hops) < proxy_count + 1:
        return remote_addr
    trusted_tail = ",".join(hops[-(proxy_count + 1) :])
    resolver = _resolver(proxy_count, tuple(settings.NAAS_TRUSTED_PROXY_IPS))
    address, _trusted = resolver.get_client_ip({FORWARDED_HEADER: trusted_tail}, strict=True)
    # A hop that is not an address, or proxies that are not the ones we named: the header is
    # not what our proxies write, so fall back to the peer we can see.
    return str(address) if address is not None else remote_addr
