"""Check your answers, once for the whole service: a consequential action goes form → check
your answers → confirmation, and its answers wait in the session between the first two pages.

The answers are kept with the version of the record the form was shown against, so a change
made in between (a colleague's decision, the same form sent from another tab) refuses the send
instead of landing on a record the user never saw:

- a record with a `version` number (`Flow(version_of=None)`, the default) hands the version to
  the service as `expected_version`; the service compares it under its row lock, which no
  page-level check can race;
- a record without one names what counts as its version, e.g.
  `version_of=lambda r: (r.state, r.updated_at)`, and the check page refuses with
  `RecordChanged` when that differs at send time.

The answers are dropped whether the service accepts or refuses, so a second POST (a double
click, a resent form) finds nothing, changes nothing and answers `AlreadySent`.

Session data stays JSON-serialisable: answers go through Django's JSON encoder when kept, so a
date comes back as its ISO string (`date.fromisoformat` it when showing or sending) and a model
instance is refused at once (keep its pk instead). The key is `<namespace>:<flow>:<pk>`.

naas imports no app: each app supplies how a refusal looks (`refuse`) and which of its
exceptions count as refusals (`errors`).

Usage, in the form view and in the check view:

    pending = PendingAnswers(request, SIGN_OFF, endorsement)
    form = SignOffForm(submitted(request), initial=pending.initial(statement=""))
    if request.method == "POST" and form.is_valid():
        return pending.keep({"statement": ...}, version=form.cleaned_data["version"])

    return PendingAnswers(request, SIGN_OFF, endorsement).check_then_act(
        show=lambda answers: render(...),
        act=lambda answers, expected_version: services.endorsement_sign_off(...),
        errors=(EndorsementError,),
        refuse=lambda exc: render(..., status=409),
    )
FLOWS-READY
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class AnswersStale(Exception):
    """The pending answers can no longer be sent; nothing has been changed."""


class AlreadySent(AnswersStale):
    """A check page was posted with nothing waiting: sent twice, or opened in another tab."""

    def __init__(self):
        super().__init__(
            "This has already been sent, or the page is out of date. Reload the page to see "
            "the latest version: nothing has been changed."
        )


class RecordChanged(AnswersStale):
    """The record moved on between the form and the send."""

    def __init__(self):
        super().__init__(
            "This has changed since you gave your answers. Reload the page to see the latest "
            "version: nothing you sent has been saved."
        )


@dataclass(frozen=True)
class Flow:
    """One consequential action: where its answers are kept and what its pages are called.

    URL names default to `<namespace>:<name>`, `<namespace>:<name>_check` and
    `<namespace>:<name>_done`, each reversed with the record's pk as `url_kwarg`.
    """

    namespace: str
    name: str
    version_of: Callable[[Any], Any] | None = None
    url_kwarg: str = "pk"
    form_url: str = ""
    check_url: str = ""
    done_url: str = ""

    def key(self, pk) -> str:
        return f"{self.namespace}:{self.name}:{pk}"

    def url_name(self, page: str) -> str:
        """The URL name of `page`: "form", "check" or "done"."""
        overridden = getattr(self, f"{page}_url")
        suffix = "" if page == "form" else f"_{page}"
        return overridden or f"{self.namespace}:{self.name}{suffix}"

    def version(self, record):
        """The record's version now, in the form it is stored in the session."""
        current = record.version if self.version_of is None else self.version_of(record)
        return as_session_data(current)


def as_session_data(value):
    """`value` as the session will give it back: dates as ISO strings, tuples as lists. Raises
    TypeError now, not at the end of the request, for what JSON cannot hold."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


class PendingAnswers:
    """A flow's answers for one record, waiting in the request's session."""

    def __init__(self, request: HttpRequest, flow: Flow, record):
        self.request = request
        self.flow = flow
        self.record = record
        self.key = flow.key(record.pk)

    @property
    def _stashed(self) -> dict | None:
        stashed = self.request.session.get(self.key)
        # Answers kept in another shape (by an earlier release) count as none: the user is
        # sent back to the form rather than shown an error.
        if isinstance(stashed, dict) and {"version", "answers"} <= stashed.keys():
            return stashed
        return None

    @property
    def answers(self) -> dict | None:
        """The kept answers, or None when nothing is waiting."""
        stashed = self._stashed
        return stashed["answers"] if stashed else None

    def initial(self, **defaults) -> dict:
        """The form's first values: what was kept before, when the user comes back to change
        it, else the defaults; with the version the form is now shown against (kept answers
        keep their older version, so a change made since is still caught)."""
        stashed = self._stashed
        if not stashed:
            return {"version": self.flow.version(self.record), **defaults}
        return {"version": stashed["version"], **defaults, **stashed["answers"]}

    def keep(self, answers: dict, *, version=None) -> HttpResponse:
        """Keep a valid form's answers and go on to check them. `version` is the one the form
        was shown against, when the form carries it; else the record's version now."""
        self.request.session[self.key] = {
            "version": self.flow.version(self.record) if version is None else version,
            "answers": as_session_data(answers),
        }
        return self._redirect("check")

    def forget(self) -> None:
        self.request.session.pop(self.key, None)

    def check_then_act(
        self,
        *,
        show: Callable[[dict], HttpResponse],
        act: Callable[[dict, Any], Any],
        refuse: Callable[[Exception], HttpResponse],
        errors: tuple[type[Exception], ...] = (),
        done: Callable[[Any], HttpResponse] | None = None,
    ) -> HttpResponse:
        """GET shows the answers with `show(answers)`. POST sends them once with
        `act(answers, expected_version)` and answers `done(result)` (by default the flow's done
        page); an exception in `errors`, a record that moved on or nothing waiting answers
        `refuse(exc)`. With nothing waiting, a GET goes back to the form."""
        stashed = self._stashed
        if not stashed:
            if self.request.method == "POST":
                return refuse(AlreadySent())
            return self._redirect("form")
        if self.request.method != "POST":
            return show(stashed["answers"])
        try:
            response = self._send(stashed, act, done)
        except (AnswersStale, *errors) as exc:
            response = refuse(exc)
        self.forget()
        return response

    def _send(self, stashed: dict, act, done) -> HttpResponse:
        if (
            self.flow.version_of is not None
            and self.flow.version(self.record) != stashed["version"]
        ):
            raise RecordChanged()
        result = act(stashed["answers"], stashed["version"])
        return done(result) if done is not None else self._redirect("done")

    def _redirect(self, page: str) -> HttpResponse:
        return redirect(self.flow.url_name(page), **{self.flow.url_kwarg: self.record.pk})
