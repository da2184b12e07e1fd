"""The back office (superusers only). Every write made here reaches the audit trail, like every
write made through the service's own pages: `AuditedModelAdmin` is the base of every ModelAdmin
in every app, and records who changed what, with each changed field's value before and after."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import router, transaction
from django.db.models.fields.files import FieldFile

from .audit import NaasAction
from .forms import PhaseAdminForm, SocialWorkerAdminForm
from .models import (
    MIN_TENURE_CEILING_MONTHS,
    MIN_TENURE_FLOOR_MONTHS,
    AuditEvent,
    KSSArea,
    KSSFramework,
    LocalAuthority,
    Phase,
    SocialWorker,
    StaffRole,
    User,
)
from .services import audit_event_record

ADMIN_REASON = "Back office"
# Fields whose values never enter the audit trail, only the fact that they changed.
ALWAYS_HIDDEN_FIELDS = frozenset({"password"})
HIDDEN_VALUE = "changed"


def _audit_value(value):
    """A field's value as JSON the audit trail can keep."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()  # one spelling per instant
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set):
        return [_audit_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _audit_value(item) for key, item in value.items()}
    return str(value)


def snapshot(obj) -> dict:
    """The editable fields of `obj` (foreign keys as ids, many-to-many as sorted ids)."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.editable and not field.primary_key:
            values[field.name] = _audit_value(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(related.pk for related in field.value_from_object(obj))
    return values


def stored_snapshot(obj) -> dict | None:
    """What the database holds for `obj` now (before a change is saved)."""
    if obj.pk is None:
        return None
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    return snapshot(stored) if stored is not None else None


def changes_between(before: dict | None, after: dict | None, hidden=frozenset()) -> dict:
    """{field: {"before": ..., "after": ...}} for each field that differs; a hidden field (a
    password hash, equality answers) appears only as "changed"."""
    before, after = before or {}, after or {}
    changes = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        hidden_field = name in ALWAYS_HIDDEN_FIELDS or name in hidden
        changes[name] = HIDDEN_VALUE if hidden_field else {"before": old, "after": new}
    return changes


class AuditedModelAdmin(admin.ModelAdmin):
    """Every add, change and delete through the back office (forms, inlines, the bulk delete
    action, a user's password) writes an AuditEvent in the same transaction: the actor, the
    object, and each changed field's value before and after."""

    #: fields recorded only as "changed", never with their values (beside any "password")
    audit_hidden_fields: tuple[str, ...] = ()

    def _record(self, request, obj, action: str, changes: dict) -> None:
        audit_event_record(
            actor=request.user,
            subject=obj,
            action=action,
            reason=ADMIN_REASON,
            detail={"changes": changes},
        )

    def _hidden(self) -> frozenset:
        return frozenset(self.audit_hidden_fields)

    # Adding and changing: the stored values are read before the save, the event is written
    # once everything (many-to-many fields, inlines) has been saved. Django calls save_model
    # then save_related both from the change form and from a list_editable change list.

    def save_model(self, request, obj, form, change):
        form._naas_audit_before = stored_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(form, "_naas_audit_before", None)
        changes = changes_between(before, snapshot(obj), self._hidden())
        if change and not changes:
            return  # saved without changing anything: nothing happened
        self._record(
            request, obj, NaasAction.ADMIN_CHANGED if change else NaasAction.ADMIN_CREATED, changes
        )

    def save_formset(self, request, form, formset, change):
        """Inline rows are objects of their own: each one added, changed or deleted gets its
        own event."""
        befores = {}
        for inline_form in formset.initial_forms:
            instance = inline_form.instance
            if instance.pk is None:
                continue
            if formset.can_delete and formset._should_delete_form(inline_form):
                # Recorded before the row goes, while it still has its id.
                self._record(
                    request,
                    instance,
                    NaasAction.ADMIN_DELETED,
                    changes_between(stored_snapshot(instance), None),
                )
            elif inline_form.has_changed():
                befores[instance.pk] = stored_snapshot(instance)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._record(
                request, obj, NaasAction.ADMIN_CREATED, changes_between(None, snapshot(obj))
            )
        for obj, _fields in formset.changed_objects:
            changes = changes_between(befores.get(obj.pk), snapshot(obj))
            if changes:
                self._record(request, obj, NaasAction.ADMIN_CHANGED, changes)

    # Deleting, one by one or with the "delete selected" action: the event is written first,
    # while the object still has its id, in the transaction that deletes it.

    def delete_model(self, request, obj):
        with transaction.atomic(using=router.db_for_write(self.model)):
            self._record(
                request,
                obj,
                NaasAction.ADMIN_DELETED,
                changes_between(snapshot(obj), None, self._hidden()),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                self._record(
                    request,
                    obj,
                    NaasAction.ADMIN_DELETED,
                    changes_between(snapshot(obj), None, self._hidden()),
                )
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(AuditedModelAdmin):
    """For append-only and workflow records: visible in the back office, never edited there
    (they change only through services, which check, lock and audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)

    def user_change_password(self, request, id, form_url=""):
        """The password form saves the user itself (not through save_model): audit it here.
        The hash never enters the audit trail, only that the password changed."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    self._record(
                        request, user, NaasAction.ADMIN_CHANGED, {"password": HIDDEN_VALUE}
                    )
        return response


@admin.register(Phase)
class PhaseAdmin(AuditedModelAdmin):
    form = PhaseAdminForm  # its dates within a range (naas.forms)
    list_display = ["code", "starts_on", "ends_on", "target_accredited"]


TENURE_MESSAGE = (
    f"Minimum tenure must be between {MIN_TENURE_FLOOR_MONTHS} and "
    f"{MIN_TENURE_CEILING_MONTHS} months"
)


class LocalAuthorityAdminForm(forms.ModelForm):
    # The model refuses the same range (validators and a check constraint); this says so in
    # words, instead of Django's "Ensure this value is less than or equal to 12".
    min_tenure_months = forms.IntegerField(
        label="Minimum tenure before endorsement (months)",
        min_value=MIN_TENURE_FLOOR_MONTHS,
        max_value=MIN_TENURE_CEILING_MONTHS,
        error_messages={"min_value": TENURE_MESSAGE, "max_value": TENURE_MESSAGE},
    )

    class Meta:
        model = LocalAuthority
        fields = "__all__"  # noqa: DJ007 (the back office edits every field, as before)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(AuditedModelAdmin):
    form = LocalAuthorityAdminForm
    list_display = ["name", "ons_code", "region", "ofsted_grade", "phase", "min_tenure_months"]
    list_filter = ["phase", "region", "ofsted_grade"]
    search_fields = ["name", "ons_code"]


@admin.register(SocialWorker)
class SocialWorkerAdmin(AuditedModelAdmin):
    form = SocialWorkerAdminForm  # the employment start within a range (naas.forms)
    list_display = ["registration_number", "user", "local_authority", "employment_type"]
    list_filter = ["employment_type", "job_level"]
    search_fields = ["registration_number", "user__full_name", "user__email"]
    list_select_related = ["user", "local_authority"]
    raw_id_fields = ["user", "supervisor"]
    # Equality answers are sensitive: the trail records that they changed, never what to.
    audit_hidden_fields = ("age_band", "ethnicity_group", "sex", "disability")


@admin.register(StaffRole)
class StaffRoleAdmin(AuditedModelAdmin):
    list_display = ["user", "role", "local_authority"]
    list_filter = ["role"]
    list_select_related = ["user", "local_authority"]
    raw_id_fields = ["user"]


class KSSAreaInline(admin.TabularInline):
    model = KSSArea
    extra = 0


@admin.register(KSSFramework)
class KSSFrameworkAdmin(AuditedModelAdmin):
    list_display = ["title", "level", "year", "version", "is_current"]
    inlines = [KSSAreaInline]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "actor", "action", "content_type", "object_id", "to_state"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor", "content_type"]


# Other apps' back-office pages are write paths too: permission groups (grants), and axes'
# records of failed sign-ins (deleting one lifts a lockout). They are registered again on the
# audited base.


def _register_again(model, admin_class):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class GroupAdmin(AuditedModelAdmin, BaseGroupAdmin):
    pass


# Addresses, browsers and submitted form data of sign-in attempts stay out of the trail.
AXES_HIDDEN_FIELDS = ("ip_address", "user_agent", "http_accept", "get_data", "post_data")


class AccessAttemptAdmin(AuditedModelAdmin, axes_admin.AccessAttemptAdmin):
    # axes' "clean up expired attempts" deletes without saying what: axes expires them itself.
    actions = []
    audit_hidden_fields = AXES_HIDDEN_FIELDS


class AccessLogAdmin(AuditedModelAdmin, axes_admin.AccessLogAdmin):
    audit_hidden_fields = AXES_HIDDEN_FIELDS


class AccessFailureLogAdmin(AuditedModelAdmin, axes_admin.AccessFailureLogAdmin):
    audit_hidden_fields = AXES_HIDDEN_FIELDS


_register_again(Group, GroupAdmin)
_register_again(AccessAttempt, AccessAttemptAdmin)
_register_again(AccessLog, AccessLogAdmin)
_register_again(AccessFailureLog, AccessFailureLogAdmin)
