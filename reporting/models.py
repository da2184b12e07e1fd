"""LA reports: one background document per local authority and period, holding a PDF and a CSV."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from naas.models import DocumentState, GeneratedDocument, LocalAuthority

UNFINISHED_STATES = (DocumentState.PENDING, DocumentState.RUNNING)


class ReportKind(models.TextChoices):
    ON_DEMAND = "on_demand", "Requested by the LA"
    MONTHLY = "monthly", "Monthly"


class LAReport(GeneratedDocument):
    """The LA report for one LA and one period. The PDF is the document's `file`; the same
    figures as a CSV go in `csv_file`, written by the same build before the row is ready."""

    build_task_name = "reporting.tasks.build_la_report"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="reports"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    kind = models.CharField(max_length=20, choices=ReportKind.choices, default=ReportKind.ON_DEMAND)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    csv_file = models.FileField(upload_to="reports/", blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="la_report_period_in_order"
            ),
            # Asking again while one is being made gives that one, never a second.
            models.UniqueConstraint(
                fields=["local_authority", "period_start", "period_end"],
                condition=Q(state__in=UNFINISHED_STATES),
                name="one_unfinished_la_report_per_period",
            ),
            # The monthly schedule makes one report per LA per month, however often it runs.
            models.UniqueConstraint(
                fields=["local_authority", "period_start", "period_end"],
                condition=Q(kind=ReportKind.MONTHLY),
                name="one_monthly_la_report_per_period",
            ),
        ]
        indexes = [models.Index(fields=["local_authority", "-requested_at"])]

    def __str__(self):
        return f"{self.local_authority} report {self.period_start} to {self.period_end}"

    def _stem(self) -> str:
        return f"la-report-{self.local_authority.ons_code}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"

    def document_filename(self) -> str:
        return f"{self._stem()}-{self.pk}.pdf"

    def csv_filename(self) -> str:
        return f"{self._stem()}-{self.pk}.csv"

    @property
    def is_unfinished(self) -> bool:
        return self.state in UNFINISHED_STATES


class FiguresRun(models.Model):
    """One refresh of the dashboards' precomputed figures (see reporting.summaries). Pages
    read the latest run; its id is the figures' version (the rendered-page cache is keyed by
    it), and `through_audit_id` is the last audit event it saw, so a reader can tell that
    something has happened since."""

    computed_at = models.DateTimeField()
    as_of = models.DateField(help_text="The day tenure and the last 12 months were counted to")
    through_audit_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"Dashboard figures {self.pk} at {self.computed_at}"


class FigureCount(models.Model):
    """One count of a run: a measure (a pipeline stage, outcomes by result, by month, by KSS
    area or by a worker's group) for one LA and job level. Distinct-worker measures have a
    row for all levels (level ""); counts that add up are stored per level only."""

    run = models.ForeignKey(FiguresRun, on_delete=models.CASCADE, related_name="counts")
    local_authority_id = models.BigIntegerField()
    level = models.CharField(max_length=30, blank=True)
    measure = models.CharField(max_length=20)
    key = models.CharField(max_length=80, blank=True)
    label = models.CharField(max_length=200, blank=True)
    result = models.CharField(max_length=20, blank=True)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "level", "measure"])]

    def __str__(self):
        return f"{self.measure} {self.key} {self.result}: {self.count}"
