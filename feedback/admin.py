from django.contrib import admin

from naas.admin import ReadOnlyAdmin

from .models import (
    Accreditation,
    AreaFeedback,
    Certificate,
    Letter,
    SupportAction,
    SupportPlan,
)


@admin.register(AreaFeedback)
class AreaFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "area", "written_by", "updated_at"]
    list_select_related = ["area", "written_by"]


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["pk", "outcome", "state", "attempts", "requested_at", "completed_at"]
    list_filter = ["state"]
    list_select_related = ["outcome"]


@admin.register(Accreditation)
class AccreditationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "level", "accredited_on", "withdrawn_at"]
    list_filter = ["level"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["pk", "accreditation", "state", "attempts", "requested_at"]
    list_filter = ["state"]
    list_select_related = ["accreditation"]


class SupportActionInline(admin.TabularInline):
    model = SupportAction
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupportPlan)
class SupportPlanAdmin(ReadOnlyAdmin):
    list_display = ["pk", "worker", "outcome", "created_at"]
    list_select_related = ["worker__user", "outcome"]
    inlines = [SupportActionInline]


@admin.register(SupportAction)
class SupportActionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "plan", "area", "status", "due_on"]
    list_filter = ["status"]
