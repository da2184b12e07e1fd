from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NaasConfig(AppConfig):
    default = True
    name = "naas"
    verbose_name = "Core: local authorities, people and frameworks"

    def ready(self):
        from naas import checks, signals  # noqa: F401  (registers the checks and receivers)


class NaasAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "naas.admin_site.SuperuserAdminSite"
