"""Reads that turn stored results into the inputs of the pure statistics in
`assessment.psychometrics`: knowledge-test score matrices per test form, double marks per KSS
area, published outcomes, and each candidate's equality groups.

Every read takes a sitting window (`window_start`, `window_end`: dates of the sittings,
inclusive; None leaves that end open) and runs a fixed number of queries however many
candidates there are. Candidates appear only under a pseudonymous id (`pseudonym`): an
HMAC-SHA256 of the worker id, so the figures and exports can be joined to each other but not
back to a person without the key.

Shapes (all plain dataclasses):

- `item_score_matrices(...) -> list[ItemScoreMatrix]`, `item_score_matrix(test_form=...)`:
  `scores` candidates × items (float marks as stored), `max_scores`, `items` (`FormItem`, in
  the form's order), `candidates` (pseudonyms), `chosen` (letters per candidate per item),
  `groups` (`EqualityGroups`); `selections()` and `keys()` feed `items.item_analysis`.
- `double_marks(...) -> DoubleMarks`: one row per attempt × area × task with both markers'
  marks and ids, and the final mark (`final_marks` rules, read in bulk).
- `published_outcomes(...) -> PublishedOutcomes`: current published outcomes with groups.
- `candidate_groups(...) -> EqualityGroups`: every candidate with a test result in the window.

PSYCHOMETRICS-READS-READY
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.conf import settings

from ..models import (
    FORMAT_SHAPE,
    OPTION_LETTERS,
    Allocation,
    AreaMark,
    MarkerRole,
    Outcome,
    OutcomeResult,
    TestFormItem,
    TestResponse,
    TestResult,
)

GROUPINGS = ("ethnicity_group", "age_band", "sex", "disability")
NOT_KNOWN = "not_known"
"""The group of a candidate who left the question blank (distinct from "prefer not to say")."""
TASKS = tuple(AreaMark.TASK_FIELDS)
FINAL_MARK_PRIORITY = (MarkerRole.REVIEWER, MarkerRole.MODERATOR, MarkerRole.FIRST)
"""Whose marks count, first found wins: the same order as `selectors.final_marks`."""
PSEUDONYM_LENGTH = 12


# --- Pseudonyms ---------------------------------------------------------------------------


def pseudonym_key() -> bytes:
    """`settings.NAAS_PSEUDONYM_KEY`, or a key derived from SECRET_KEY (never SECRET_KEY
    itself, so a leaked pseudonym list says nothing about the session-signing key)."""
    configured = getattr(settings, "NAAS_PSEUDONYM_KEY", "")
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    return hashlib.sha256(b"naas-pseudonym:" + settings.SECRET_KEY.encode()).digest()


def pseudonym(worker_id: int, *, kind: str = "worker", key: bytes | None = None) -> str:
    """A stable, non-reversible id for a worker (or, with kind="attempt", an attempt)."""
    message = f"{kind}:{worker_id}".encode()
    digest = hmac.new(key or pseudonym_key(), message, hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


# --- Shapes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EqualityGroups:
    """Each candidate's group in every grouping, blank recorded as NOT_KNOWN."""

    candidates: tuple[str, ...]
    by_grouping: dict[str, np.ndarray]
    """GROUPINGS name → array of group labels, one per candidate."""

    def __len__(self) -> int:
        return len(self.candidates)


@dataclass(frozen=True)
class FormItem:
    item_id: int
    code: str
    format: str
    area_number: int
    position: int
    max_score: float
    correct_options: str
    option_count: int


@dataclass(frozen=True)
class ItemScoreMatrix:
    form_id: int
    form_code: str
    items: tuple[FormItem, ...]
    candidates: tuple[str, ...]
    """Pseudonyms, one per row."""
    scores: np.ndarray
    """candidates × items, the stored marks as floats (no response: 0)."""
    chosen: tuple[tuple[str, ...], ...]
    """Per item (columns), the letters each candidate chose ("" if none)."""
    groups: EqualityGroups

    @property
    def max_scores(self) -> np.ndarray:
        return np.array([item.max_score for item in self.items], dtype=float)

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    @property
    def n_candidates(self) -> int:
        return self.scores.shape[0]

    def selections(self) -> list[np.ndarray]:
        """Per item, a candidates × options 0/1 array of the options chosen."""
        return [
            _selection_table(self.chosen[i], item.option_count) for i, item in enumerate(self.items)
        ]

    def keys(self) -> list[frozenset[int]]:
        """Per item, the correct option columns (0 = A)."""
        return [
            frozenset(OPTION_LETTERS.index(letter) for letter in item.correct_options)
            for item in self.items
        ]

    def full_marks(self) -> np.ndarray:
        """The matrix dichotomised (full marks = 1, else 0), as Mantel–Haenszel needs."""
        return (self.scores >= self.max_scores[None, :] - 1e-9).astype(float)


@dataclass(frozen=True)
class DoubleMarks:
    """One row per attempt × area × task with an active, submitted first and second mark."""

    attempt_ids: np.ndarray
    attempts: tuple[str, ...]
    """Pseudonyms of the attempts."""
    area_numbers: np.ndarray
    area_ids: np.ndarray
    tasks: np.ndarray
    first_mark: np.ndarray
    second_mark: np.ndarray
    first_assessor: np.ndarray
    second_assessor: np.ndarray
    final_mark: np.ndarray
    """The mark that counts (reviewer, else moderator, else first marker); 0 if none."""
    assessor_names: dict[int, str] = field(default_factory=dict)
    levels: np.ndarray | None = None
    """The attempt's level per row (area numbers repeat across levels)."""

    def __len__(self) -> int:
        return len(self.attempts)

    def for_area(self, area_number: int) -> np.ndarray:
        """Row mask of one KSS area number."""
        return self.area_numbers == area_number


@dataclass(frozen=True)
class PublishedOutcomes:
    candidates: tuple[str, ...]
    results: np.ndarray
    """OutcomeResult values, one per current published outcome."""
    groups: EqualityGroups

    def met(self) -> np.ndarray:
        return (self.results == OutcomeResult.MET).astype(int)


# --- Reads --------------------------------------------------------------------------------


def item_score_matrices(
    *, window_start: date | None = None, window_end: date | None = None
) -> list[ItemScoreMatrix]:
    """A score matrix for every test form with questions and results in the window, by form
    code. Four queries."""
    results = _results_in_window(window_start, window_end)
    return _matrices(results)


def item_score_matrix(
    *, test_form, window_start: date | None = None, window_end: date | None = None
) -> ItemScoreMatrix | None:
    """The score matrix of one form (None when it has no questions)."""
    results = _results_in_window(window_start, window_end).filter(test_form=test_form)
    found = _matrices(results, form_ids=[test_form.pk])
    return found[0] if found else None


def candidate_groups(
    *, window_start: date | None = None, window_end: date | None = None
) -> EqualityGroups:
    """Every worker with a test result in the window, once each. One query."""
    rows = (
        _results_in_window(window_start, window_end)
        .order_by("attempt__worker_id")
        .distinct("attempt__worker_id")
        .values_list("attempt__worker_id", *_group_paths("attempt__worker__"))
    )
    return _groups(list(rows))


def double_marks(
    *, window_start: date | None = None, window_end: date | None = None
) -> DoubleMarks:
    """Paired first and second marks per attempt, area and task, with the final marks.
    Two queries."""
    allocations = _in_window(
        Allocation.objects.filter(active=True, submitted_at__isnull=False),
        "attempt__sitting__date",
        window_start,
        window_end,
    )
    marks = AreaMark.objects.filter(allocation__in=allocations).values_list(
        "allocation__attempt_id",
        "allocation__attempt__level",
        "allocation__role",
        "allocation__assessor_id",
        "area_id",
        "area__number",
        *TASKS,
    )
    by_attempt: dict[int, dict[str, dict[int, tuple]]] = defaultdict(lambda: defaultdict(dict))
    numbers: dict[int, int] = {}
    levels: dict[int, str] = {}
    for attempt_id, level, role, assessor_id, area_id, number, *task_marks in marks:
        by_attempt[attempt_id][role][area_id] = (assessor_id, task_marks)
        numbers[area_id] = number
        levels[attempt_id] = level
    names = dict(
        allocations.filter(role__in=(MarkerRole.FIRST, MarkerRole.SECOND)).values_list(
            "assessor_id", "assessor__full_name"
        )
    )
    return _double_mark_rows(by_attempt, numbers, levels, names)


def published_outcomes(
    *, window_start: date | None = None, window_end: date | None = None
) -> PublishedOutcomes:
    """Current (not superseded) published outcomes of attempts sat in the window. One query."""
    outcomes = _in_window(
        Outcome.objects.filter(superseded_at__isnull=True, published_at__isnull=False),
        "attempt__sitting__date",
        window_start,
        window_end,
    ).order_by("attempt_id")
    rows = list(
        outcomes.values_list("result", "attempt__worker_id", *_group_paths("attempt__worker__"))
    )
    groups = _groups([row[1:] for row in rows])
    return PublishedOutcomes(
        candidates=groups.candidates,
        results=np.array([row[0] for row in rows], dtype=object),
        groups=groups,
    )


# --- Helpers ------------------------------------------------------------------------------


def _in_window(queryset, path: str, start: date | None, end: date | None):
    if start is not None:
        queryset = queryset.filter(**{f"{path}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{path}__lte": end})
    return queryset


def _results_in_window(start, end):
    return _in_window(TestResult.objects.all(), "attempt__sitting__date", start, end)


def _group_paths(prefix: str) -> list[str]:
    return [prefix + grouping for grouping in GROUPINGS]


def _groups(rows: list[tuple]) -> EqualityGroups:
    """EqualityGroups from (worker id, *groups in GROUPINGS order) rows."""
    key = pseudonym_key()
    candidates = tuple(pseudonym(row[0], key=key) for row in rows)
    by_grouping = {
        grouping: np.array([row[1 + i] or NOT_KNOWN for row in rows], dtype=object)
        for i, grouping in enumerate(GROUPINGS)
    }
    return EqualityGroups(candidates, by_grouping)


def _matrices(results, form_ids=None) -> list[ItemScoreMatrix]:
    result_rows = list(
        results.order_by("test_form__code", "attempt_id").values_list(
            "pk",
            "test_form_id",
            "test_form__code",
            "attempt__worker_id",
            *_group_paths("attempt__worker__"),
        )
    )
    if form_ids is None:
        form_ids = sorted({row[1] for row in result_rows})
    items_by_form = _form_items(form_ids)
    responses = _responses(results)
    rows_by_form: dict[int, list[tuple]] = defaultdict(list)
    for row in result_rows:
        rows_by_form[row[1]].append(row)
    return [
        _matrix(form_id, rows[0][2], items_by_form[form_id], rows, responses)
        for form_id, rows in rows_by_form.items()
        # a form without questions has no columns to analyse
        if items_by_form.get(form_id)
    ]


def _form_items(form_ids) -> dict[int, tuple[FormItem, ...]]:
    links = TestFormItem.objects.filter(form_id__in=form_ids).order_by("form_id", "position")
    found: dict[int, list[FormItem]] = defaultdict(list)
    for form_id, position, item_id, code, item_format, correct, number in links.values_list(
        "form_id",
        "position",
        "item_id",
        "item__code",
        "item__format",
        "item__correct_options",
        "item__area__number",
    ):
        found[form_id].append(
            FormItem(
                item_id=item_id,
                code=code,
                format=item_format,
                area_number=number,
                position=position,
                max_score=1.0,  # scoring.py gives every question one mark at most
                correct_options=correct,
                option_count=FORMAT_SHAPE[item_format][0],
            )
        )
    return {form_id: tuple(items) for form_id, items in found.items()}


def _responses(results) -> dict[tuple[int, int], tuple[float, str]]:
    rows = TestResponse.objects.filter(result__in=results).values_list(
        "result_id", "item_id", "marks", "chosen"
    )
    return {(result, item): (float(marks), chosen) for result, item, marks, chosen in rows}


def _matrix(form_id, form_code, items, rows, responses) -> ItemScoreMatrix:
    scores = np.zeros((len(rows), len(items)))
    chosen = [[""] * len(rows) for _ in items]
    for r, row in enumerate(rows):
        for i, item in enumerate(items):
            marks, letters = responses.get((row[0], item.item_id), (0.0, ""))
            scores[r, i] = marks
            chosen[i][r] = letters
    groups = _groups([row[3:] for row in rows])
    return ItemScoreMatrix(
        form_id=form_id,
        form_code=form_code,
        items=items,
        candidates=groups.candidates,
        scores=scores,
        chosen=tuple(tuple(column) for column in chosen),
        groups=groups,
    )


def _selection_table(chosen: tuple[str, ...], option_count: int) -> np.ndarray:
    # vectorised per option letter: a Python loop per candidate took a second nationally
    letters = np.array(chosen, dtype=str)
    return np.column_stack(
        [np.char.find(letters, letter) >= 0 for letter in OPTION_LETTERS[:option_count]]
    ).astype(float)


def _final(roles: dict[str, dict[int, tuple]], area_id: int) -> list[int]:
    for role in FINAL_MARK_PRIORITY:
        if role in roles:
            found = roles[role].get(area_id)
            return list(found[1]) if found else [0] * len(TASKS)
    return [0] * len(TASKS)


def _double_mark_rows(by_attempt, numbers, levels, names) -> DoubleMarks:
    columns: dict[str, list] = defaultdict(list)
    key = pseudonym_key()
    for attempt_id in sorted(by_attempt):
        roles = by_attempt[attempt_id]
        first, second = roles.get(MarkerRole.FIRST), roles.get(MarkerRole.SECOND)
        if not first or not second:
            continue
        label = pseudonym(attempt_id, kind="attempt", key=key)
        for area_id in sorted(first, key=numbers.__getitem__):
            if area_id not in second:
                continue
            (first_who, first_marks), (second_who, second_marks) = first[area_id], second[area_id]
            final = _final(roles, area_id)
            for t, task in enumerate(TASKS):
                columns["attempt_ids"].append(attempt_id)
                columns["attempts"].append(label)
                columns["levels"].append(levels[attempt_id])
                columns["area_numbers"].append(numbers[area_id])
                columns["area_ids"].append(area_id)
                columns["tasks"].append(task)
                columns["first_mark"].append(first_marks[t])
                columns["second_mark"].append(second_marks[t])
                columns["first_assessor"].append(first_who)
                columns["second_assessor"].append(second_who)
                columns["final_mark"].append(final[t])
    return DoubleMarks(
        attempt_ids=np.array(columns["attempt_ids"], dtype=int),
        attempts=tuple(columns["attempts"]),
        area_numbers=np.array(columns["area_numbers"], dtype=int),
        area_ids=np.array(columns["area_ids"], dtype=int),
        tasks=np.array(columns["tasks"], dtype=object),
        first_mark=np.array(columns["first_mark"], dtype=int),
        second_mark=np.array(columns["second_mark"], dtype=int),
        first_assessor=np.array(columns["first_assessor"], dtype=int),
        second_assessor=np.array(columns["second_assessor"], dtype=int),
        final_mark=np.array(columns["final_mark"], dtype=int),
        assessor_names=names,
        levels=np.array(columns["levels"], dtype=object),
    )
