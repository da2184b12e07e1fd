"""How assessment tells later apps about outcomes without importing them.

- `outcome_published` is sent INSIDE the transaction that publishes an outcome, with `outcome`,
  so rows a receiver writes (a letter to make, an accreditation record) commit or roll back
  with the publication; receivers queue background work with transaction.on_commit (as
  naas.services.document_queue does). The feedback app listens to make the letter.
- `pre_publish_checks` holds callables `check(outcome) -> list[str]` that later apps register
  in their AppConfig.ready(); publishing is refused with their messages (for example, feedback
  missing for an area that was not met).
"""

from collections.abc import Callable

from django.dispatch import Signal

outcome_published = Signal()

pre_publish_checks: list[Callable] = []


def register_pre_publish_check(check: Callable) -> None:
    if check not in pre_publish_checks:
        pre_publish_checks.append(check)


def publication_problems(outcome) -> list[str]:
    problems: list[str] = []
    for check in pre_publish_checks:
        problems.extend(check(outcome))
    return problems
