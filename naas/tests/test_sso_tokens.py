"""The ID token is believed only when its signature (against the provider's JWKS), issuer,
audience, expiry and nonce are right: each fault, in a token a stand-in provider returns from
its token endpoint, is refused at our callback and signs nobody in."""

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from joserfc.jwk import OctKey, RSAKey

from naas.models import AuditEvent, OidcIdentity, Role
from naas.tests.factories import staff_user
from tests.oidc_standin import StandIn

pytestmark = pytest.mark.django_db

CLIENT_ID = "naas-staff"
SECRET = "staff-client-secret"
REFUSED = "We could not confirm who you are"


@pytest.fixture
def standin(settings):
    with StandIn() as server:
        settings.NAAS_OIDC_PROVIDERS = {
            "staff": {
                "ENABLED": True,
                "ISSUER": server.issuer,
                "CLIENT_ID": CLIENT_ID,
                "CLIENT_SECRET": SECRET,
                "SCOPES": ["openid", "email"],
            }
        }
        cache.clear()
        yield server


@pytest.fixture
def staff_member():
    return staff_user(Role.DFE, email="dana.staff@example.gov.uk")


def started(client) -> dict:
    """Start a DfE Sign-in sign-in: the authorize URL's parameters."""
    response = client.get(reverse("sso:start_staff"))
    assert response.status_code == 302
    return {
        key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()
    }


def good_claims(standin, request: dict, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": standin.issuer,
        "aud": CLIENT_ID,
        "sub": "dana-sub",
        "iat": now,
        "exp": now + 300,
        "nonce": request["nonce"],
        "email": "dana.staff@example.gov.uk",
        "email_verified": True,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def come_back(client, standin, request: dict, id_token: str, **query):
    standin.id_token = id_token
    standin.userinfo = {"sub": "dana-sub"}
    params = {"code": "a-code", "state": request["state"], **query}
    return client.get(reverse("sso:callback_staff"), params)


def assert_refused(client, response):
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert client.session.get("_auth_user_id") is None
    assert not OidcIdentity.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_good_token_signs_in_and_the_code_is_exchanged_with_pkce(client, standin, staff_member):
    # given a sign-in started here
    request = started(client)
    assert request["code_challenge_method"] == "S256"
    assert request["redirect_uri"] == "http://testserver/sso/dfe-sign-in/callback/"
    # when the provider's token endpoint returns a properly signed token for us
    response = come_back(client, standin, request, standin.sign(good_claims(standin, request)))
    # then they are signed in
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_member.pk)
    # and the code was exchanged with our client's credentials and the PKCE verifier
    (sent,) = standin.token_requests
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert sent["authorization"] == f"Basic {expected}"
    digest = hashlib.sha256(sent["form"]["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == request["code_challenge"]
    assert sent["form"]["code"] == "a-code"


def test_a_tampered_token_is_refused(client, standin, staff_member):
    # given a properly signed token for someone else's email...
    request = started(client)
    token = standin.sign(good_claims(standin, request, email="someone.else@example.gov.uk"))
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    # ...whose payload was changed to this staff member's email, keeping the signature
    claims["email"] = "dana.staff@example.gov.uk"
    changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = come_back(client, standin, request, f"{header}.{changed}.{signature}")
    # then the signature does not match and nobody is signed in
    assert_refused(client, response)


def test_a_token_signed_with_another_key_is_refused(client, standin, staff_member):
    request = started(client)
    forger = RSAKey.generate_key(2048, parameters={"kid": standin.key.kid})
    assert_refused(
        client,
        come_back(client, standin, request, standin.sign(good_claims(standin, request), forger)),
    )


def test_a_token_signed_with_the_client_secret_is_refused(client, standin, staff_member):
    # HMAC with the shared secret: anyone holding the secret could make one
    request = started(client)
    token = standin.sign(good_claims(standin, request), OctKey.import_key(SECRET * 2), "HS256")
    assert_refused(client, come_back(client, standin, request, token))


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "another-client"},
        {"aud": ["another-client", "a-third"]},
        {"aud": [CLIENT_ID, "another-client"]},  # several audiences and no azp of ours
        {"iss": "https://another-provider.example"},
        {"nonce": "not-the-nonce-we-sent"},
        {"nonce": None},
        {"exp": "an hour ago"},
        {"sub": None},
    ],
    ids=[
        "wrong audience",
        "no audience of ours",
        "no azp",
        "issuer",
        "nonce",
        "no nonce",
        "exp",
        "sub",
    ],
)
def test_a_token_with_a_wrong_claim_is_refused(client, standin, staff_member, changes):
    request = started(client)
    claims = good_claims(standin, request, **changes)
    if "exp" in changes:  # an hour before the (frozen) now
        claims["exp"] = int(time.time()) - 3600
        claims["iat"] = claims["exp"] - 300
    assert_refused(client, come_back(client, standin, request, standin.sign(claims)))


def test_a_response_from_another_issuer_is_refused(client, standin, staff_member):
    # RFC 9207: the authorization response names who sent it
    request = started(client)
    token = standin.sign(good_claims(standin, request))
    response = come_back(client, standin, request, token, iss="https://mix-up.example")
    assert_refused(client, response)
    assert standin.token_requests == []  # the code was never sent anywhere


def test_a_callback_with_a_bad_state_is_refused_before_the_code_is_used(
    client, standin, staff_member
):
    request = started(client)
    token = standin.sign(good_claims(standin, request))
    standin.id_token = token
    response = client.get(reverse("sso:callback_staff"), {"code": "a-code", "state": "forged"})
    assert response.status_code == 400
    assert "Your sign-in has expired" in response.content.decode()
    assert standin.token_requests == []
    assert client.session.get("_auth_user_id") is None


def test_userinfo_about_another_subject_is_refused(client, standin, staff_member):
    request = started(client)
    standin.id_token = standin.sign(good_claims(standin, request))
    standin.userinfo = {"sub": "someone-else", "email": "dana.staff@example.gov.uk"}
    response = client.get(
        reverse("sso:callback_staff"), {"code": "a-code", "state": request["state"]}
    )
    assert_refused(client, response)


def test_a_sign_in_cancelled_at_the_provider_says_so(client, standin, staff_member):
    request = started(client)
    response = client.get(
        reverse("sso:callback_staff"), {"error": "access_denied", "state": request["state"]}
    )
    assert response.status_code == 400
    assert "You did not finish signing in" in response.content.decode()
    assert standin.token_requests == []


def test_a_provider_that_cannot_be_reached_gets_a_problem_page(client, settings):
    # given DfE Sign-in configured at an address where nothing listens
    with StandIn() as server:
        closed = server.issuer
    settings.NAAS_OIDC_PROVIDERS = {
        "staff": {
            "ENABLED": True,
            "ISSUER": closed,
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": SECRET,
        }
    }
    cache.clear()
    # when someone starts signing in with it
    response = client.get(reverse("sso:start_staff"))
    # then they are told, and nothing was kept
    assert response.status_code == 502
    assert "Sorry, there is a problem with signing in" in response.content.decode()
    assert "naas.sso.pending" not in client.session


def test_a_provider_without_a_client_id_is_not_offered(client, settings):
    settings.NAAS_OIDC_PROVIDERS = {
        "staff": {"ENABLED": True, "ISSUER": "https://example.invalid", "CLIENT_ID": ""}
    }
    assert client.get(reverse("sso:start_staff")).status_code == 404
    assert "Sign in with DfE Sign-in" not in client.get(reverse("login")).content.decode()


def test_an_id_token_that_names_the_person_is_never_put_in_the_sign_out_url(
    client, standin, staff_member
):
    # given a staff member signed in with an ID token holding their email
    request = started(client)
    come_back(client, standin, request, standin.sign(good_claims(standin, request)))
    # when they sign out
    response = client.post(reverse("logout"))
    # then they go to the provider's end-session endpoint without the token
    location = response["Location"]
    assert location.startswith(standin.issuer + "/logout?")
    assert "id_token_hint" not in parse_qs(urlsplit(location).query)
    assert "dana" not in location
