"""The client's address behind a proxy: one function (naas.client_ip) for axes' lockout and the
public check's rate limit, honouring X-Forwarded-For only as far as our own proxies vouch."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from naas.client_ip import client_ip
from naas.models import Role
from naas.tests.factories import TEST_PASSWORD, staff_user

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the TLS proxy in front of the app: REMOTE_ADDR for everyone behind it
ALICE, BOB = "203.0.113.7", "203.0.113.8"  # two clients behind that proxy


def request_from(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# The function -------------------------------------------------------------------------------


def test_axes_and_the_settings_use_this_one_function():
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "naas.client_ip.client_ip"
    assert django_settings.NAAS_TRUSTED_PROXY_COUNT == 0  # the default: no proxy
    assert django_settings.NAAS_TRUSTED_PROXY_IPS == []


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.NAAS_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from(ALICE, forwarded="198.51.100.1")) == ALICE
    assert client_ip(request_from(ALICE)) == ALICE


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        # one proxy: it appended the client it saw
        (1, ALICE, ALICE),
        # the client sent its own header; the proxy appended the real address after it
        (1, f"198.51.100.1, {ALICE}", ALICE),
        (1, f"198.51.100.1, 198.51.100.2, {ALICE}", ALICE),
        # two proxies: the outer one's address is in the header, the client is left of it
        (2, f"198.51.100.1, {ALICE}, 10.0.0.4", ALICE),
        # fewer hops than trusted proxies: the header is not what our proxies write
        (2, ALICE, PROXY),
        # the hop our proxy wrote is not an address
        (1, "unknown", PROXY),
        (1, "", PROXY),
        # ports and IPv6, as proxies write them
        (1, f"{ALICE}:4711", ALICE),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        # tricks in the client's part (an unclosed quote) cannot move the hops we trust
        (1, f'198.51.100.1, 198.51.100.2, ", {ALICE}', ALICE),
    ],
)
def test_trusted_proxies_are_counted_from_the_right(settings, count, forwarded, expected):
    settings.NAAS_TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from(PROXY, forwarded=forwarded)) == expected


def test_no_header_behind_a_trusted_proxy_means_the_peer(settings):
    settings.NAAS_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(ALICE)) == ALICE


def test_named_proxies_are_trusted_only_when_the_request_came_through_them(settings):
    settings.NAAS_TRUSTED_PROXY_COUNT = 1
    settings.NAAS_TRUSTED_PROXY_IPS = ["10.0.0.0/24"]
    # through the proxy: the header is honoured
    assert client_ip(request_from(PROXY, forwarded=ALICE)) == ALICE
    # straight to the app from elsewhere: the header is the client's own claim, ignored
    assert client_ip(request_from("198.51.100.9", forwarded=ALICE)) == "198.51.100.9"


# The lockout --------------------------------------------------------------------------------

SIGN_IN = "/sign-in/"


def sign_in(client, email, password=TEST_PASSWORD, **meta):
    return client.post(SIGN_IN, {"username": email, "password": password}, **meta)


def guess_ten_times(client, user, remote_addr, forwarded) -> list[int]:
    """Ten wrong passwords for `user` from `client`, the nth with X-Forwarded-For
    `forwarded(n)`: the answers' status codes."""
    return [
        sign_in(
            client,
            user.email,
            password="wrong",
            REMOTE_ADDR=remote_addr,
            HTTP_X_FORWARDED_FOR=forwarded(n),
        ).status_code
        for n in range(10)
    ]


def locked_out_addresses() -> set[str]:
    return set(AccessAttempt.objects.values_list("ip_address", flat=True))


def test_a_spoofed_header_from_an_untrusted_client_does_not_escape_the_lockout(settings):
    # given no trusted proxy, and someone guessing a password with a new header every time
    settings.NAAS_TRUSTED_PROXY_COUNT = 0
    user = staff_user(Role.DFE)
    client = Client()
    statuses = guess_ten_times(client, user, ALICE, lambda n: f"198.51.100.{n}")
    # then the lockout still keys on REMOTE_ADDR: the tenth failure locks them out
    assert statuses == [200] * 9 + [429]
    response = sign_in(client, user.email, REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429
    assert locked_out_addresses() == {ALICE}


def test_behind_a_trusted_proxy_one_clients_lockout_does_not_lock_another(settings):
    # given one proxy in front of the app, and a user locked out from Alice's address
    settings.NAAS_TRUSTED_PROXY_COUNT = 1
    user = staff_user(Role.DFE)
    alice = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    statuses = [sign_in(alice, user.email, password="wrong").status_code for _ in range(10)]
    assert statuses[-1] == 429
    assert sign_in(alice, user.email).status_code == 429
    assert locked_out_addresses() == {ALICE}
    # when the same user signs in from Bob's address, behind the same proxy
    bob = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB)
    response = sign_in(bob, user.email)
    # then they get in
    assert response.status_code == 302
    assert bob.session["_auth_user_id"] == str(user.pk)


def test_behind_a_trusted_proxy_the_lockout_keys_on_the_hop_the_proxy_wrote(settings):
    # given one proxy, and a client that puts a new address of its own in front every time
    settings.NAAS_TRUSTED_PROXY_COUNT = 1
    user = staff_user(Role.DFE)
    statuses = guess_ten_times(Client(), user, PROXY, lambda n: f"198.51.100.{n}, {ALICE}")
    # then they are still locked out: the lockout uses the hop the proxy appended
    assert statuses == [200] * 9 + [429]
    assert locked_out_addresses() == {ALICE}


# The public check's rate limit --------------------------------------------------------------

CHECK = {"registration_number": "SW1", "reference": "ACC-AAAA-BBBB"}


@pytest.fixture
def limit_of_three(settings):
    cache.clear()
    settings.NAAS_PUBLIC_CHECK_LIMIT = 3
    yield reverse("feedback:check_accreditation")
    cache.clear()


def test_a_spoofed_header_from_an_untrusted_client_does_not_escape_the_rate_limit(
    settings, limit_of_three
):
    settings.NAAS_TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR=ALICE)
    statuses = [
        client.post(limit_of_three, CHECK, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_two_clients_are_limited_separately(settings, limit_of_three):
    settings.NAAS_TRUSTED_PROXY_COUNT = 1
    alice = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    bob = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB)
    assert [alice.post(limit_of_three, CHECK).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert bob.post(limit_of_three, CHECK).status_code == 200


def test_behind_a_trusted_proxy_the_rate_limit_uses_the_hop_the_proxy_wrote(
    settings, limit_of_three
):
    # given two proxies, and a client adding a new address of its own every time
    settings.NAAS_TRUSTED_PROXY_COUNT = 2
    client = Client(REMOTE_ADDR=PROXY)
    statuses = [
        client.post(
            limit_of_three, CHECK, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {ALICE}, 10.0.0.4"
        ).status_code
        for n in range(4)
    ]
    # then its checks all count against its own address
    assert statuses == [200, 200, 200, 429]
    # and the address written by the outer proxy for another client is a different count
    other = client.post(limit_of_three, CHECK, HTTP_X_FORWARDED_FOR=f"{BOB}, 10.0.0.4")
    assert other.status_code == 200
