"""How assessment tells later apps about outcomes without importing them.

- `outcome_published` is sent INSIDE the transaction that publishes an outcome, with `outcome`,
  so rows a receiver writes (a letter to make, an accreditation record) commit or roll back
  with the publication; receivers queue background work with transaction.on_commit (as
  naas.services.document_queue does). The feedback app listens to make the letter.
- `pre_publish_checks` holds callables `check(outcome) -> list[str]` that later apps register
  in their AppConfig.ready(); publishing is refused with their messages (for example, feedback
  missing for an area that was not met). A check may name the page that fixes its problems
  (`fix_url(outcome) -> str`): each problem then carries it, for the link pages show. A check
  may also give `many(outcomes) -> {outcome id: [str]}`, the same answers for a whole list in a
  fixed number of queries, so the publishing page does not ask once per outcome.
"""

from collections.abc import Callable

from django.dispatch import Signal

outcome_published = Signal()

pre_publish_checks: list[Callable] = []
_fix_urls: dict[Callable, Callable] = {}
_many: dict[Callable, Callable] = {}


class PublicationProblem(str):
    """A problem's words (it is the string itself) and the page that fixes it, if any."""

    fix_url: str

    def __new__(cls, text: str, fix_url: str = ""):
        problem = super().__new__(cls, text)
        problem.fix_url = fix_url
        return problem


def register_pre_publish_check(
    check: Callable, fix_url: Callable | None = None, many: Callable | None = None
) -> None:
    if check not in pre_publish_checks:
        pre_publish_checks.append(check)
    if fix_url is not None:
        _fix_urls[check] = fix_url
    if many is not None:
        _many[check] = many


def publication_problems_by_outcome(outcomes) -> dict[int, list[PublicationProblem]]:
    """Why each outcome may not be published (or confirmed) yet: an empty list when it may. A
    check with a `many` form answers for the whole list at once."""
    outcomes = list(outcomes)
    problems: dict[int, list[PublicationProblem]] = {outcome.pk: [] for outcome in outcomes}
    for check in pre_publish_checks:
        many = _many.get(check)
        found = many(outcomes) if many else {outcome.pk: check(outcome) for outcome in outcomes}
        for outcome in outcomes:
            texts = found[outcome.pk]
            fix_url = _fix_urls[check](outcome) if texts and check in _fix_urls else ""
            problems[outcome.pk].extend(PublicationProblem(text, fix_url) for text in texts)
    return problems


def publication_problems(outcome) -> list[PublicationProblem]:
    """Why the outcome may not be published (or confirmed) yet: empty when it may."""
    return publication_problems_by_outcome([outcome])[outcome.pk]
