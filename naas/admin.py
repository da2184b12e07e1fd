from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    AuditEvent,
    KSSArea,
    KSSFramework,
    LocalAuthority,
    Phase,
    SocialWorker,
    StaffRole,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["code", "starts_on", "ends_on", "target_accredited"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "region", "ofsted_grade", "phase", "min_tenure_months"]
    list_filter = ["phase", "region", "ofsted_grade"]
    search_fields = ["name", "ons_code"]


@admin.register(SocialWorker)
class SocialWorkerAdmin(admin.ModelAdmin):
    list_display = ["registration_number", "user", "local_authority", "employment_type"]
    list_filter = ["employment_type", "job_level"]
    search_fields = ["registration_number", "user__full_name", "user__email"]
    list_select_related = ["user", "local_authority"]
    raw_id_fields = ["user", "supervisor"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "local_authority"]
    list_filter = ["role"]
    list_select_related = ["user", "local_authority"]
    raw_id_fields = ["user"]


class KSSAreaInline(admin.TabularInline):
    model = KSSArea
    extra = 0


@admin.register(KSSFramework)
class KSSFrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "year", "version", "is_current"]
    inlines = [KSSAreaInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only and workflow records: visible in the back office, never edited there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "actor", "action", "content_type", "object_id", "to_state"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor", "content_type"]
