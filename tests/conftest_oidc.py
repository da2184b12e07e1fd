"""A real OpenID Connect provider (npm oidc-provider, tests/oidc_provider.js) on a loopback
port for the sign-in tests, configured as both of the service's providers, and a helper that
signs in through it as one of its accounts the way a browser would (following its redirects
with its cookies).

Test modules import the fixtures they use: `from tests.conftest_oidc import oidc_provider`."""

import json
import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.core.cache import cache

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "oidc_provider.js"
CLIENTS = {
    "staff": ("naas-staff", "staff-client-secret", "/sso/dfe-sign-in/callback/"),
    "worker": ("naas-worker", "worker-client-secret", "/sso/gov-uk-one-login/callback/"),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LocalProvider:
    issuer: str
    process: subprocess.Popen
    # The browser's cookies at the provider: its session lasts across sign-ins, like a browser's.
    browser: requests.Session = field(default_factory=requests.Session)

    def sign_in(self, authorize_url: str, account: str, stop_at: str) -> str:
        """Follow the provider from its authorize URL, sign in as `account`, and return the
        URL it sends the browser back to (the first one starting with `stop_at`)."""
        browser = self.browser
        url, method, data = authorize_url, "GET", None
        for _ in range(10):
            response = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url, method, data = urljoin(url, response.headers["Location"]), "GET", None
                if url.startswith(stop_at):
                    return url
                continue
            assert response.status_code == 200, response.text
            assert urlsplit(url).path.startswith("/interaction/"), url
            method, data = "POST", {"account": account}
        raise AssertionError("the provider never sent the browser back")

    def sign_out(self, end_session_url: str) -> str:
        """Confirm signing out at the provider (its page's "Yes, sign me out" form) and return
        where it sends the browser back to."""
        page = self.browser.get(end_session_url, timeout=10)
        assert "Yes, sign me out" in page.text, page.text
        action = re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        done = self.browser.post(
            urljoin(end_session_url, action),
            data={**fields, "logout": "yes"},
            allow_redirects=False,
            timeout=10,
        )
        assert done.is_redirect, done.text
        return done.headers["Location"]

    def has_session(self, authorize_url: str) -> bool:
        """Whether the provider would send this browser straight back, without asking it to
        sign in (it has a session there)."""
        url = authorize_url
        for _ in range(10):
            response = self.browser.get(url, allow_redirects=False, timeout=10)
            if not response.is_redirect:
                return False
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(self.issuer):
                return True
        raise AssertionError("the provider kept redirecting")


def start_provider(tmp_path, accounts: dict, bases: list[str]) -> LocalProvider:
    port = free_port()
    config = {
        "clients": [
            {
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uris": [base + callback for base in bases],
                "post_logout_redirect_uris": [base + "/sign-in/" for base in bases],
            }
            for client_id, secret, callback in CLIENTS.values()
        ],
        "accounts": accounts,
    }
    config_file = tmp_path / f"oidc-{port}.json"
    config_file.write_text(json.dumps(config))
    env = {**os.environ, "OIDC_TEST_NOW_MS": str(int(time.time() * 1000))}
    process = subprocess.Popen(
        ["node", "--no-warnings", str(SCRIPT), str(port), str(config_file)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            found = requests.get(issuer + "/.well-known/openid-configuration", timeout=2)
            if found.status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the local OpenID Connect provider did not start (is node installed?)")
        time.sleep(0.1)
    return LocalProvider(issuer=issuer, process=process)


def configure(settings, issuer: str) -> None:
    """Both of the service's providers are the local one (with their own clients)."""
    settings.NAAS_OIDC_PROVIDERS = {
        key: {
            "ENABLED": True,
            "ISSUER": issuer,
            "CLIENT_ID": client_id,
            "CLIENT_SECRET": secret,
            "SCOPES": ["openid", "email", "profile"],
        }
        for key, (client_id, secret, _) in CLIENTS.items()
    }
    cache.clear()


ACCOUNTS = {
    "staff-sub": {"email": "Dana.Staff@example.gov.uk", "email_verified": True, "name": "Dana"},
    "worker-sub": {"email": "sam.worker@example.org", "email_verified": True, "name": "Sam"},
    "unverified-sub": {"email": "sam.worker@example.org", "email_verified": False},
    "stranger-sub": {"email": "nobody@example.org", "email_verified": True},
}


@pytest.fixture
def oidc_provider(tmp_path, settings):
    """The local provider with ACCOUNTS, for the test client (http://testserver)."""
    provider = start_provider(tmp_path, ACCOUNTS, ["http://testserver"])
    configure(settings, provider.issuer)
    yield provider
    provider.process.terminate()
    provider.process.wait(timeout=10)
