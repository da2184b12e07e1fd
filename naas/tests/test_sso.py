"""Single sign-on through a real OpenID Connect provider (oidc-provider on loopback): staff by
verified email, social workers by verified email and registration number, and sign-out."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from naas.audit import NaasAction
from naas.models import AuditEvent, OidcIdentity, Role
from naas.sso.views import SIGNED_IN_KEY
from naas.tests.factories import TEST_PASSWORD, SocialWorkerFactory, UserFactory, staff_user
from tests.conftest_oidc import oidc_provider  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

STAFF_START = "/sso/dfe-sign-in/"
WORKER_START = "/sso/gov-uk-one-login/"
TESTSERVER = "http://testserver"


def through_provider(client, provider, start: str, account: str):
    """Start at our start page, sign in at the provider as `account`, and come back: the
    response of our callback."""
    started = client.get(start)
    assert started.status_code == 302
    assert started["Cache-Control"] == "private, no-store"
    back = provider.sign_in(started["Location"], account, stop_at=TESTSERVER)
    return client.get(back.removeprefix(TESTSERVER))


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def staff_member():
    return staff_user(Role.ADMINISTRATOR, email="dana.staff@example.gov.uk")


@pytest.fixture
def worker():
    return SocialWorkerFactory(user__email="sam.worker@example.org", registration_number="SW4321")


# The sign-in page ---------------------------------------------------------------------------


def test_the_sign_in_page_offers_only_the_configured_providers(client, settings):
    # given no provider configured
    page = client.get(reverse("login")).content.decode()
    # then there are no provider buttons, only the password form
    assert "Sign in with DfE Sign-in" not in page
    assert 'name="password"' in page
    # when only DfE Sign-in is enabled
    settings.NAAS_OIDC_PROVIDERS = {
        "staff": {"ENABLED": True, "ISSUER": "https://example.invalid", "CLIENT_ID": "naas"},
        "worker": {"ENABLED": False, "ISSUER": "https://example.invalid", "CLIENT_ID": "naas"},
    }
    page = client.get(reverse("login")).content.decode()
    # then its button is shown, and GOV.UK One Login's is not (its start page is not found)
    assert f'href="{STAFF_START}"' in page
    assert "Sign in with DfE Sign-in" in page
    assert "Sign in with GOV.UK One Login" not in page
    assert client.get(WORKER_START).status_code == 404


def test_local_passwords_can_be_switched_off(client, settings, oidc_provider):  # noqa: F811
    # given passwords switched off
    settings.NAAS_LOCAL_PASSWORDS_ENABLED = False
    user = staff_user(Role.DFE)
    # then the page has the providers' buttons and no password form
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with DfE Sign-in" in page
    assert "Sign in with GOV.UK One Login" in page
    assert 'name="password"' not in page
    # and a posted password is refused, even the right one
    response = client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "This service does not take passwords" in response.content.decode()
    assert signed_in_user_id(client) is None


# Staff --------------------------------------------------------------------------------------


def test_staff_sign_in_end_to_end(client, oidc_provider, staff_member):  # noqa: F811
    # given an administrator whose DfE Sign-in email matches (in another case)
    # when they sign in with DfE Sign-in
    response = through_provider(client, oidc_provider, STAFF_START, "staff-sub")
    # then they are signed in as themselves and sent home
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(staff_member.pk)
    assert client.get(reverse("home"))["Location"] == reverse("assessment:admin_home")
    # and the DfE Sign-in account is linked to them, with the link and sign-in audited by id
    identity = OidcIdentity.objects.get(provider="staff", subject="staff-sub")
    assert identity.user == staff_member
    actions = list(AuditEvent.objects.filter(actor=staff_member).values_list("action", "detail"))
    assert actions == [
        (NaasAction.SSO_IDENTITY_LINKED.value, {"provider": "staff", "user": staff_member.pk}),
        (NaasAction.SSO_SIGNED_IN.value, {"provider": "staff"}),
    ]


def test_a_linked_staff_member_signs_in_by_the_pair_even_after_an_email_change(
    client,
    oidc_provider,  # noqa: F811
    staff_member,
):
    # given a staff member who has signed in with DfE Sign-in once
    through_provider(client, oidc_provider, STAFF_START, "staff-sub")
    client.logout()
    # when their email here changes and they sign in again
    staff_member.email = "dana.new@example.gov.uk"
    staff_member.save(update_fields=["email"])
    through_provider(client, oidc_provider, STAFF_START, "staff-sub")
    # then the (provider, subject) pair still signs them in, without a second link
    assert signed_in_user_id(client) == str(staff_member.pk)
    assert OidcIdentity.objects.count() == 1


def test_staff_sign_in_never_creates_an_account_or_a_role(client, oidc_provider):  # noqa: F811
    # given no account with the provider's email, and a social worker-only account with it
    SocialWorkerFactory(user__email="dana.staff@example.gov.uk")
    users = UserFactory._meta.model.objects.count()
    # when they sign in with DfE Sign-in
    response = through_provider(client, oidc_provider, STAFF_START, "staff-sub")
    # then they are refused: no staff account, nothing made or linked
    assert response.status_code == 403
    assert "You do not have an account for this service" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert UserFactory._meta.model.objects.count() == users
    assert not OidcIdentity.objects.exists()


def test_an_inactive_staff_account_is_refused(client, oidc_provider, staff_member):  # noqa: F811
    staff_member.is_active = False
    staff_member.save(update_fields=["is_active"])
    response = through_provider(client, oidc_provider, STAFF_START, "staff-sub")
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


# Social workers -----------------------------------------------------------------------------


def test_worker_links_with_verified_email_and_registration_number(
    client,
    oidc_provider,  # noqa: F811
    worker,
):
    # given a social worker signing in with GOV.UK One Login for the first time
    response = through_provider(client, oidc_provider, WORKER_START, "worker-sub")
    # then they are asked for their registration number, not signed in on their email alone
    assert response["Location"] == reverse("sso:registration_number")
    assert signed_in_user_id(client) is None
    page = client.get(reverse("sso:registration_number"))
    assert "Enter your registration number" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    # when they give someone else's number
    other = SocialWorkerFactory(registration_number="SW9999")
    wrong = client.post(reverse("sso:registration_number"), {"registration_number": "SW9999"})
    # then it does not match their record, and nothing is linked
    assert wrong.status_code == 400
    assert "Enter the registration number that your employer gave" in wrong.content.decode()
    assert wrong.content.decode().count("govuk-error-summary") >= 1
    assert not OidcIdentity.objects.exists()
    assert other.user_id != worker.user_id
    # when they give their own (in lower case, with a space)
    right = client.post(reverse("sso:registration_number"), {"registration_number": "sw 4321"})
    # then they are signed in and linked
    assert right.status_code == 302
    assert signed_in_user_id(client) == str(worker.user_id)
    assert OidcIdentity.objects.get(provider="worker").user_id == worker.user_id
    assert client.get(reverse("home"))["Location"] == reverse("endorsement:my_endorsement")
    # and afterwards GOV.UK One Login alone signs them in
    client.logout()
    again = through_provider(client, oidc_provider, WORKER_START, "worker-sub")
    assert again["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(worker.user_id)
    assert (
        AuditEvent.objects.filter(action=NaasAction.SSO_SIGNED_IN, actor=worker.user).count() == 2
    )


def test_a_badly_formed_registration_number_gets_a_govuk_error(
    client,
    oidc_provider,  # noqa: F811
    worker,
):
    through_provider(client, oidc_provider, WORKER_START, "worker-sub")
    empty = client.post(reverse("sso:registration_number"), {"registration_number": ""})
    assert "Enter your Social Work England registration number" in empty.content.decode()
    bad = client.post(reverse("sso:registration_number"), {"registration_number": "4321"})
    assert "Enter a Social Work England registration number, like SW123" in bad.content.decode()
    assert bad.status_code == 400


def test_guessing_registration_numbers_stops_after_five_tries(
    client,
    oidc_provider,  # noqa: F811
    worker,
):
    through_provider(client, oidc_provider, WORKER_START, "worker-sub")
    for number in range(1, 5):
        client.post(reverse("sso:registration_number"), {"registration_number": f"SW{number}"})
    last = client.post(reverse("sso:registration_number"), {"registration_number": "SW5"})
    assert last.status_code == 403
    assert "We could not match your details" in last.content.decode()
    # the right number now is too late: the sign-in must start again
    late = client.post(reverse("sso:registration_number"), {"registration_number": "SW4321"})
    assert "Your sign-in has expired" in late.content.decode()
    assert not OidcIdentity.objects.exists()


def test_an_unverified_email_is_refused_with_a_clear_page(
    client,
    oidc_provider,  # noqa: F811
    worker,
):
    # given GOV.UK One Login says it has not verified the email
    response = through_provider(client, oidc_provider, WORKER_START, "unverified-sub")
    # then a GOV.UK page says so, and the number page is not offered
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your email address has not been confirmed" in page
    assert "govuk-heading-l" in page
    assert signed_in_user_id(client) is None
    assert (
        "Your sign-in has expired"
        in client.get(reverse("sso:registration_number")).content.decode()
    )


# State and sign-out -------------------------------------------------------------------------


def test_a_callback_with_a_state_that_is_not_ours_is_refused(client, oidc_provider, staff_member):  # noqa: F811
    # given a sign-in started here
    started = client.get(STAFF_START)
    back = oidc_provider.sign_in(started["Location"], "staff-sub", stop_at=TESTSERVER)
    query = parse_qs(urlsplit(back).query)
    # when the callback comes back with another state (a forged or replayed response)
    forged = client.get(
        reverse("sso:callback_staff"), {"code": query["code"][0], "state": "not-our-state"}
    )
    # then it is refused and nobody is signed in
    assert forged.status_code == 400
    assert "Your sign-in has expired" in forged.content.decode()
    assert signed_in_user_id(client) is None
    # and the real callback, once, still works; its replay does not
    assert client.get(back.removeprefix(TESTSERVER)).status_code == 302
    client.logout()
    assert client.get(back.removeprefix(TESTSERVER)).status_code == 400


def test_sign_out_ends_our_session_and_the_providers(client, oidc_provider, staff_member):  # noqa: F811
    # given a staff member signed in with DfE Sign-in
    through_provider(client, oidc_provider, STAFF_START, "staff-sub")
    assert client.session[SIGNED_IN_KEY]["provider"] == "staff"
    assert oidc_provider.has_session(client.get(STAFF_START)["Location"])
    # when they sign out
    response = client.post(reverse("logout"))
    # then our session is over and they are sent to the provider's end-session endpoint
    assert signed_in_user_id(client) is None
    location = response["Location"]
    assert location.startswith(oidc_provider.issuer + "/session/end?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/sign-in/"]
    assert query["client_id"] == ["naas-staff"]
    # with the ID token as a hint, as it names nobody (only the provider's subject id)
    (hint,) = query["id_token_hint"]
    payload = hint.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["sub"] == "staff-sub"
    assert "email" not in claims
    # and once they confirm there, the provider ends its session and sends them back here
    assert oidc_provider.sign_out(location) == "http://testserver/sign-in/"
    started = client.get(STAFF_START)
    assert urlsplit(started["Location"]).netloc == urlsplit(oidc_provider.issuer).netloc
    assert not oidc_provider.has_session(started["Location"])


def test_signing_out_after_a_password_sign_in_stays_here(client, oidc_provider):  # noqa: F811
    client.force_login(staff_user(Role.DFE))
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_pages_let_forms_go_on_to_the_configured_providers_only(client, settings, oidc_provider):  # noqa: F811
    # given the local provider configured: the sign-out form's redirect may go to it
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    form_action = next(part for part in policy.split("; ") if part.startswith("form-action"))
    assert form_action == f"form-action 'self' {oidc_provider.issuer}"
    # and with no provider configured, forms stay on the service
    settings.NAAS_OIDC_PROVIDERS = {}
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "form-action 'self';" in policy + ";"
