from django.contrib import admin

from naas.admin import ReadOnlyAdmin

from .models import LAReport


@admin.register(LAReport)
class LAReportAdmin(ReadOnlyAdmin):
    list_display = ("local_authority", "period_start", "period_end", "kind", "state", "progress")
    list_filter = ("state", "kind")
    list_select_related = ("local_authority",)
