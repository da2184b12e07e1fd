"""The core domain: people, employers, rollout phases, KSS frameworks and the audit trail."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from .sso.models import OidcIdentity  # noqa: F401  (single sign-on, issue 16)

MIN_TENURE_FLOOR_MONTHS = 6
MIN_TENURE_CEILING_MONTHS = 12

registration_number_validator = RegexValidator(
    regex=r"^SW[0-9]{1,6}\Z",
    message="Enter a Social Work England registration number, like SW123",
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class PhaseCode(models.TextChoices):
    ALPHA = "alpha", "Alpha"
    BETA = "beta", "Beta"
    NATIONAL = "national", "National"


class Phase(models.Model):
    """A rollout phase: which LAs take part, when, and what it aims for."""

    code = models.CharField(max_length=20, choices=PhaseCode.choices, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    target_accredited = models.PositiveIntegerField(
        default=0, help_text="How many social workers this phase aims to accredit"
    )

    class Meta:
        ordering = ["starts_on"]

    def __str__(self):
        return self.get_code_display()


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


class OfstedGrade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class LocalAuthority(models.Model):
    """An employer of child and family social workers, with its own endorsement policies."""

    name = models.CharField(max_length=120, unique=True)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^E[0-9]{8}\Z", "Enter an ONS code, like E08000002")],
    )
    region = models.CharField(max_length=20, choices=Region.choices)
    ofsted_grade = models.CharField(max_length=30, choices=OfstedGrade.choices)
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="local_authorities")
    min_tenure_months = models.PositiveSmallIntegerField(
        "minimum tenure before endorsement (months)",
        default=MIN_TENURE_FLOOR_MONTHS,
        validators=[
            MinValueValidator(MIN_TENURE_FLOOR_MONTHS),
            MaxValueValidator(MIN_TENURE_CEILING_MONTHS),
        ],
    )
    endorses_agency_workers = models.BooleanField(
        "endorses agency workers",
        default=True,
        help_text="Whether this LA endorses agency staff for assessment",
    )
    grant_received = models.DecimalField(
        "grant received (£)", max_digits=12, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_tenure_months__gte=MIN_TENURE_FLOOR_MONTHS)
                & Q(min_tenure_months__lte=MIN_TENURE_CEILING_MONTHS),
                name="la_min_tenure_6_to_12_months",
            ),
        ]

    def __str__(self):
        return self.name


class Level(models.TextChoices):
    PRACTITIONER = "practitioner", "Approved child and family practitioner"
    SUPERVISOR = "supervisor", "Practice supervisor"
    LEADER = "leader", "Practice leader"


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    AGENCY = "agency", "Agency"


class AgeBand(models.TextChoices):
    UNDER_30 = "under_30", "Under 30"
    FROM_30_TO_39 = "30_39", "30 to 39"
    FROM_40_TO_49 = "40_49", "40 to 49"
    FROM_50_TO_59 = "50_59", "50 to 59"
    OVER_60 = "60_plus", "60 or over"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class EthnicityGroup(models.TextChoices):
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class SocialWorker(models.Model):
    """A registered child and family social worker employed by a local authority."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="social_worker")
    registration_number = models.CharField(
        "Social Work England registration number",
        max_length=8,
        unique=True,
        validators=[registration_number_validator],
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="social_workers"
    )
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    employed_since = models.DateField("employed by this LA since")
    job_level = models.CharField(
        "role",
        max_length=20,
        choices=Level.choices,
        default=Level.PRACTITIONER,
        help_text="The accreditation level that fits the worker's current role",
    )
    supervisor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
    )
    # Equality data: optional, self-declared, only ever reported in aggregate.
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    ethnicity_group = models.CharField(max_length=20, choices=EthnicityGroup.choices, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)

    class Meta:
        ordering = ["user__full_name"]
        indexes = [models.Index(fields=["local_authority", "employment_type"])]

    def __str__(self):
        return f"{self.user.full_name} ({self.registration_number})"

    @property
    def full_name(self):
        return self.user.full_name

    def clean(self):
        if self.supervisor_id and self.supervisor_id == self.user_id:
            raise ValidationError({"supervisor": "A social worker cannot supervise themselves"})


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", "Supervisor"
    LA_LEAD = "la_lead", "LA lead"
    ASSESSOR = "assessor", "Assessor"
    MODERATOR = "moderator", "Moderator"
    ADMINISTRATOR = "administrator", "Assessment administrator"
    DFE = "dfe", "DfE staff"


ROLES_SCOPED_TO_AN_LA = (Role.SUPERVISOR, Role.LA_LEAD)
ROLES_NEVER_SCOPED = (Role.ADMINISTRATOR, Role.DFE)


class StaffRole(models.Model):
    """A role a user holds. Supervisors and LA leads act within one LA; an assessor's or
    moderator's LA, when set, records a link that rules out assessing that LA's candidates."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_roles",
    )

    class Meta:
        ordering = ["user__full_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "local_authority"], name="unique_role_per_la"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(local_authority__isnull=True),
                name="unique_unscoped_role",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=ROLES_SCOPED_TO_AN_LA) | Q(local_authority__isnull=False),
                name="la_roles_have_an_la",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=ROLES_NEVER_SCOPED) | Q(local_authority__isnull=True),
                name="national_roles_have_no_la",
            ),
        ]

    def __str__(self):
        where = f" at {self.local_authority}" if self.local_authority_id else ""
        return f"{self.user} – {self.get_role_display()}{where}"


class KSSFramework(models.Model):
    """One version of the Knowledge and Skills Statements for a level."""

    level = models.CharField(max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["level", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["level", "version"], name="unique_framework_version"),
            models.UniqueConstraint(
                fields=["level"], condition=Q(is_current=True), name="one_current_framework"
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"


class KSSArea(models.Model):
    """A numbered area of a KSS framework: assessment and feedback are always per area."""

    framework = models.ForeignKey(KSSFramework, on_delete=models.PROTECT, related_name="areas")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="unique_area_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only")

    def delete(self):
        raise PermissionError("Audit events are append-only")

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AuditEvent(models.Model):
    """An append-only record of something that happened: who, when, to what, and why."""

    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=80)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only")


class DocumentState(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


UNFINISHED_DOCUMENT_STATES = [DocumentState.PENDING, DocumentState.RUNNING]
NOT_READY = [*UNFINISHED_DOCUMENT_STATES, DocumentState.FAILED]


def is_failed_or_stale(document) -> bool:
    """Failed, or left unfinished past the sweep's threshold: worth asking for again."""
    return document.state == DocumentState.FAILED or document.is_stale


class GeneratedDocument(FSMModelMixin, models.Model):
    """A file the service makes in the background: a letter, a certificate, a report.

    The row is the source of truth. Its build task is queued after the transaction that asked
    for it commits; a lost message is re-sent by the sweep; a task run twice still leaves one
    file. Subclasses name their Celery task in `build_task_name` and their file in
    `document_filename()`; naas.services applies the transitions, each with its audit event."""

    build_task_name: str = ""

    state = FSMField(
        max_length=20, choices=DocumentState.choices, default=DocumentState.PENDING, protected=True
    )
    file = models.FileField(upload_to="documents/", blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent complete")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def document_filename(self) -> str:
        raise NotImplementedError

    @transition(field=state, source=NOT_READY, target=DocumentState.RUNNING)
    def start(self):
        """A build task starts making the file (again, if a worker died or it was resent)."""

    @transition(field=state, source=NOT_READY, target=DocumentState.READY)
    def finish(self):
        """The file is saved, whatever another run did meanwhile (only a ready one wins)."""

    @transition(field=state, source=UNFINISHED_DOCUMENT_STATES, target=DocumentState.FAILED)
    def fail(self):
        """The build task gave up."""

    @transition(
        field=state, source=NOT_READY, target=DocumentState.PENDING, conditions=[is_failed_or_stale]
    )
    def retry(self):
        """Staff ask again for a failed document, or one stuck unfinished."""

    @property
    def is_ready(self) -> bool:
        return self.state == DocumentState.READY

    @staticmethod
    def stale_filter(cutoff) -> Q:
        """Unfinished, and neither queued nor started since `cutoff`: its message was lost, the
        broker was down, or the worker running it died (a message a killed worker had reserved
        would otherwise come back only after Redis's visibility_timeout)."""
        return (
            Q(state__in=UNFINISHED_DOCUMENT_STATES, requested_at__lt=cutoff)
            & (Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True))
            & (Q(started_at__lt=cutoff) | Q(started_at__isnull=True))
        )

    @property
    def is_stale(self) -> bool:
        """Unfinished for longer than NAAS_DOCUMENT_SWEEP_AFTER_SECONDS (see stale_filter)."""
        if self.state not in UNFINISHED_DOCUMENT_STATES:
            return False
        cutoff = timezone.now() - timedelta(seconds=settings.NAAS_DOCUMENT_SWEEP_AFTER_SECONDS)
        return (
            all(moment is None or moment < cutoff for moment in (self.queued_at, self.started_at))
            and self.requested_at < cutoff
        )


class SubmittedForm(models.Model):
    """A create form that has been acted on once, so a replay of the same submission (a double
    click, the browser's resend) is shown the record already made instead of making another.

    `key` is a digest of who posted what where, including the form's CSRF token, which Django
    masks afresh on every page it renders: a replay repeats it, a new visit to the form does
    not."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"form submitted {self.submitted_at:%Y-%m-%d %H:%M}"
