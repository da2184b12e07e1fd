"""Every write in the core domain, each with its audit event in the same transaction."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import AuditEvent, LocalAuthority, SocialWorker, User


def audit_event_record(
    *,
    actor,
    subject,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append an audit event. Call it inside the transaction that made the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        detail=detail or {},
    )


def audit_events_record_many(*, actor, action: str, subjects, detail=None) -> None:
    """Append one audit event per subject in a single insert (bulk imports)."""
    events = [
        AuditEvent(
            actor=actor,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=str(subject.pk),
            action=action,
            detail=detail or {},
        )
        for subject in subjects
    ]
    AuditEvent.objects.bulk_create(events)


@transaction.atomic
def social_worker_update_equality_data(*, worker: SocialWorker, actor: User, data: dict) -> None:
    """Record the worker's own equality answers (each optional)."""
    fields = ["age_band", "ethnicity_group", "sex", "disability"]
    for field in fields:
        setattr(worker, field, data.get(field, ""))
    worker.save(update_fields=fields)
    # The answers themselves stay out of the audit trail: they are sensitive.
    audit_event_record(actor=actor, subject=worker, action="equality_data.updated")


@dataclass
class StaffImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def staff_import(*, local_authority: LocalAuthority, actor: User, rows) -> StaffImportResult:
    """Create or update the LA's social workers from checked rows. Importing the same rows
    again changes nothing; a worker is matched by registration number."""
    result = StaffImportResult()
    existing = {
        w.registration_number: w
        for w in SocialWorker.objects.select_for_update()
        .select_related("user")
        .filter(registration_number__in=[row.registration_number for row in rows])
    }
    users_by_email = {
        u.email: u for u in User.objects.filter(email__in=[row.email for row in rows])
    }
    created, updated = [], []
    for row in rows:
        worker = existing.get(row.registration_number)
        if worker is None:
            user = users_by_email.get(row.email) or User.objects.create_user(
                email=row.email, full_name=row.full_name
            )
            worker = SocialWorker(user=user, registration_number=row.registration_number)
            _apply_staff_row(worker, row, local_authority)
            worker.save()
            created.append(worker)
            continue
        if _staff_row_changes(worker, row, local_authority):
            _apply_staff_row(worker, row, local_authority)
            worker.save()
            if worker.user.full_name != row.full_name or worker.user.email != row.email:
                worker.user.full_name, worker.user.email = row.full_name, row.email
                worker.user.save(update_fields=["full_name", "email"])
            updated.append(worker)
        else:
            result.unchanged += 1
    result.created, result.updated = len(created), len(updated)
    audit_events_record_many(actor=actor, action="staff_import.created", subjects=created)
    audit_events_record_many(actor=actor, action="staff_import.updated", subjects=updated)
    return result


def _apply_staff_row(worker: SocialWorker, row, local_authority: LocalAuthority) -> None:
    worker.local_authority = local_authority
    worker.employment_type = row.employment_type
    worker.employed_since = row.employed_since
    worker.supervisor_id = row.supervisor_id
    worker.job_level = row.level


def _staff_row_changes(worker: SocialWorker, row, local_authority: LocalAuthority) -> bool:
    return (
        worker.local_authority_id != local_authority.pk
        or worker.employment_type != row.employment_type
        or worker.employed_since != row.employed_since
        or worker.supervisor_id != row.supervisor_id
        or worker.job_level != row.level
        or worker.user.full_name != row.full_name
        or worker.user.email != row.email
    )
