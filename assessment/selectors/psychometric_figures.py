"""Every figure of the technical report, computed by the pure statistics in
`assessment.psychometrics` from the reads in `selectors.psychometrics`.

Decisions the issue left open (kept here so the report, the command and the bench agree):

- DIF: per grouping, the reference group is the largest group among those that name a group
  (NOT_KNOWN and "prefer not to say" are never compared: they are not groups of people with a
  shared characteristic); every other such group is a focal group. The studied item is
  dichotomised (full marks = 1) and candidates are matched on the dichotomised total. The
  compact report (`report_json`) gives per grouping the delta with the largest magnitude over
  the focal groups that could be tested (null when none could).
- Agreement is per KSS area of a level; an area is keyed by its number, prefixed with the
  level ("supervisor:3") only when more than one level was double-marked.
- Stringency compares each assessor with their co-marker on one difference per attempt and
  task (the marks averaged over the task's areas), since the areas of one task are not
  independent (see `agreement.assessor_stringency`).
- Fairness: the share of current published outcomes that are "met", by each grouping, with
  every group (NOT_KNOWN included) shown or suppressed by `fairness.outcome_rates`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date
from enum import Enum

import numpy as np

from ..psychometrics import agreement, dif, fairness, items
from ..psychometrics._common import Status
from .psychometrics import (
    GROUPINGS,
    NOT_KNOWN,
    DoubleMarks,
    EqualityGroups,
    ItemScoreMatrix,
    PublishedOutcomes,
    double_marks,
    item_score_matrices,
    published_outcomes,
)

NOT_COMPARED = frozenset({NOT_KNOWN, "prefer_not_to_say"})
MIN_CANDIDATES = 2
"""Below this a form has no statistics at all (one candidate has no spread)."""


@dataclass(frozen=True)
class DifFigure:
    grouping: str
    reference: str
    focal: str
    status: str
    reason: str
    n_reference: int
    n_focal: int
    delta: float | None = None
    delta_se: float | None = None
    p_value: float | None = None
    category: str | None = None
    disadvantaged: str | None = None


@dataclass(frozen=True)
class ItemFigure:
    code: str
    area_number: int
    position: int
    facility: float
    mean: float
    item_rest_r: float | None
    item_rest_r_reason: str
    discrimination: float
    flags: list[str]
    options: list[dict]
    dif: list[DifFigure]

    def largest_delta(self, grouping: str) -> float | None:
        deltas = [d.delta for d in self.dif if d.grouping == grouping and d.delta is not None]
        return max(deltas, key=abs) if deltas else None


@dataclass(frozen=True)
class FormFigure:
    code: str
    status: str
    reason: str
    n: int
    n_items: int
    max_total: float | None = None
    mean: float | None = None
    sd: float | None = None
    reliability_method: str | None = None
    reliability: float | None = None
    reliability_reason: str = ""
    sem: float | None = None
    items: list[ItemFigure] = field(default_factory=list)


@dataclass(frozen=True)
class AreaAgreementFigure:
    key: str
    level: str
    area_number: int
    status: str
    reason: str
    n_pairs: int
    weighted_kappa: float | None
    krippendorff_alpha: float | None
    exact: float | None
    adjacent: float | None


@dataclass(frozen=True)
class AssessorFigure:
    assessor_id: int
    name: str
    status: str
    reason: str
    n_pairs: int
    mean_difference: float | None
    ci_low: float | None
    ci_high: float | None
    flag: str | None


@dataclass(frozen=True)
class FairnessFigure:
    grouping: str
    status: str
    reason: str
    groups: list[dict]


@dataclass(frozen=True)
class TechnicalReportFigures:
    window_start: date | None
    window_end: date | None
    forms: list[FormFigure]
    agreement: list[AreaAgreementFigure]
    stringency: list[AssessorFigure]
    fairness: list[FairnessFigure]

    def to_json(self) -> dict:
        """Every figure as JSON-ready values (enums as their values, dates as ISO text)."""
        return _jsonable(asdict(self))

    def report_json(self) -> dict:
        """The compact shape `manage.py psychometrics_report --json` prints."""
        return {
            "forms": {form.code: _compact_form(form) for form in self.forms},
            "agreement": {
                area.key: {
                    "weighted_kappa": area.weighted_kappa,
                    "krippendorff_alpha": area.krippendorff_alpha,
                    "exact": area.exact,
                    "adjacent": area.adjacent,
                }
                for area in self.agreement
            },
        }


def technical_report_figures(
    *, window_start: date | None = None, window_end: date | None = None
) -> TechnicalReportFigures:
    """Every figure of the technical report for sittings in the window."""
    window = {"window_start": window_start, "window_end": window_end}
    marks = double_marks(**window)
    return TechnicalReportFigures(
        window_start=window_start,
        window_end=window_end,
        forms=[form_figures(matrix) for matrix in item_score_matrices(**window)],
        agreement=agreement_figures(marks),
        stringency=stringency_figures(marks),
        fairness=fairness_figures(published_outcomes(**window)),
    )


# --- Forms, items and DIF ------------------------------------------------------------------


def form_figures(matrix: ItemScoreMatrix) -> FormFigure:
    n, k = matrix.scores.shape
    if n < MIN_CANDIDATES:
        return FormFigure(
            matrix.form_code,
            Status.TOO_FEW,
            f"too few candidates: {n} (at least {MIN_CANDIDATES} needed)",
            n=n,
            n_items=k,
        )
    options = {"selections": matrix.selections(), "keys": matrix.keys()} if matrix.chosen else {}
    analysis = items.item_analysis(matrix.scores, matrix.max_scores, **options)
    difs = dif_figures(matrix.full_marks(), matrix.groups)
    return FormFigure(
        matrix.form_code,
        Status.OK,
        "",
        n=n,
        n_items=k,
        max_total=analysis.max_total,
        mean=analysis.mean,
        sd=analysis.sd,
        reliability_method=analysis.reliability.method,
        reliability=analysis.reliability.value,
        reliability_reason=analysis.reliability.reason,
        sem=analysis.sem,
        items=[
            _item_figure(matrix.items[i], statistics, [d for d in difs if d[0] == i])
            for i, statistics in enumerate(analysis.items)
        ],
    )


def dif_figures(binary_scores: np.ndarray, groups: EqualityGroups) -> list[tuple[int, DifFigure]]:
    """(item column, DifFigure) for every item, grouping and focal group."""
    found = []
    for grouping in GROUPINGS:
        labels = groups.by_grouping[grouping]
        reference, focals = reference_and_focal_groups(labels)
        for focal in focals:
            results = dif.dif_all_items(binary_scores, labels, reference=reference, focal=focal)
            found += [(r.item, _dif_figure(grouping, reference, focal, r)) for r in results]
    return found


def reference_and_focal_groups(labels: np.ndarray) -> tuple[str | None, list[str]]:
    """The largest comparable group (ties: first by name) and the other comparable groups."""
    values, counts = np.unique(labels.astype(str), return_counts=True)
    comparable = [(int(c), str(v)) for v, c in zip(values, counts, strict=True)]
    comparable = [(c, v) for c, v in comparable if v not in NOT_COMPARED]
    if len(comparable) < 2:
        return None, []
    comparable.sort(key=lambda pair: (-pair[0], pair[1]))
    return comparable[0][1], sorted(v for _, v in comparable[1:])


def _dif_figure(grouping, reference, focal, result: dif.DifResult) -> DifFigure:
    return DifFigure(
        grouping=grouping,
        reference=reference,
        focal=focal,
        status=result.status,
        reason=result.reason,
        n_reference=result.n_reference,
        n_focal=result.n_focal,
        delta=result.delta,
        delta_se=result.delta_se,
        p_value=result.p_value,
        category=result.category,
        disadvantaged=result.disadvantaged,
    )


def _item_figure(item, statistics: items.ItemStatistics, difs) -> ItemFigure:
    return ItemFigure(
        code=item.code,
        area_number=item.area_number,
        position=item.position,
        facility=statistics.facility,
        mean=statistics.mean,
        item_rest_r=statistics.item_rest_r,
        item_rest_r_reason=statistics.item_rest_r_reason,
        discrimination=statistics.discrimination,
        flags=sorted(statistics.flags),
        options=[
            {
                "option": "ABCDEFGH"[o.option],
                "correct": o.correct,
                "proportion": o.proportion,
                "proportion_upper": o.proportion_upper,
                "proportion_lower": o.proportion_lower,
            }
            for o in statistics.options
        ],
        dif=[figure for _, figure in difs],
    )


def _compact_form(form: FormFigure) -> dict:
    return {
        "n": form.n,
        "reliability": form.reliability,
        "sem": form.sem,
        "items": {
            item.code: {
                "facility": item.facility,
                "discrimination": item.discrimination,
                "mh_delta": {grouping: item.largest_delta(grouping) for grouping in GROUPINGS},
            }
            for item in form.items
        },
    }


# --- Marking -----------------------------------------------------------------------------


def agreement_figures(marks: DoubleMarks) -> list[AreaAgreementFigure]:
    levels = marks.levels if marks.levels is not None else np.full(len(marks), "", dtype=object)
    areas = sorted(
        {
            (str(level), int(number))
            for level, number in zip(levels, marks.area_numbers, strict=True)
        }
    )
    one_level = len({level for level, _ in areas}) <= 1
    figures = []
    for level, number in areas:
        rows = (levels == level) & (marks.area_numbers == number)
        result = agreement.marker_agreement(marks.first_mark[rows], marks.second_mark[rows])
        figures.append(
            AreaAgreementFigure(
                key=str(number) if one_level else f"{level}:{number}",
                level=level,
                area_number=number,
                status=result.status,
                reason=result.reason,
                n_pairs=result.n_pairs,
                weighted_kappa=result.weighted_kappa,
                krippendorff_alpha=result.krippendorff_alpha,
                exact=result.exact,
                adjacent=result.adjacent,
            )
        )
    return figures


def stringency_figures(marks: DoubleMarks) -> list[AssessorFigure]:
    if len(marks) == 0:
        return []
    pairs = _task_pairs(marks)
    who, own, other = agreement.co_marker_differences(*pairs)
    return [
        AssessorFigure(
            assessor_id=int(result.assessor),
            name=marks.assessor_names.get(int(result.assessor), ""),
            status=result.status,
            reason=result.reason,
            n_pairs=result.n_pairs,
            mean_difference=result.mean_difference,
            ci_low=result.ci_low,
            ci_high=result.ci_high,
            flag=result.flag,
        )
        for result in agreement.assessor_stringency(who, own, other)
    ]


def _task_pairs(marks: DoubleMarks):
    """One (first assessor, mean first mark, second assessor, mean second mark) per attempt
    and task, averaging over the task's areas."""
    _, task_index = np.unique(marks.tasks.astype(str), return_inverse=True)
    keys = marks.attempt_ids * 8 + task_index  # fewer than 8 tasks
    _, first_row, group = np.unique(keys, return_index=True, return_inverse=True)
    counts = np.bincount(group)
    first = np.bincount(group, weights=marks.first_mark) / counts
    second = np.bincount(group, weights=marks.second_mark) / counts
    return (
        marks.first_assessor[first_row],
        first,
        marks.second_assessor[first_row],
        second,
    )


# --- Fairness ----------------------------------------------------------------------------


def fairness_figures(outcomes: PublishedOutcomes) -> list[FairnessFigure]:
    if len(outcomes.candidates) == 0:
        return [
            FairnessFigure(grouping, Status.TOO_FEW, "no published outcomes in the window", [])
            for grouping in GROUPINGS
        ]
    met = outcomes.met()
    return [
        FairnessFigure(
            grouping,
            Status.OK,
            "",
            [asdict(g) for g in fairness.outcome_rates(outcomes.groups.by_grouping[grouping], met)],
        )
        for grouping in GROUPINGS
    ]


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value):
        return _jsonable(asdict(value))
    return value
