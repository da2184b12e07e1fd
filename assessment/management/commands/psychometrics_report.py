"""Print the technical report's headline figures, from the same reads as the export.

    manage.py psychometrics_report --json [--window-start 2026-01-01] [--window-end ...]

--json prints {"forms": {FORM: {"n", "reliability", "sem", "items": {ITEM: {"facility",
"discrimination", "mh_delta": {GROUPING: number or null}}}}}, "agreement": {AREA: {...}}}
(see TechnicalReportFigures.report_json); without it, a short text summary. --full with
--json prints every figure (TechnicalReportFigures.to_json)."""

import json

from django.core.management.base import BaseCommand

from ...selectors.psychometric_figures import technical_report_figures
from .psychometrics_export import add_window_arguments, window_from_options


class Command(BaseCommand):
    help = "Print the technical report's figures (reliability, items, DIF, marker agreement)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--full", action="store_true", help="with --json: every figure")
        add_window_arguments(parser)

    def handle(self, *args, **options):
        figures = technical_report_figures(**window_from_options(options))
        if options["json"]:
            data = figures.to_json() if options["full"] else figures.report_json()
            self.stdout.write(json.dumps(data, indent=2, sort_keys=True))
            return
        for form in figures.forms:
            self.stdout.write(
                f"Form {form.code}: {form.n} candidates, reliability {_number(form.reliability)}"
                f" ({form.reliability_method or form.reason}), SEM {_number(form.sem)}"
            )
        for area in figures.agreement:
            self.stdout.write(
                f"Area {area.key}: {area.n_pairs} pairs, weighted kappa "
                f"{_number(area.weighted_kappa)}, alpha {_number(area.krippendorff_alpha)}"
                + (f" ({area.reason})" if area.reason else "")
            )


def _number(value) -> str:
    return "not available" if value is None else f"{value:.3f}"
