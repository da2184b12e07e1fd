from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """Installed so that Celery finds naas.notify.tasks and the checks are registered; the
    NotifyMessage model itself belongs to the naas app (its migrations)."""

    name = "naas.notify"
    label = "naas_notify"
    verbose_name = "Emails through GOV.UK Notify"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system check)
