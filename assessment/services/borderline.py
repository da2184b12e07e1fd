"""Writes for borderline regression of the observed simulated practice: running the analysis
for a window of sittings and adopting its per-area cuts into a new outcome rule set version."""

from dataclasses import asdict, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from naas.dates import today
from naas.models import KSSFramework
from naas.services import audit_event_record

from .. import policies
from ..audit import AssessmentAction
from ..models import MARK_MAX, MARK_MIN, BorderlineAnalysis, OutcomeRuleSet
from ..outcome_rules import RuleParameters
from ..psychometrics._common import Status
from ..selectors.borderline import AreaObservations, borderline_observations
from .common import AssessmentError
from .outcomes import rule_set_create, rule_set_current

CUT_PLACES = Decimal("0.01")  # a rule set's threshold is kept to two decimal places


def _require_analyst(actor) -> None:
    if not policies.can_run_borderline_analysis(actor):
        raise PermissionDenied("Only assessment administrators can run borderline regression")


def window_problems(window_start: date, window_end: date) -> list[str]:
    """Why a window of sittings cannot be analysed: it must be in order and already over."""
    problems = []
    if window_end < window_start:
        problems.append("The end of the window must be the same as or after its start")
    if window_start > today():
        problems.append("The start of the window must be today or in the past")
    if window_end > today():
        problems.append("The end of the window must be today or in the past")
    return problems


def _area_result(area, observed: AreaObservations | None) -> dict:
    """One area's regression as stored JSON. With no judged marks at all there is nothing to
    regress: that is "too few" too, said in the same words as the statistic's own status."""
    # Imported here: statsmodels takes seconds to load, and only this write needs it.
    from ..psychometrics.standard_setting import MIN_REGRESSION_CANDIDATES, borderline_regression

    base = {"area_id": area.pk, "number": area.number, "title": area.title}
    if observed is None:
        reason = f"too few candidates: 0 (at least {MIN_REGRESSION_CANDIDATES} needed)"
        return {**base, "status": str(Status.TOO_FEW), "reason": reason, "n": 0}
    cut = borderline_regression(observed.means, observed.judgements)
    values = asdict(cut)
    values.pop("adjusted_cut")  # no SEM is given for observation marks
    return {**base, **values, "status": str(cut.status)}


@transaction.atomic
def borderline_analysis_run(
    *, framework: KSSFramework, window_start: date, window_end: date, actor
) -> BorderlineAnalysis:
    """Regress the first markers' observation means on their global judgements, area by area,
    for the framework's attempts sat in the window, and keep the result."""
    _require_analyst(actor)
    problems = window_problems(window_start, window_end)
    if problems:
        raise AssessmentError(*problems)
    observations = borderline_observations(framework, window_start, window_end)
    results = [
        _area_result(area, observations.get(area.pk)) for area in framework.areas.order_by("number")
    ]
    analysis = BorderlineAnalysis.objects.create(
        framework=framework,
        window_start=window_start,
        window_end=window_end,
        results=results,
        computed_by=actor,
    )
    audit_event_record(
        actor=actor,
        subject=analysis,
        action=AssessmentAction.BORDERLINE_ANALYSIS_RUN,
        detail={
            "framework": framework.pk,
            "window_start": window_start.isoformat(),
            "window_end": window_end.isoformat(),
            "areas": {str(r["number"]): {"status": r["status"], "n": r["n"]} for r in results},
        },
    )
    return analysis


def adoptable_cuts(analysis: BorderlineAnalysis) -> dict[int, Fraction]:
    """Per area number, the cut a rule set would take: areas with a cut, rounded half up to
    two places. Areas with too few candidates (or no slope) keep the threshold in force."""
    return {
        row["number"]: Fraction(
            str(Decimal(str(row["cut_score"])).quantize(CUT_PLACES, rounding=ROUND_HALF_UP))
        )
        for row in analysis.results
        if row["status"] == Status.OK and row.get("cut_score") is not None
    }


def adoption_parameters(analysis: BorderlineAnalysis, current: RuleParameters) -> RuleParameters:
    """The rules in force with this analysis's cuts as per-area thresholds (other areas keep
    any per-area threshold they had)."""
    merged = dict(current.area_observation_thresholds) | adoptable_cuts(analysis)
    return replace(current, area_observation_thresholds=tuple(sorted(merged.items())))


def adoption_problems(analysis: BorderlineAnalysis) -> list[str]:
    if analysis.is_adopted:
        return ["This analysis has already been adopted into the outcome rules"]
    cuts = adoptable_cuts(analysis)
    if not cuts:
        return ["No area has enough candidates for a cut: there is nothing to adopt"]
    return [
        f"The cut for area {number} must be between {MARK_MIN} and {MARK_MAX} to be adopted"
        for number, cut in sorted(cuts.items())
        if not MARK_MIN <= cut <= MARK_MAX
    ]


@transaction.atomic
def borderline_analysis_adopt(*, analysis: BorderlineAnalysis, actor) -> OutcomeRuleSet:
    """Make a new outcome rule set version whose per-area observation thresholds are the
    analysis's cuts. Once only; outcomes computed before keep the version they used."""
    _require_analyst(actor)
    locked = (
        BorderlineAnalysis.objects.select_for_update(of=("self",))
        .select_related("framework")
        .get(pk=analysis.pk)
    )
    problems = adoption_problems(locked)
    if problems:
        raise AssessmentError(*problems)
    current = RuleParameters.from_json(rule_set_current(locked.framework).parameters)
    rule_set = rule_set_create(
        framework=locked.framework,
        parameters=adoption_parameters(locked, current),
        notes=(
            f"Observation thresholds per area from borderline regression {locked.pk} "
            f"(sittings {locked.window_start.isoformat()} to {locked.window_end.isoformat()})"
        ),
        actor=actor,
    )
    locked.adopted_rule_set = rule_set
    locked.adopted_by = actor
    locked.adopted_at = timezone.now()
    locked.save(update_fields=["adopted_rule_set", "adopted_by", "adopted_at"])
    audit_event_record(
        actor=actor,
        subject=locked,
        action=AssessmentAction.BORDERLINE_ANALYSIS_ADOPTED,
        detail={
            "rule_set": rule_set.pk,
            "version": rule_set.version,
            "cuts": {str(n): str(cut) for n, cut in sorted(adoptable_cuts(locked).items())},
        },
    )
    return rule_set
