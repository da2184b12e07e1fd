from django.contrib import admin


class SuperuserAdminSite(admin.AdminSite):
    """The back office is for superusers only; everyone else uses the service's own pages."""

    site_header = "Social work accreditation: back office"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
