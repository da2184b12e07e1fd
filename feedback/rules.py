"""Rules the feedback app's documents state, each worked out here once.

- How long an accreditation stays valid: the certificate prints `accreditation_valid_until` and
  the public check (`selectors.accreditation_is_valid`) refuses an accreditation after that day.
- Why an outcome is what it is: `overall_result_sentence` asks the outcome rule itself
  (`assessment.outcome_rules.overall_result`, with the rule set the outcome was decided by), so
  the letter's explanation can never drift from the rule that decided it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings

from assessment.outcome_rules import Result, RuleParameters, overall_result
from naas.dates import add_months


def accreditation_validity_months() -> int:
    """How long an accreditation is valid (setting NAAS_ACCREDITATION_VALIDITY_MONTHS)."""
    return settings.NAAS_ACCREDITATION_VALIDITY_MONTHS


def accreditation_valid_until(accredited_on: date) -> date:
    """The last day an accreditation made on `accredited_on` is valid (that day included)."""
    return add_months(accredited_on, accreditation_validity_months())


def accreditation_in_date(accredited_on: date, *, on: date) -> bool:
    """Whether an accreditation made on `accredited_on` is still in date on the day `on`."""
    return on <= accreditation_valid_until(accredited_on)


# --- The overall result, explained -------------------------------------------------------------


def areas_needed_for(result: str, area_count: int, rules: RuleParameters) -> int:
    """The fewest met areas (of `area_count`) that give at least `result`, found by asking the
    outcome rule itself rather than repeating its arithmetic."""
    order = [Result.NOT_MET, Result.PARTIALLY_MET, Result.MET]
    for met in range(area_count + 1):
        decided = overall_result([Result.MET] * met + [Result.NOT_MET] * (area_count - met), rules)
        if order.index(decided) >= order.index(result):
            return met
    return area_count


def _count(number: int) -> str:
    return "none" if number == 0 else str(number)


def _were(number: int, label: str) -> str:
    return f"{_count(number)} {'was' if number == 1 else 'were'} {label}"


def overall_result_sentence(area_results: Sequence[str], rules: RuleParameters) -> str:
    """One sentence that says why the areas' results give the overall result, e.g. "Your overall
    result is not met because you met none of the 5 areas (2 were partially met and 3 were not
    met), and at least 4 must be met for a partially met result."."""
    total = len(area_results)
    overall = overall_result(area_results, rules)
    met = sum(1 for result in area_results if result == Result.MET)
    partial = sum(1 for result in area_results if result == Result.PARTIALLY_MET)
    not_met = total - met - partial
    label = Result.LABELS[overall].lower()
    if overall == Result.MET:
        return f"Your overall result is met because you met all {total} areas."
    others = f"{_were(partial, 'partially met')} and {_were(not_met, 'not met')}"
    for_partial = areas_needed_for(Result.PARTIALLY_MET, total, rules)
    if overall == Result.PARTIALLY_MET:
        return (
            f"Your overall result is {label} because you met {met} of the {total} areas "
            f"({others}): at least {for_partial} must be met for a partially met result, "
            f"and all {total} for met."
        )
    sentence = (
        f"Your overall result is {label} because you met {_count(met)} of the {total} areas "
        f"({others}), and at least {for_partial} must be met for a partially met result"
    )
    if not_met == 0:
        # Nothing reads "not met" in the table, so say why the whole is.
        sentence += ": a partially met area does not count as met"
    return sentence + "."
