"""The back office sees the API's clients and may switch one off (every change audited); a new
client is made with `manage.py api_client_create`, which shows its token once."""

from django.contrib import admin

from naas.admin import AuditedModelAdmin, ReadOnlyAdmin

from .models import ApiClient, IdempotentRequest


@admin.register(ApiClient)
class ApiClientAdmin(AuditedModelAdmin):
    list_display = ("name", "scopes", "local_authority", "acting_user", "is_active", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("local_authority", "acting_user")
    fields = ("name", "scopes", "acting_user", "local_authority", "is_active", "created_at")
    readonly_fields = ("name", "scopes", "acting_user", "local_authority", "created_at")
    audit_hidden_fields = ("token_sha256",)

    def has_add_permission(self, request):
        return False


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    list_display = ("client", "endpoint", "status_code", "created_at")
    list_select_related = ("client",)
    exclude = ("response_body", "request_sha256")
