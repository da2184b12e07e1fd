"""Small-number suppression for tables of counts about groups of people.

The rule (primary, then secondary suppression):

1. any count from 1 to 4 is hidden and shown as "fewer than 5" (a 0 is shown: it identifies
   nobody);
2. a table's rows and columns have published totals, so a line (row or column) with exactly
   one hidden cell would let it be worked out by subtraction: the smallest other non-zero
   count in that line is hidden too, shown as "withheld" (it may be 5 or more). This repeats
   until no line has exactly one hidden cell;
3. a total under 5 is hidden, and a rate is shown only when the counts it is made of are
   (otherwise "withheld"), always with them: "62% (31 of 50)".

Every dashboard table goes through here: the page, its chart and its CSV show the same cells.
"""

from dataclasses import dataclass

THRESHOLD = 5
SUPPRESSED_TEXT = "fewer than 5"
WITHHELD_TEXT = "withheld"


@dataclass(frozen=True)
class Cell:
    count: int
    hidden: bool

    def __str__(self) -> str:
        return str(self.value) if self.hidden else f"{self.count:,}"

    @property
    def value(self):
        """What a CSV shows: the number, or why it is not shown."""
        if not self.hidden:
            return self.count
        return SUPPRESSED_TEXT if is_small(self.count) else WITHHELD_TEXT


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def suppress(matrix: list[list[int]]) -> list[list[Cell]]:
    """Apply the module's rule to a table of counts (rows of equal length)."""
    hidden = [[is_small(count) for count in row] for row in matrix]
    columns = len(matrix[0]) if matrix else 0
    changed = True
    while changed:
        changed = False
        lines = [[(r, c) for c in range(columns)] for r in range(len(matrix))]
        lines += [[(r, c) for r in range(len(matrix))] for c in range(columns)]
        for line in lines:
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            candidates = [
                (matrix[r][c], r, c) for r, c in line if not hidden[r][c] and matrix[r][c]
            ]
            if candidates:
                _, r, c = min(candidates)
                hidden[r][c] = True
                changed = True
    return [
        [Cell(count, hidden[r][c]) for c, count in enumerate(row)] for r, row in enumerate(matrix)
    ]


def total_cell(count: int) -> Cell:
    return Cell(count, is_small(count))


def cells(counts: list[int]) -> list[Cell]:
    """A line of counts with no published total of its own (primary suppression only)."""
    return [total_cell(count) for count in counts]


def withhold(cell: Cell) -> Cell:
    return Cell(cell.count, True)


def subset_cells(part: int, whole: int) -> tuple[Cell, Cell]:
    """A count and the count it is part of (accredited of assessed): when the rest (whole minus
    part) is small, showing both would tell it, so the part is withheld too."""
    part_cell, whole_cell = total_cell(part), total_cell(whole)
    if is_small(whole - part) and not part_cell.hidden and not whole_cell.hidden:
        part_cell = withhold(part_cell)
    return part_cell, whole_cell


@dataclass(frozen=True)
class Share:
    """A part of a whole, shown with both counts: "62% (31 of 50)"; in a CSV, the percentage
    as a number (the counts are in their own columns)."""

    part: Cell
    whole: Cell

    @property
    def shown(self) -> bool:
        return not (self.part.hidden or self.whole.hidden) and self.whole.count > 0

    @property
    def percent(self) -> int:
        """Rounded, for a bar's width; 0 when not shown."""
        return round(100 * self.part.count / self.whole.count) if self.shown else 0

    def __str__(self) -> str:
        if self.part.hidden or self.whole.hidden:
            return WITHHELD_TEXT
        if not self.whole.count:
            return "–"
        return f"{self.percent}% ({self.part.count:,} of {self.whole.count:,})"

    @property
    def value(self):
        if self.part.hidden or self.whole.hidden:
            return WITHHELD_TEXT
        if not self.whole.count:
            return None
        return round(100 * self.part.count / self.whole.count, 1)
