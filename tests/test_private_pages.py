"""Cache-Control: private, no-store on every page that can show personal data.

The crawl signs in as each demo account and follows every link on every page it reaches, one
page of each kind (URL name), so a new page is covered without anyone adding it to a list."""

import re
from collections import deque
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from naas.middleware import PRIVATE_NO_STORE
from naas.models import User

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#]*)"')
# Static files are the same for everyone; sign-out is a POST form, not a page.
NOT_PAGES = ("/assets/", "/media/")
PAGES_PER_ACCOUNT = 80


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def demo_accounts() -> dict[str, User]:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    emails = {
        line.rsplit(" ", 1)[0].strip(): line.split()[-1]
        for line in out.getvalue().splitlines()
        if "@" in line
    }
    return {role: User.objects.get(email=email) for role, email in emails.items()}


def crawl(client: Client, start: str):
    """Yield (path, response) for one page of each URL name reachable from `start`."""
    queue, seen_names = deque([start]), set()
    visited = 0
    while queue and visited < PAGES_PER_ACCOUNT:
        path = queue.popleft()
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            continue
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if name in seen_names or name == "logout":
            continue
        seen_names.add(name)
        visited += 1
        response = client.get(path)
        yield path, response
        if response.status_code in (301, 302):
            queue.appendleft(response["Location"])
        elif response.get("Content-Type", "").startswith("text/html"):
            for link in LINK.findall(response.content.decode()):
                if not link.startswith(NOT_PAGES):
                    queue.append(link.replace("&amp;", "&"))


def test_every_signed_in_page_of_the_demo_is_private_and_not_stored():
    # given the demo world, and each of its accounts signed in
    accounts = demo_accounts()
    assert len(accounts) == 10  # one a role, the superuser, and two more assessors
    pages_seen = 0
    for role, user in accounts.items():
        client = Client()
        client.force_login(user)
        # when they follow every link they can reach from home
        for path, response in crawl(client, reverse("home")):
            pages_seen += 1
            # then no page (nor redirect, nor refusal) may be kept by a cache
            assert no_store(response), (role, path, response.get("Cache-Control"))
    # (the crawl really went round the service, not just to each start page)
    assert pages_seen > 60


def test_the_header_is_exactly_private_no_store_unless_a_view_chose_its_own(client):
    user = User.objects.create_user(email="someone@example.org", password="x" * 20)
    client.force_login(user)
    response = client.get(reverse("accessibility"))
    assert response["Cache-Control"] == PRIVATE_NO_STORE


def test_the_public_checks_answer_is_not_stored(client):
    url = reverse("feedback:check_accreditation")
    response = client.post(url, {"registration_number": "SW1", "reference": "ACC-AAAA-BBBB"})
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE_NO_STORE


def test_a_failed_sign_in_repeating_the_email_is_not_stored(client):
    response = client.post(reverse("login"), {"username": "a@example.org", "password": "no"})
    assert response.status_code == 200
    assert no_store(response)


@pytest.mark.parametrize("name", ["accessibility", "feedback:check_accreditation"])
def test_public_pages_read_without_signing_in_may_be_cached(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
