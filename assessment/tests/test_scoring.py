from fractions import Fraction
from types import SimpleNamespace

import pytest

from assessment.models import ItemFormat, MultiSelectScoring
from assessment.scoring import OptionsError, item_marks, parse_options, score_test

ONE = ItemFormat.ONE_OF_FOUR
THREE = ItemFormat.THREE_OF_EIGHT
EXACT = MultiSelectScoring.EXACT
PARTIAL = MultiSelectScoring.PARTIAL


@pytest.mark.parametrize(
    "cell, letters",
    [
        ("B", "B"),
        ("b", "B"),
        ("B;D;F", "BDF"),
        ("F, D, B", "BDF"),
        ("FDB", "BDF"),
        ("B|D|F", "BDF"),
        ("", ""),
        ("  ", ""),
        ("H", "H"),
    ],
)
def test_options_are_read_in_any_common_layout(cell, letters):
    assert parse_options(cell) == letters


@pytest.mark.parametrize("cell", ["I", "Z", "1", "B;X", "A-C", "B;B"])
def test_options_outside_a_to_h_or_repeated_are_refused(cell):
    with pytest.raises(OptionsError):
        parse_options(cell)


@pytest.mark.parametrize(
    "item_format, key, chosen, rule, marks",
    [
        # "choose 1 of 4": only the one correct option, alone, scores
        (ONE, "B", "B", EXACT, 1),
        (ONE, "B", "C", EXACT, 0),
        (ONE, "B", "", EXACT, 0),
        (ONE, "B", "BC", EXACT, 0),
        (ONE, "B", "BC", PARTIAL, 0),  # the partial rule is for "3 of 8" only
        # "choose 3 of 8", exact rule (the default): all three correct and nothing else
        (THREE, "BDF", "BDF", EXACT, 1),
        (THREE, "BDF", "BD", EXACT, 0),  # partial selection
        (THREE, "BDF", "B", EXACT, 0),
        (THREE, "BDF", "BDE", EXACT, 0),
        (THREE, "BDF", "BDFH", EXACT, 0),
        (THREE, "BDF", "", EXACT, 0),
        # "choose 3 of 8", partial rule: a third per correct option, none if over three chosen
        (THREE, "BDF", "BDF", PARTIAL, 1),
        (THREE, "BDF", "BD", PARTIAL, Fraction(2, 3)),
        (THREE, "BDF", "B", PARTIAL, Fraction(1, 3)),
        (THREE, "BDF", "BDA", PARTIAL, Fraction(2, 3)),
        (THREE, "BDF", "ACE", PARTIAL, 0),
        (THREE, "BDF", "BDFH", PARTIAL, 0),
        (THREE, "BDF", "", PARTIAL, 0),
    ],
)
def test_item_marks(item_format, key, chosen, rule, marks):
    assert item_marks(item_format=item_format, key=key, chosen=chosen, three_of_eight=rule) == marks


def test_whole_test_is_scored_per_area_with_exact_fractions():
    # given two areas: area 1 has a "1 of 4" and a "3 of 8", area 2 has a "3 of 8"
    items = [
        SimpleNamespace(id=1, area_id=10, format=ONE, correct_options="A"),
        SimpleNamespace(id=2, area_id=10, format=THREE, correct_options="ACE"),
        SimpleNamespace(id=3, area_id=20, format=THREE, correct_options="BDF"),
    ]
    answers = {1: "A", 2: "AC", 3: "BDF"}
    # when scored with the partial rule
    scored = score_test(items=items, answers=answers, three_of_eight=PARTIAL)
    # then marks add up exactly, per area and in total
    assert scored.raw_score == Fraction(1) + Fraction(2, 3) + 1
    assert scored.max_score == 3
    assert scored.areas[10].marks == Fraction(5, 3) and scored.areas[10].max_marks == 2
    assert str(scored.areas[10].percent) == "83.33"
    assert scored.areas[20].percent == 100
    # and with the exact rule the partial selection earns nothing
    exact = score_test(items=items, answers=answers, three_of_eight=EXACT)
    assert exact.raw_score == 2 and exact.areas[10].marks == 1
