"""A results file being imported in the background: the whole-country file takes longer than a
web request should, so the upload is stored and a Celery task checks and imports it."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from .results import ResultsImport
from .scheduling import Sitting


class ImportJobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Checking and importing"
    CHECKED = "checked", "Checked: waiting for you to apply the corrections"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


UNFINISHED_IMPORT_STATES = [ImportJobState.QUEUED, ImportJobState.RUNNING]
# How long a job may sit unfinished before staff are offered to try it again (the task's own
# retries and a redelivery after a worker dies come well within this).
IMPORT_STALE_AFTER = timedelta(minutes=10)


class ImportJob(FSMModelMixin, models.Model):
    """One uploaded results file and what became of it. The row is the truth: the page shows
    it, the task reads it, and running the task again on a finished job changes nothing."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="import_jobs")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(
        max_length=20,
        choices=ImportJobState.choices,
        default=ImportJobState.QUEUED,
        protected=True,
    )
    file = models.FileField(upload_to="results-imports/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64)
    is_correction = models.BooleanField(default=False)
    reason = models.TextField(blank=True, help_text="Why a corrected file replaces results")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(
        default=list, blank=True, help_text="A correction's changed candidates, before and after"
    )
    row_count = models.PositiveIntegerField(default=0)
    row_errors = models.JSONField(default=list, blank=True, help_text="[line, message] pairs")
    candidates_recorded = models.PositiveIntegerField(default=0)
    candidates_unchanged = models.PositiveIntegerField(default=0)
    candidates_corrected = models.PositiveIntegerField(default=0)
    results_import = models.ForeignKey(
        ResultsImport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Results file {self.pk} for sitting {self.sitting_id} ({self.state})"

    def stored_filename(self) -> str:
        # Named by the job's own id: a retry overwrites the same file (naas.storage).
        return f"results-imports/job-{self.pk}.csv"

    @transition(field=state, source=[*UNFINISHED_IMPORT_STATES], target=ImportJobState.RUNNING)
    def start(self):
        """The task starts checking the file (again, if a worker died part-way)."""

    @transition(field=state, source=ImportJobState.RUNNING, target=ImportJobState.DONE)
    def finish(self):
        """Every row was good and the results are stored (or were already)."""

    @transition(field=state, source=ImportJobState.RUNNING, target=ImportJobState.CHECKED)
    def hold_for_confirmation(self):
        """A corrected file is checked: the administrator sees what changes before it applies."""

    @transition(field=state, source=ImportJobState.CHECKED, target=ImportJobState.QUEUED)
    def confirm(self):
        """The administrator applies the corrections they were shown."""

    @transition(field=state, source=[*UNFINISHED_IMPORT_STATES], target=ImportJobState.FAILED)
    def fail(self):
        """The file has problems (row_errors), or the task gave up (last_error)."""

    @transition(
        field=state,
        source=[*UNFINISHED_IMPORT_STATES, ImportJobState.FAILED],
        target=ImportJobState.QUEUED,
        conditions=[lambda job: job.can_be_retried],
    )
    def retry(self):
        """Staff try again a job whose task died or gave up."""

    @property
    def is_unfinished(self) -> bool:
        return self.state in UNFINISHED_IMPORT_STATES

    @property
    def is_done(self) -> bool:
        return self.state == ImportJobState.DONE

    @property
    def is_waiting_for_confirmation(self) -> bool:
        return self.state == ImportJobState.CHECKED

    @property
    def has_row_errors(self) -> bool:
        return bool(self.row_errors)

    @property
    def is_stale(self) -> bool:
        """Unfinished, and not touched for IMPORT_STALE_AFTER: its worker died or the message
        was lost."""
        return self.is_unfinished and self.updated_at < timezone.now() - IMPORT_STALE_AFTER

    @property
    def can_be_retried(self) -> bool:
        """A task that died or gave up is worth trying again; a file with bad rows is not (it
        needs a corrected file)."""
        gave_up = self.state == ImportJobState.FAILED and not self.row_errors
        return gave_up or self.is_stale

    @property
    def row_error_lines(self) -> int:
        return len({line for line, _ in self.row_errors})
