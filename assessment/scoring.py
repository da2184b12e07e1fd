"""Scoring knowledge-test answers: one item at a time, then per KSS area and in total.

Marks are whole thirds of a mark while they are added up (integers: exact and fast) and are
rounded only when stored."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache

from .models import FORMAT_SHAPE, OPTION_LETTERS, ItemFormat, MultiSelectScoring

OPTION_SEPARATORS = str.maketrans("", "", ";,|/ \t")


class OptionsError(ValueError):
    """The options cell cannot be read as a set of letters A to H."""


def parse_options(cell: str) -> str:
    """Turn a cell like "B;D;F", "b, d, f" or "BDF" into "BDF" (sorted letters); "" if blank."""
    letters = cell.upper().translate(OPTION_SEPARATORS)
    outside = sorted({letter for letter in letters if letter not in OPTION_LETTERS})
    if outside:
        raise OptionsError(
            f"options must be letters A to H, like B or B;D;F (found {', '.join(outside)})"
        )
    repeated = sorted({letter for letter in letters if letters.count(letter) > 1})
    if repeated:
        raise OptionsError(f"option {', '.join(repeated)} is chosen more than once")
    return "".join(sorted(letters))


def item_marks(*, item_format: str, key: str, chosen: str, three_of_eight: str) -> Fraction:
    """The marks (out of 1) for one answer. A "choose 1 of 4" item scores when the one correct
    option is chosen alone. A "choose 3 of 8" item, under the exact rule (the default), scores
    only when exactly the three correct options are chosen; under the partial rule each correct
    option chosen earns a third of a mark, and choosing more than three options earns nothing."""
    if item_format == ItemFormat.ONE_OF_FOUR or three_of_eight == MultiSelectScoring.EXACT:
        return Fraction(1) if chosen == key else Fraction(0)
    _, correct_count = FORMAT_SHAPE[ItemFormat.THREE_OF_EIGHT]
    if len(chosen) > correct_count:
        return Fraction(0)
    return Fraction(len(set(chosen) & set(key)), correct_count)


def to_decimal(value: Fraction, places: int = 2) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )


@dataclass
class AreaTotal:
    marks: Fraction
    max_marks: int
    item_count: int

    @property
    def percent(self) -> Decimal:
        return to_decimal(100 * self.marks / self.max_marks) if self.max_marks else Decimal(0)


@dataclass
class ScoredTest:
    item_marks: dict[int, Fraction]  # item id -> marks
    raw_score: Fraction
    max_score: int
    areas: dict[int, AreaTotal]  # area id -> totals


def score_test(
    *, items, answers: dict[int, str], three_of_eight: str, leave_out=frozenset()
) -> ScoredTest:
    """Score a whole test. `items` are the form's items (each with id, area_id, format and
    correct_options); `answers` maps item id to the chosen letters (missing means blank);
    `leave_out` names items withdrawn from scoring (see TestScorer.score)."""
    return TestScorer().score(
        items=items, answers=answers, three_of_eight=three_of_eight, leave_out=leave_out
    )


@cache  # a results day asks for the same few hundred values a million times
def thirds_text(thirds: int, places: int) -> str:
    """A number of thirds of a mark as stored text, rounded half up to `places` decimal places
    (the same as to_decimal(Fraction(thirds, 3), places)), in integers only."""
    return _rounded_text(thirds * 10**places, 3, places)


@cache
def percent_text(thirds: int, max_marks: int) -> str:
    """100 × thirds / (3 × max_marks) to two places, rounded half up (as AreaTotal.percent)."""
    if not max_marks:
        return "0.00"
    return _rounded_text(thirds * 100 * 100, 3 * max_marks, 2)


def _rounded_text(numerator: int, denominator: int, places: int) -> str:
    # Half up on non-negative integers: floor(n / d + 1/2) = (2n + d) // 2d.
    scaled = (2 * numerator + denominator) // (2 * denominator)
    whole, part = divmod(scaled, 10**places)
    return f"{whole}.{part:0{places}d}" if places else str(whole)


@dataclass
class ThirdsScore:
    """A scored test in whole thirds of a mark (every mark is 0, 1/3, 2/3 or 1): exact, and
    cheap to add up for a national results day. Decimals are made only where they are stored."""

    item_thirds: dict[int, int]  # item id -> thirds
    raw_thirds: int
    max_score: int
    areas: dict[int, tuple[int, int]]  # area id -> (thirds, item count)


@dataclass
class _FormPlan:
    steps: list[tuple]  # (item, item id, area id, counted?, {chosen letters: thirds})
    areas: dict[int, int]  # area id -> items counted in it
    max_score: int
    items: object  # what the plan was made from
    leave_out: object


class TestScorer:
    """Scores many candidates' tests, remembering each (item, answer) mark so a results day of
    thousands of candidates works out each distinct answer once. Marks are added up in thirds
    (every mark is a whole number of thirds), which is exact and fast."""

    __test__ = False  # not a pytest class

    def __init__(self):
        self._thirds: dict[tuple[int, str, str], int] = {}
        self._marks_by_item: dict[tuple[int, str], dict[str, int]] = {}
        self._plans: dict[tuple, _FormPlan] = {}
        self._decimals: dict[Fraction, Decimal] = {}

    def _mark_thirds(self, item, chosen: str, three_of_eight: str) -> int:
        key = (item.id, chosen, three_of_eight)
        found = self._thirds.get(key)
        if found is None:
            marks = item_marks(
                item_format=item.format,
                key=item.correct_options,
                chosen=chosen,
                three_of_eight=three_of_eight,
            )
            found = self._thirds[key] = int(marks * 3)
        return found

    def item_decimal(self, marks: Fraction) -> Decimal:
        """A mark as stored (four decimal places)."""
        found = self._decimals.get(marks)
        if found is None:
            found = self._decimals[marks] = to_decimal(marks, 4)
        return found

    def score_thirds(
        self, *, items, answers: dict[int, str], three_of_eight: str, leave_out=frozenset()
    ) -> ThirdsScore:
        """`leave_out` holds the ids of items withdrawn from scoring on this form: each still
        has its marks in `item_thirds` (the answer is kept), but counts towards no total, and
        the maximum scores shrink with them."""
        plan = self._plan(items, three_of_eight, leave_out)
        item_thirds: dict[int, int] = {}
        thirds_by_area = dict.fromkeys(plan.areas, 0)
        for item, item_id, area_id, counted, marks in plan.steps:
            chosen = answers.get(item_id, "")
            thirds = marks.get(chosen)
            if thirds is None:
                thirds = marks[chosen] = self._mark_thirds(item, chosen, three_of_eight)
            item_thirds[item_id] = thirds
            if counted:
                thirds_by_area[area_id] += thirds
        return ThirdsScore(
            item_thirds=item_thirds,
            raw_thirds=sum(thirds_by_area.values()),
            max_score=plan.max_score,
            areas={
                area_id: (thirds, plan.areas[area_id]) for area_id, thirds in thirds_by_area.items()
            },
        )

    def _plan(self, items, three_of_eight: str, leave_out) -> "_FormPlan":
        """How to score a form's items, worked out once per form (a results day scores
        thousands of candidates on the same few forms)."""
        # By identity: a results day passes the same list of a form's items for every
        # candidate. The plan keeps `items` and `leave_out` alive, so their ids stay theirs.
        key = (id(items), three_of_eight, id(leave_out))
        plan = self._plans.get(key)
        if plan is None or plan.items is not items or plan.leave_out is not leave_out:
            counts: dict[int, int] = {}
            steps = []
            for item in items:
                counted = item.id not in leave_out
                if counted:
                    counts[item.area_id] = counts.get(item.area_id, 0) + 1
                marks = self._marks_by_item.setdefault((item.id, three_of_eight), {})
                steps.append((item, item.id, item.area_id, counted, marks))
            plan = _FormPlan(steps, counts, sum(counts.values()), items, leave_out)
            self._plans[key] = plan
        return plan

    def score(
        self, *, items, answers: dict[int, str], three_of_eight: str, leave_out=frozenset()
    ) -> ScoredTest:
        """The same score as score_thirds, in fractions of a mark."""
        test = self.score_thirds(
            items=items, answers=answers, three_of_eight=three_of_eight, leave_out=leave_out
        )
        return ScoredTest(
            item_marks={item_id: Fraction(t, 3) for item_id, t in test.item_thirds.items()},
            raw_score=Fraction(test.raw_thirds, 3),
            max_score=test.max_score,
            areas={
                area_id: AreaTotal(Fraction(thirds, 3), count, count)
                for area_id, (thirds, count) in test.areas.items()
            },
        )
