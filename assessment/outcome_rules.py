"""The rule that turns evidence into an outcome for each KSS area and overall.

Pure functions over numbers: the versioned rule set (stored with every outcome) supplies the
parameters, the scoring records supply the evidence. Exact fractions are used throughout so a
boundary such as "at least two thirds of areas" or "a mean of at least 2.5" is never blurred by
floating-point rounding.

Design choices (DOMAIN.md leaves them open; each is a parameter of the versioned rule set):
- an area is *met* when its observation mean reaches the threshold AND its knowledge-test score
  reaches the cut; *partially met* when exactly one of the two does; *not met* when neither does;
- overall *met* when every area is met; *partially met* when at least the given fraction of
  areas (default two thirds) is met; otherwise *not met*.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction


class Result:
    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"

    LABELS = {MET: "Met", PARTIALLY_MET: "Partially met", NOT_MET: "Not met"}


@dataclass(frozen=True)
class RuleParameters:
    """The numbers a rule set version is made of, stored as JSON with the rule set.

    `area_observation_thresholds` holds (area number, threshold) pairs, such as the cuts a
    borderline-regression analysis found; an area without one uses `observation_threshold`.
    Rule sets stored before per-area thresholds existed have none, and read back unchanged.
    """

    observation_threshold: Fraction = Fraction(5, 2)
    knowledge_cut_percent: Fraction = Fraction(60)
    partially_met_fraction: Fraction = Fraction(2, 3)
    area_observation_thresholds: tuple[tuple[int, Fraction], ...] = ()

    AREA_THRESHOLDS_KEY = "area_observation_thresholds"

    @classmethod
    def from_json(cls, data: dict) -> "RuleParameters":
        defaults = cls()
        return cls(
            observation_threshold=Fraction(
                str(data.get("observation_threshold", defaults.observation_threshold))
            ),
            knowledge_cut_percent=Fraction(
                str(data.get("knowledge_cut_percent", defaults.knowledge_cut_percent))
            ),
            partially_met_fraction=Fraction(
                str(data.get("partially_met_fraction", defaults.partially_met_fraction))
            ),
            area_observation_thresholds=tuple(
                sorted(
                    (int(number), Fraction(str(value)))
                    for number, value in data.get(cls.AREA_THRESHOLDS_KEY, {}).items()
                )
            ),
        )

    def to_json(self) -> dict:
        data = {
            "observation_threshold": str(self.observation_threshold),
            "knowledge_cut_percent": str(self.knowledge_cut_percent),
            "partially_met_fraction": str(self.partially_met_fraction),
        }
        # Left out when empty, so a rule set without per-area thresholds is stored as before.
        if self.area_observation_thresholds:
            data[self.AREA_THRESHOLDS_KEY] = {
                str(number): str(value) for number, value in self.area_observation_thresholds
            }
        return data

    def observation_threshold_for(self, area_number: int) -> Fraction:
        return dict(self.area_observation_thresholds).get(area_number, self.observation_threshold)


@dataclass(frozen=True)
class AreaEvidence:
    area_number: int
    observation_mean: Fraction | None  # mean of the final marks (1–4) across tasks
    knowledge_percent: Fraction | None  # share of the area's test items answered correctly


@dataclass(frozen=True)
class AreaResult:
    area_number: int
    result: str
    observation_met: bool
    knowledge_met: bool
    explanation: str = field(compare=False)


def observation_mean(marks: Iterable[int]) -> Fraction | None:
    marks = list(marks)
    if not marks:
        return None
    return Fraction(sum(marks), len(marks))


def knowledge_percent(correct: int, total: int) -> Fraction | None:
    if total == 0:
        return None
    return Fraction(correct * 100, total)


def area_result(evidence: AreaEvidence, rules: RuleParameters) -> AreaResult:
    """Judge one area. Missing evidence never counts as meeting the bar."""
    threshold = rules.observation_threshold_for(evidence.area_number)
    observation_met = (
        evidence.observation_mean is not None and evidence.observation_mean >= threshold
    )
    knowledge_met = (
        evidence.knowledge_percent is not None
        and evidence.knowledge_percent >= rules.knowledge_cut_percent
    )
    if observation_met and knowledge_met:
        result = Result.MET
    elif observation_met or knowledge_met:
        result = Result.PARTIALLY_MET
    else:
        result = Result.NOT_MET
    return AreaResult(
        area_number=evidence.area_number,
        result=result,
        observation_met=observation_met,
        knowledge_met=knowledge_met,
        explanation=_explain(evidence, rules, threshold, observation_met, knowledge_met),
    )


def overall_result(area_results: Sequence[str], rules: RuleParameters) -> str:
    if not area_results:
        raise ValueError("An outcome needs at least one area")
    met = sum(1 for result in area_results if result == Result.MET)
    if met == len(area_results):
        return Result.MET
    if Fraction(met, len(area_results)) >= rules.partially_met_fraction:
        return Result.PARTIALLY_MET
    return Result.NOT_MET


def merge_retake(earlier: dict[int, str], retake: dict[int, str]) -> dict[int, str]:
    """A fast-track retake's results replace the earlier results of the areas it covered;
    areas already met keep their earlier result."""
    merged = dict(earlier)
    for area_number, result in retake.items():
        if earlier.get(area_number) == Result.MET:
            raise ValueError(f"Area {area_number} was already met and cannot be retaken")
        merged[area_number] = result
    return merged


def _explain(evidence, rules, threshold, observation_met, knowledge_met) -> str:
    parts = []
    if evidence.observation_mean is None:
        parts.append("no observation marks")
    else:
        parts.append(
            f"observation mean {_fmt(evidence.observation_mean)} "
            f"{'reaches' if observation_met else 'is below'} {_fmt(threshold)}"
        )
    if evidence.knowledge_percent is None:
        parts.append("no knowledge-test items")
    else:
        parts.append(
            f"knowledge test {_fmt(evidence.knowledge_percent)}% "
            f"{'reaches' if knowledge_met else 'is below'} the "
            f"{_fmt(rules.knowledge_cut_percent)}% cut"
        )
    return "; ".join(parts).capitalize()


def _fmt(value: Fraction) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"
