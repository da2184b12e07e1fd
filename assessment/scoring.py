"""Scoring knowledge-test answers: one item at a time, then per KSS area and in total.

Marks are exact fractions while they are added up and rounded only when stored."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

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


class TestScorer:
    """Scores many candidates' tests, remembering each (item, answer) mark so a results day of
    thousands of candidates works out each distinct answer once. Marks are added up in thirds
    (every mark is a whole number of thirds), which is exact and fast."""

    __test__ = False  # not a pytest class

    def __init__(self):
        self._marks: dict[tuple[int, str, str], tuple[Fraction, int]] = {}
        self._decimals: dict[Fraction, Decimal] = {}

    def _mark(self, item, chosen: str, three_of_eight: str) -> tuple[Fraction, int]:
        key = (item.id, chosen, three_of_eight)
        found = self._marks.get(key)
        if found is None:
            marks = item_marks(
                item_format=item.format,
                key=item.correct_options,
                chosen=chosen,
                three_of_eight=three_of_eight,
            )
            found = self._marks[key] = (marks, int(marks * 3))
        return found

    def item_decimal(self, marks: Fraction) -> Decimal:
        """A mark as stored (four decimal places)."""
        found = self._decimals.get(marks)
        if found is None:
            found = self._decimals[marks] = to_decimal(marks, 4)
        return found

    def score(
        self, *, items, answers: dict[int, str], three_of_eight: str, leave_out=frozenset()
    ) -> ScoredTest:
        """`leave_out` holds the ids of items withdrawn from scoring on this form: each still
        has its marks in `item_marks` (the answer is kept), but counts towards no total, and
        the maximum scores shrink with them."""
        marks_by_item: dict[int, Fraction] = {}
        thirds_by_area: dict[int, int] = defaultdict(int)
        count_by_area: dict[int, int] = defaultdict(int)
        total_thirds = 0
        for item in items:
            marks, thirds = self._mark(item, answers.get(item.id, ""), three_of_eight)
            marks_by_item[item.id] = marks
            if item.id in leave_out:
                continue
            thirds_by_area[item.area_id] += thirds
            count_by_area[item.area_id] += 1
            total_thirds += thirds
        return ScoredTest(
            item_marks=marks_by_item,
            raw_score=Fraction(total_thirds, 3),
            max_score=sum(count_by_area.values()),
            areas={
                area_id: AreaTotal(
                    Fraction(thirds, 3), count_by_area[area_id], count_by_area[area_id]
                )
                for area_id, thirds in thirds_by_area.items()
            },
        )
