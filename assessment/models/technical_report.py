"""The technical report: one background PDF per sitting window, holding the standard setting,
test and item statistics, assessor agreement and fairness figures with their method notes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from naas.models import DocumentState, GeneratedDocument

REPORT_UNFINISHED_STATES = (DocumentState.PENDING, DocumentState.RUNNING)


class TechnicalReport(GeneratedDocument):
    """The technical report for the sittings held from `window_start` to `window_end`
    (inclusive). The PDF is the document's `file`."""

    build_task_name = "assessment.tasks.build_technical_report"

    window_start = models.DateField()
    window_end = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")),
                name="technical_report_window_in_order",
            ),
            # Asking again while one is being made gives that one, never a second.
            models.UniqueConstraint(
                fields=["window_start", "window_end"],
                condition=Q(state__in=REPORT_UNFINISHED_STATES),
                name="one_unfinished_technical_report_per_window",
            ),
        ]

    def __str__(self):
        return f"technical report {self.window_start.isoformat()} to {self.window_end.isoformat()}"

    def document_filename(self) -> str:
        start, end = self.window_start.isoformat(), self.window_end.isoformat()
        return f"technical-report-{start}-{end}-{self.pk}.pdf"

    @property
    def is_unfinished(self) -> bool:
        return self.state in REPORT_UNFINISHED_STATES
