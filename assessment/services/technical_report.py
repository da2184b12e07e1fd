"""The technical report: asking for one per sitting window, and building its PDF.

A request gives the one report for the window that is being made, if there is one, and never a
second. The build (assessment.tasks.build_technical_report) reads the figures, lays them out as
tables, inline SVG charts and method notes (templates/pdf/technical_report.html) and saves the
PDF through the shared document machinery (naas.services.document_*), which applies the
transitions, counts the attempts and records failures for staff to retry."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from naas import pdf
from naas.models import DocumentState
from naas.services import (
    DocumentRetry,
    audit_event_record,
    document_build,
    document_queue,
    document_report_progress,
    document_retry,
)

from .. import policies
from ..audit import AssessmentAction
from ..models import REPORT_UNFINISHED_STATES, TechnicalReport
from ..psychometrics import agreement as agreement_statistics
from ..psychometrics._common import Status
from ..psychometrics.dif import MIN_GROUP_SIZE
from ..psychometrics.fairness import SUPPRESSED, SUPPRESSION_THRESHOLD
from ..psychometrics.items import MIN_ITEM_REST_R, TOO_EASY_FACILITY, TOO_HARD_FACILITY
from .common import AssessmentError

WINDOW_ORDER_MESSAGE = "The end of the sitting window must be the same as or after the start"
PROGRESS_FIGURES = 40
PROGRESS_LAYOUT = 60
PROGRESS_PDF = 90
NOT_AVAILABLE = "–"
TOO_FEW_TO_TEST = "Too few to test"


def _require_report_user(actor) -> None:
    if not policies.can_use_technical_reports(actor):
        raise PermissionDenied("Only assessment administrators and DfE staff can do this")


def _unfinished(start: date, end: date) -> TechnicalReport | None:
    return (
        TechnicalReport.objects.filter(
            window_start=start, window_end=end, state__in=REPORT_UNFINISHED_STATES
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def technical_report_request(
    *, window_start: date, window_end: date, actor
) -> tuple[TechnicalReport, bool]:
    """Ask for the technical report of the sittings from `window_start` to `window_end`. If
    one for the same window is still being made, that one is returned (`created` is False)."""
    _require_report_user(actor)
    if window_end < window_start:
        raise AssessmentError(WINDOW_ORDER_MESSAGE)
    existing = _unfinished(window_start, window_end)
    if existing is not None:
        return existing, False
    try:
        # Two requests at once: the partial unique constraint lets one in; the other gets it.
        with transaction.atomic():
            report = TechnicalReport.objects.create(
                window_start=window_start, window_end=window_end, requested_by=actor
            )
    except IntegrityError:
        existing = _unfinished(window_start, window_end)
        if existing is None:
            raise
        return existing, False
    audit_event_record(
        actor=actor,
        subject=report,
        action=AssessmentAction.TECHNICAL_REPORT_REQUESTED,
        to_state=DocumentState.PENDING,
        detail={"window_start": window_start.isoformat(), "window_end": window_end.isoformat()},
    )
    document_queue(document=report)
    return report, True


@transaction.atomic
def technical_report_retry(*, report: TechnicalReport, actor) -> DocumentRetry:
    """Ask again for a report that failed (or is stuck). If another report for the same
    window is being made meanwhile, that one is the answer; a ready one is left as it is."""
    _require_report_user(actor)
    other = _unfinished(report.window_start, report.window_end)
    if other is not None and other.pk != report.pk:
        return DocumentRetry(document=other, queued=False)
    return document_retry(document=report, actor=actor)


# --- Building -------------------------------------------------------------------------------


def technical_report_build(*, report_id: int) -> TechnicalReport:
    """Make the report's PDF (run by assessment.tasks.build_technical_report). Running it
    twice still leaves one report with one PDF."""
    return document_build(model=TechnicalReport, document_id=report_id, render=_render)


def _figures(report: TechnicalReport):
    from ..selectors.psychometric_figures import technical_report_figures

    return technical_report_figures(window_start=report.window_start, window_end=report.window_end)


def _render(report: TechnicalReport) -> bytes:
    figures = _figures(report)
    document_report_progress(model=TechnicalReport, document_id=report.pk, percent=PROGRESS_FIGURES)
    context = report_context(
        figures,
        window_start=report.window_start,
        window_end=report.window_end,
        generated_on=timezone.localdate(),
    )
    document_report_progress(model=TechnicalReport, document_id=report.pk, percent=PROGRESS_LAYOUT)
    content = pdf.render_pdf(
        template_name="pdf/technical_report.html",
        context={**context, "report": report},
        title="Technical report on the national assessment",
    )
    document_report_progress(model=TechnicalReport, document_id=report.pk, percent=PROGRESS_PDF)
    return content


# --- Laying out the figures -----------------------------------------------------------------
#
# The figures arrive as the psychometrics dataclasses; the PDF template gets plain rows of text
# so that formatting (decimals, "too few", suppression) is decided once, here.


def number(value, places: int = 2) -> str:
    return NOT_AVAILABLE if value is None else f"{value:.{places}f}"


def percent(value) -> str:
    return NOT_AVAILABLE if value is None else f"{100 * value:.0f}%"


def assessor_code(assessor) -> str:
    """A pseudonymous code for an assessor: the same assessor has the same code in every
    report (so DfE can follow one over time), and nobody without the secret key can work out
    who it is."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"assessor:{assessor}".encode(), hashlib.sha256
    ).hexdigest()
    return f"AS-{digest[:6].upper()}"


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float
    flagged: bool


CHART_LABEL_WIDTH = 90  # room for an item code at the chart's font size
CHART_PLOT_WIDTH = 400
CHART_ROW_HEIGHT = 14
CHART_TOP = 18


def facility_chart(form_label: str, items: list[dict]) -> dict:
    """A horizontal bar chart of item facility (0 to 1), with the too-hard and too-easy lines,
    as geometry for the template's inline SVG."""
    bars = [
        Bar(
            label=item["code"],
            value_text=item["facility"],
            y=CHART_TOP + index * CHART_ROW_HEIGHT,
            width=round(item["facility_value"] * CHART_PLOT_WIDTH, 1),
            flagged=bool(item["flags"]),
        )
        for index, item in enumerate(items)
    ]
    height = CHART_TOP + len(bars) * CHART_ROW_HEIGHT + 20
    hardest = min(items, key=lambda item: item["facility_value"], default=None)
    easiest = max(items, key=lambda item: item["facility_value"], default=None)
    return {
        "title": f"Facility of each item on form {form_label}",
        "desc": (
            f"Bar chart of the share of the maximum score gained on each of {len(items)} items, "
            "from 0 to 1, with lines at the too-hard and too-easy limits. "
            + (
                f"Hardest {hardest['code']} ({hardest['facility']}), "
                f"easiest {easiest['code']} ({easiest['facility']}). The table below gives each value."
                if items
                else ""
            )
        ),
        "bars": bars,
        "height": height,
        "label_width": CHART_LABEL_WIDTH,
        "plot_width": CHART_PLOT_WIDTH,
        "total_width": CHART_LABEL_WIDTH + CHART_PLOT_WIDTH + 50,
        "axis_y": height - 18,
        "guides": [
            {"x": CHART_LABEL_WIDTH + limit * CHART_PLOT_WIDTH, "label": f"{limit:g}"}
            for limit in (0, TOO_HARD_FACILITY, 0.5, TOO_EASY_FACILITY, 1)
        ],
    }


FLAG_TEXT = {
    "too_easy": "Too easy",
    "too_hard": "Too hard",
    "non_discriminating": "Does not discriminate",
    "distractor_attracts_strong": "Distractor draws strong candidates",
}


def _is_ok(status) -> bool:
    return str(status) == Status.OK


def _statistic(value, reason: str, status) -> str:
    if str(status) == Status.TOO_FEW:
        return TOO_FEW_TO_TEST
    return number(value) if value is not None else (reason or NOT_AVAILABLE)


def _item_rows(form) -> list[dict]:
    return [
        {
            "code": item.code,
            "facility": number(item.facility),
            "facility_value": item.facility,
            "discrimination": number(item.discrimination),
            "item_rest_r": _statistic(item.item_rest_r, item.item_rest_r_reason, Status.OK),
            "flags": sorted(FLAG_TEXT.get(str(flag), str(flag)) for flag in item.flags),
        }
        for item in form.items
    ]


def _dif_tables(form) -> list[dict]:
    """One table per grouping and focal group, a row per item."""
    tables: dict[tuple[str, str, str], list[dict]] = {}
    for item in form.items:
        for figure in item.dif:
            tested = _is_ok(figure.status)
            key = (figure.grouping, figure.reference, figure.focal)
            tables.setdefault(key, []).append(
                {
                    "code": item.code,
                    "n": f"{figure.n_reference} / {figure.n_focal}",
                    "delta": number(figure.delta) if tested else NOT_AVAILABLE,
                    "category": str(figure.category)
                    if tested and figure.category
                    else _statistic(None, figure.reason, figure.status),
                    "disadvantaged": figure.disadvantaged or NOT_AVAILABLE,
                }
            )
    return [
        {
            "grouping": label(grouping),
            "reference": label(reference),
            "focal": label(focal),
            "rows": rows,
        }
        for (grouping, reference, focal), rows in tables.items()
    ]


def label(value) -> str:
    """A stored code as words: "ethnicity_group" → "ethnicity group"."""
    return str(value).replace("_", " ")


def _form_section(form) -> dict:
    items = _item_rows(form)
    return {
        "label": form.code,
        "tested": _is_ok(form.status),
        "reason": form.reason,
        "n": form.n,
        "n_items": form.n_items,
        "mean": number(form.mean),
        "sd": number(form.sd),
        "max_total": number(form.max_total, 0),
        "reliability": _statistic(form.reliability, form.reliability_reason, form.status),
        "reliability_method": str(form.reliability_method or NOT_AVAILABLE),
        "sem": number(form.sem),
        "items": items,
        "chart": facility_chart(form.code, items),
        "dif": _dif_tables(form),
    }


def _agreement_rows(agreement) -> list[dict]:
    rows = []
    for area in agreement:
        tested = _is_ok(area.status)
        rows.append(
            {
                "area": f"{label(area.level).capitalize()} area {area.area_number}"
                if area.level
                else f"Area {area.area_number}",
                "n_pairs": area.n_pairs,
                "kappa": _statistic(area.weighted_kappa, area.reason, area.status),
                "alpha": _statistic(area.krippendorff_alpha, area.reason, area.status),
                "exact": percent(area.exact) if tested else NOT_AVAILABLE,
                "adjacent": percent(area.adjacent) if tested else NOT_AVAILABLE,
            }
        )
    return rows


def _stringency_rows(stringency) -> list[dict]:
    """Assessors by pseudonymous code only: the report goes to DfE, who never see names."""
    rows = []
    for assessor in stringency:
        tested = _is_ok(assessor.status)
        rows.append(
            {
                "code": assessor_code(assessor.assessor_id),
                "n_pairs": assessor.n_pairs,
                "mean_difference": _statistic(
                    assessor.mean_difference, assessor.reason, assessor.status
                ),
                "interval": f"{number(assessor.ci_low)} to {number(assessor.ci_high)}"
                if tested
                else NOT_AVAILABLE,
                "flag": str(assessor.flag).capitalize() if assessor.flag else "",
            }
        )
    return sorted(rows, key=lambda row: row["code"])


def _fairness_row(group: dict) -> dict:
    if group["suppressed"]:
        return {"group": label(group["group"]), "suppressed": True}
    return {
        "group": label(group["group"]),
        "suppressed": False,
        "n": group["n"],
        "count": group["count"],
        "rate": percent(group["rate"]),
        "interval": f"{percent(group['ci_low'])} to {percent(group['ci_high'])}",
        "impact_ratio": number(group["impact_ratio"]),
        "adverse": bool(group["adverse_impact"]),
    }


def _fairness_tables(fairness) -> list[dict]:
    return [
        {
            "grouping": label(table.grouping),
            "outcome": "met the standard",
            "tested": _is_ok(table.status),
            "reason": table.reason,
            "rows": [_fairness_row(group) for group in table.groups],
        }
        for table in fairness
    ]


def report_context(figures, *, window_start: date, window_end: date, generated_on: date) -> dict:
    """Everything the PDF template shows, as text (see the template's comment), from
    `selectors.psychometric_figures.TechnicalReportFigures`."""
    forms = [_form_section(form) for form in figures.forms]
    return {
        "window_start": window_start,
        "window_end": window_end,
        # Each candidate sits one form in a window.
        "n_candidates": sum(form.n for form in figures.forms),
        "generated_on": generated_on,
        "forms": forms,
        "agreement": _agreement_rows(figures.agreement),
        "stringency": _stringency_rows(figures.stringency),
        "fairness": _fairness_tables(figures.fairness),
        "suppressed_symbol": SUPPRESSED,
        "suppression_threshold": SUPPRESSION_THRESHOLD,
        "limits": {
            "too_hard": TOO_HARD_FACILITY,
            "too_easy": TOO_EASY_FACILITY,
            "item_rest_r": MIN_ITEM_REST_R,
            "dif_group": MIN_GROUP_SIZE,
            "agreement_pairs": agreement_statistics.MIN_AGREEMENT_PAIRS,
            "stringency_pairs": agreement_statistics.MIN_STRINGENCY_PAIRS,
            "stringency_margin": agreement_statistics.STRINGENCY_MARGIN,
        },
    }
