"""Back-office views of endorsements and their evidence: read-only, because every change
must go through a service (checked, locked and audited)."""

from django.contrib import admin

from naas.admin import ReadOnlyAdmin

from .models import Endorsement, ServiceUserFeedback, SupervisionAreaView, SupervisionSession


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdmin):
    list_display = ["worker", "level", "state", "signed_off_at", "endorsed_at", "valid_until"]
    list_filter = ["state", "level", "worker__local_authority"]
    search_fields = ["worker__user__full_name", "worker__registration_number"]
    list_select_related = ["worker__user"]


class SupervisionAreaViewInline(admin.TabularInline):
    model = SupervisionAreaView
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(ReadOnlyAdmin):
    list_display = ["worker", "held_on", "recorded_by"]
    search_fields = ["worker__user__full_name", "worker__registration_number"]
    list_select_related = ["worker__user", "recorded_by"]
    inlines = [SupervisionAreaViewInline]


@admin.register(ServiceUserFeedback)
class ServiceUserFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["worker", "received_on", "source_type", "considered_on"]
    list_filter = ["source_type"]
    search_fields = ["worker__user__full_name", "worker__registration_number"]
    list_select_related = ["worker__user"]
