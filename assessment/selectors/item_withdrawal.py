"""Reads for withdrawing items from scoring: a form's questions with what is already withdrawn,
what a withdrawal did, and the DIF review queue that leads to withdrawals.

The DIF review queue runs Mantel–Haenszel DIF (assessment.psychometrics.dif) on every test
form's score matrix (selectors.psychometrics.item_score_matrices), dichotomised at full marks,
for each equality grouping. Design choices:
- in each grouping the reference group is the largest one with a known answer; every other
  known group is compared with it in turn ("prefer not to say" and blank are left out);
- the minimum group size is the setting NAAS_DIF_MIN_GROUP_SIZE (default: the dif module's
  MIN_GROUP_SIZE); comparisons with fewer candidates are listed as too few to test;
- withdrawn questions stay in the analysis (their answers are kept), marked as withdrawn.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from naas.models import AgeBand, AuditEvent, Disability, EthnicityGroup, Sex

from ..audit import AssessmentAction
from ..models import ItemWithdrawal, Outcome, TestForm, TestFormItem, TestResult
from ..psychometrics.dif import MIN_GROUP_SIZE, DifCategory, Status, dif_all_items
from .psychometrics import GROUPINGS, NOT_KNOWN, item_score_matrices

LEFT_OUT_GROUPS = {NOT_KNOWN, "prefer_not_to_say"}
GROUPING_LABELS = {
    "ethnicity_group": "Ethnicity",
    "age_band": "Age band",
    "sex": "Sex",
    "disability": "Disability",
}
GROUP_LABELS = {
    grouping: dict(choices.choices)
    for grouping, choices in (
        ("ethnicity_group", EthnicityGroup),
        ("age_band", AgeBand),
        ("sex", Sex),
        ("disability", Disability),
    )
}


class _Comparison:
    """Labels for a comparison of a focal group with a reference group in one grouping."""

    grouping: str
    reference: str
    focal: str

    @property
    def grouping_label(self) -> str:
        return GROUPING_LABELS.get(self.grouping, self.grouping)

    @property
    def reference_label(self) -> str:
        return GROUP_LABELS.get(self.grouping, {}).get(self.reference, self.reference)

    @property
    def focal_label(self) -> str:
        return GROUP_LABELS.get(self.grouping, {}).get(self.focal, self.focal)


@dataclass(frozen=True)
class FormQuestion:
    item_id: int
    code: str
    position: int
    area_number: int
    area_title: str
    withdrawn: bool


def form_questions(test_form: TestForm) -> list[FormQuestion]:
    """The form's questions in order, each saying whether it is withdrawn. Two queries."""
    withdrawn = set(
        ItemWithdrawal.objects.filter(test_form=test_form).values_list("item_id", flat=True)
    )
    links = TestFormItem.objects.filter(form=test_form).order_by("position")
    return [
        FormQuestion(item_id, code, position, number, title, item_id in withdrawn)
        for item_id, code, position, number, title in links.values_list(
            "item_id", "item__code", "position", "item__area__number", "item__area__title"
        )
    ]


def form_withdrawals(test_form: TestForm) -> list[ItemWithdrawal]:
    return list(
        ItemWithdrawal.objects.filter(test_form=test_form).select_related(
            "item", "item__area", "withdrawn_by"
        )
    )


@dataclass
class WithdrawalSummary:
    withdrawal: ItemWithdrawal
    results_on_form: int
    new_versions: list[Outcome] = field(default_factory=list)

    @property
    def published(self) -> list[Outcome]:
        return [o for o in self.new_versions if o.is_published]

    @property
    def awaiting_publication(self) -> list[Outcome]:
        return [o for o in self.new_versions if o.confirmed_at and not o.is_published]

    @property
    def to_confirm(self) -> list[Outcome]:
        return [o for o in self.new_versions if o.confirmed_at is None]


def withdrawal_summary(withdrawal_id: int) -> WithdrawalSummary:
    """What a withdrawal did, read back from its audit trail: the outcome versions it made and
    where each stands now. Four queries. Raises ItemWithdrawal.DoesNotExist."""
    withdrawal = ItemWithdrawal.objects.select_related(
        "test_form", "item", "item__area", "withdrawn_by"
    ).get(pk=withdrawal_id)
    outcome_ids = AuditEvent.objects.filter(
        action=AssessmentAction.OUTCOME_RECOMPUTED_AFTER_WITHDRAWAL.value,
        detail__withdrawal=withdrawal.pk,
    ).values_list("object_id", flat=True)
    new_versions = list(
        Outcome.objects.filter(pk__in=[int(pk) for pk in outcome_ids])
        .select_related("attempt__worker__user")
        .order_by("reference")
    )
    return WithdrawalSummary(
        withdrawal=withdrawal,
        results_on_form=TestResult.objects.filter(test_form_id=withdrawal.test_form_id).count(),
        new_versions=new_versions,
    )


# --- The DIF review queue -------------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedItem(_Comparison):
    item_id: int
    code: str
    area_number: int
    grouping: str
    reference: str
    focal: str
    n_reference: int
    n_focal: int
    delta: float
    disadvantaged: str | None
    withdrawn: bool

    @property
    def harder_for(self) -> str:
        """Which group the question is harder for, at equal total score."""
        if self.disadvantaged == "focal":
            return self.focal_label
        return self.reference_label if self.disadvantaged == "reference" else ""


@dataclass(frozen=True)
class UntestedComparison(_Comparison):
    grouping: str
    reference: str
    focal: str
    n_reference: int
    n_focal: int
    reason: str


@dataclass
class FormDifReview:
    form_id: int
    form_code: str
    n_candidates: int
    flagged: list[FlaggedItem] = field(default_factory=list)
    too_few: list[UntestedComparison] = field(default_factory=list)
    comparisons_tested: int = 0


def dif_min_group_size() -> int:
    return getattr(settings, "NAAS_DIF_MIN_GROUP_SIZE", MIN_GROUP_SIZE)


def dif_review_queue() -> list[FormDifReview]:
    """Per test form with results, the questions Mantel–Haenszel DIF classifies C for any
    grouping, and the comparisons with too few candidates to test. Five queries."""
    matrices = item_score_matrices()
    withdrawn = set(ItemWithdrawal.objects.values_list("test_form_id", "item_id"))
    return [_form_review(matrix, withdrawn, dif_min_group_size()) for matrix in matrices]


def _comparisons(labels) -> list[tuple[str, str]]:
    """(reference, focal) pairs: the largest known group against each other known group."""
    sizes = Counter(label for label in labels if label not in LEFT_OUT_GROUPS)
    if len(sizes) < 2:
        return []
    reference = max(sorted(sizes), key=lambda label: sizes[label])
    return [(reference, focal) for focal in sorted(sizes) if focal != reference]


def _form_review(matrix, withdrawn: set, min_group_size: int) -> FormDifReview:
    review = FormDifReview(matrix.form_id, matrix.form_code, matrix.n_candidates)
    if matrix.n_candidates < 2:
        return review
    full_marks = matrix.full_marks()
    for grouping in GROUPINGS:
        labels = matrix.groups.by_grouping[grouping]
        for reference, focal in _comparisons(labels):
            results = dif_all_items(
                full_marks, labels, reference=reference, focal=focal, min_group_size=min_group_size
            )
            _collect(review, matrix, withdrawn, grouping, reference, focal, results)
    return review


def _collect(review, matrix, withdrawn, grouping, reference, focal, results) -> None:
    first = results[0]
    if first.status == Status.TOO_FEW:
        review.too_few.append(
            UntestedComparison(
                grouping, reference, focal, first.n_reference, first.n_focal, first.reason
            )
        )
        return
    review.comparisons_tested += 1
    for result, item in zip(results, matrix.items, strict=True):
        if result.category == DifCategory.C:
            review.flagged.append(
                FlaggedItem(
                    item_id=item.item_id,
                    code=item.code,
                    area_number=item.area_number,
                    grouping=grouping,
                    reference=reference,
                    focal=focal,
                    n_reference=result.n_reference,
                    n_focal=result.n_focal,
                    delta=result.delta,
                    disadvantaged=result.disadvantaged,
                    withdrawn=(matrix.form_id, item.item_id) in withdrawn,
                )
            )
