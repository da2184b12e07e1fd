"""Every form in the service, submitted empty and then with nonsense in every field, by someone
allowed to use it (the access matrix's world: each role's own pages, and every page with ids
opened by the people whose objects they are).

What must hold on every answer:
- nothing answers 500;
- a form that refuses what it was sent says why in a GOV.UK error summary (a refusal that only
  re-shows the form leaves the person guessing);
- naas/tests/page_checks.py, installed for every test, checks each error summary: the title
  starts "Error: " and every link points at a control on the page that can take focus (a date's
  Day box, a radio group's first radio), which is what lets GOV.UK Frontend move focus there.
  tests/browser/test_error_summary_focus.py follows those links in a real browser.

Each submission runs in a savepoint that is rolled back, so one form's answer never changes the
page the next form is found on."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from naas.models import User
from tests.test_access_matrix_all import (
    PUBLIC,
    _is_admin_internal,
    _url,
    all_patterns,
    technical_report_pdf,  # noqa: F401 - the technical report's file, for its pages
    world,  # noqa: F401 - the module's world fixture
)

pytestmark = pytest.mark.django_db

NOT_FORMS = {reverse("logout")}  # the header's sign-out button
TEXT_TYPES = {"text", "email", "number", "password", "search", "tel", "url", "date", None}
NONSENSE = {
    "email": "not an email address",
    "number": "-99999999999",
    "date": "31 February",
}


@dataclass
class Form:
    action: str
    fields: dict = field(default_factory=dict)  # name -> input type ("select", "textarea", …)
    hidden: dict = field(default_factory=dict)  # name -> value, sent as the page gave them

    @property
    def has_visible_fields(self) -> bool:
        return bool(self.fields)


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._form = Form(action=attributes.get("action") or "")
            self.forms.append(self._form)
            return
        if self._form is None or not attributes.get("name"):
            return
        name = attributes["name"]
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind == "hidden":
                if name != "csrfmiddlewaretoken":
                    self._form.hidden[name] = attributes.get("value") or ""
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.setdefault(name, kind)
        elif tag in ("select", "textarea"):
            self._form.fields.setdefault(name, tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def post_forms(html: str, page_url: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    forms = []
    for form in reader.forms:
        form.action = form.action or page_url
        if form.action not in NOT_FORMS and form.has_visible_fields:
            forms.append(form)
    return forms


def nonsense_for(form: Form) -> dict:
    """A value no field accepts: words in numbers and in a date's boxes, a choice that is not
    offered, a file that is not what the page asks for."""
    data = dict(form.hidden)
    for name, kind in form.fields.items():
        if kind == "file":
            data[name] = SimpleUploadedFile("nonsense.csv", b"\xff\xfe\x00not,a\nvalid;file\x00")
        elif kind in TEXT_TYPES or kind == "textarea":
            data[name] = NONSENSE.get(kind, "x" * 5000 if kind == "textarea" else "\u2603 nonsense")
        else:  # radios, checkboxes, selects
            data[name] = "not-a-choice"
    return data


@dataclass
class Answer:
    where: str
    status: int
    has_summary: bool


def _submit(client: Client, form: Form, data: dict, where: str) -> Answer:
    with transaction.atomic():
        response = client.post(form.action, data)
        transaction.set_rollback(True)
    body = response.content.decode(errors="replace") if not response.streaming else ""
    return Answer(where, response.status_code, "govuk-error-summary" in body)


def _pages_to_try(world) -> list[tuple[User | None, str]]:  # noqa: F811
    """Each role's own pages (no ids) and every page with ids for its first owner who can open
    it, as (user, url)."""
    users = [user for user in world["users"].values() if user is not None]
    foreign = world["other_la"]
    owners = [*foreign.owners, world["users"]["dfe"]]
    pairs = []
    for pattern in all_patterns():
        if _is_admin_internal(pattern) or pattern.name == "logout":
            continue
        if not pattern.kwargs:
            url = reverse(pattern.name)
            pairs += [(user, url) for user in users]
            if pattern.name in PUBLIC:
                pairs.append((None, url))
        else:
            url = _url(pattern, foreign)
            pairs += [(owner, url) for owner in owners]
    return pairs


def _forms_by_page(world) -> list[tuple[Client, str, Form]]:  # noqa: F811
    """Every POST form a person allowed to see its page is shown, once per (action, fields),
    with that person's client."""
    found, seen = [], set()
    clients: dict = {}
    for user, url in _pages_to_try(world):
        client = clients.get(user)
        if client is None:
            client = clients[user] = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(User.objects.get(pk=user.pk))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.content.decode(), url):
            key = (form.action, tuple(sorted(form.fields)))
            if key not in seen:
                seen.add(key)
                found.append((client, url, form))
    return found


@pytest.mark.usefixtures("technical_report_pdf")
def test_every_form_empty_or_with_nonsense_says_what_is_wrong(world):  # noqa: F811
    # given every POST form the service shows to someone allowed to use it
    forms = _forms_by_page(world)
    answers = []
    for client, url, form in forms:
        # when it is sent empty, then with nonsense in every field
        answers.append(_submit(client, form, dict(form.hidden), f"{url} empty"))
        answers.append(_submit(client, form, nonsense_for(form), f"{url} nonsense"))
    # then nothing failed, and every refusal re-showing the form says why in an error summary
    # (each summary's title and links checked by naas/tests/page_checks.py on the way out)
    failed = [f"{a.where}: {a.status}" for a in answers if a.status >= 500]
    silent = [
        f"{a.where}: {a.status} without an error summary"
        for a in answers
        if a.status in (200, 400, 409) and not a.has_summary
    ]
    assert failed == [], "\n".join(failed)
    assert silent == [], "\n".join(silent)
    # and the forms were really found: the public check, imports, marking, booking, evidence
    actions = {form.action for _, _, form in forms}
    assert reverse("feedback:check_accreditation") in actions
    for part in ("/import/", "/marking/", "/book/", "/supervision/new/"):
        assert any(part in action for action in actions), part
    assert sum(a.has_summary for a in answers) >= len(forms)
