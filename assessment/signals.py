"""How assessment tells later apps about outcomes without importing them.

- `outcome_published` is sent INSIDE the transaction that publishes an outcome, with `outcome`,
  so rows a receiver writes (a letter to make, an accreditation record) commit or roll back
  with the publication; receivers queue background work with transaction.on_commit (as
  naas.services.document_queue does). The feedback app listens to make the letter.
- `pre_publish_checks` holds callables `check(outcome) -> list[str]` that later apps register
  in their AppConfig.ready(); publishing is refused with their messages (for example, feedback
  missing for an area that was not met). A check may name the page that fixes its problems
  (`fix_url(outcome) -> str`): each problem then carries it, for the link pages show.
"""

from collections.abc import Callable

from django.dispatch import Signal

outcome_published = Signal()

pre_publish_checks: list[Callable] = []
_fix_urls: dict[Callable, Callable] = {}


class PublicationProblem(str):
    """A problem's words (it is the string itself) and the page that fixes it, if any."""

    fix_url: str

    def __new__(cls, text: str, fix_url: str = ""):
        problem = super().__new__(cls, text)
        problem.fix_url = fix_url
        return problem


def register_pre_publish_check(check: Callable, fix_url: Callable | None = None) -> None:
    if check not in pre_publish_checks:
        pre_publish_checks.append(check)
    if fix_url is not None:
        _fix_urls[check] = fix_url


def publication_problems(outcome) -> list[PublicationProblem]:
    """Why the outcome may not be published (or confirmed) yet: empty when it may."""
    problems: list[PublicationProblem] = []
    for check in pre_publish_checks:
        found = check(outcome)
        fix_url = _fix_urls[check](outcome) if found and check in _fix_urls else ""
        problems.extend(PublicationProblem(text, fix_url) for text in found)
    return problems
