from reporting.suppression import (
    SUPPRESSED_TEXT,
    WITHHELD_TEXT,
    Cell,
    Share,
    subset_cells,
    suppress,
)


def hidden(cells):
    return [[cell.hidden for cell in row] for row in cells]


def test_counts_from_1_to_4_are_hidden_and_0_is_shown():
    # given a table whose every line already has two small counts
    cells = suppress([[0, 3, 4], [0, 2, 1]])
    # then every count from 1 to 4 is hidden and the zeros are shown
    assert hidden(cells) == [[False, True, True], [False, True, True]]
    assert str(cells[0][1]) == SUPPRESSED_TEXT
    assert str(cells[0][0]) == "0"


def test_a_lone_hidden_cell_in_a_row_takes_the_next_smallest_with_it():
    # given a row with totals: 3 could be worked out from 20 + 7 + 3 = 30
    cells = suppress([[20, 7, 3, 30]])
    # then 7, the smallest other count, is withheld too; the total stays
    assert hidden(cells) == [[False, True, True, False]]
    assert cells[0][2].value == SUPPRESSED_TEXT
    assert cells[0][1].value == WITHHELD_TEXT


def test_no_line_is_left_with_exactly_one_hidden_cell():
    matrix = [[50, 3, 12, 65], [40, 20, 9, 69], [30, 11, 2, 43], [120, 34, 23, 177]]
    cells = suppress(matrix)
    flags = hidden(cells)
    for row in flags:
        assert sum(row) != 1
    for column in zip(*flags, strict=True):
        assert sum(column) != 1
    # and the small counts are among those hidden
    assert flags[0][1] and flags[2][2]


def test_large_counts_are_left_alone():
    cells = suppress([[10, 20], [30, 40]])
    assert not any(any(row) for row in hidden(cells))


def test_rate_is_withheld_when_a_count_is():
    assert str(Share(Cell(3, True), Cell(10, False))) == WITHHELD_TEXT
    assert str(Share(Cell(6, False), Cell(12, False))) == "50% (6 of 12)"
    assert Share(Cell(6, False), Cell(12, False)).value == 50.0
    assert str(Share(Cell(0, False), Cell(0, False))) == "–"


def test_a_part_is_withheld_when_the_rest_of_its_whole_is_small():
    # 48 of 50 met: showing both would tell that 2 people did not
    part, whole = subset_cells(48, 50)
    assert part.hidden and not whole.hidden
    assert str(Share(part, whole)) == WITHHELD_TEXT
    part, whole = subset_cells(40, 50)
    assert str(Share(part, whole)) == "80% (40 of 50)"
