"""Reads for borderline-regression analyses: the first markers' observations with their global
judgements in a window of sittings, and the stored analyses for their pages."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from naas.models import KSSFramework

from ..models import AreaMark, BorderlineAnalysis, MarkerRole


@dataclass
class AreaObservations:
    """One area's pairs for the regression: each first marker's observation mean (the mean of
    the four task marks) and their global judgement, in the same order."""

    means: list[float] = field(default_factory=list)
    judgements: list[int] = field(default_factory=list)


def borderline_observations(
    framework: KSSFramework, window_start: date, window_end: date
) -> dict[int, AreaObservations]:
    """Per area id, the submitted first marks of the framework's attempts sat in the window
    that carry a global judgement. Only first marks: each candidate counts once, judged by a
    marker who had not seen anyone else's marks. One query."""
    rows = AreaMark.objects.filter(
        allocation__role=MarkerRole.FIRST,
        allocation__active=True,
        allocation__submitted_at__isnull=False,
        allocation__attempt__framework=framework,
        allocation__attempt__sitting__date__range=(window_start, window_end),
        global_judgement__isnull=False,
    ).values_list("area_id", *AreaMark.TASK_FIELDS, "global_judgement")
    observations: dict[int, AreaObservations] = defaultdict(AreaObservations)
    for area_id, *marks, judgement in rows:
        observations[area_id].means.append(sum(marks) / len(marks))
        observations[area_id].judgements.append(judgement)
    return dict(observations)


def borderline_analyses() -> QuerySet[BorderlineAnalysis]:
    """Every stored analysis, newest first, with what its list shows."""
    return BorderlineAnalysis.objects.select_related("framework", "computed_by", "adopted_rule_set")


def borderline_analysis(analysis_id: int) -> BorderlineAnalysis:
    """One analysis for its page; BorderlineAnalysis.DoesNotExist when there is none."""
    return borderline_analyses().select_related("adopted_by").get(pk=analysis_id)
