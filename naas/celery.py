import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naas.settings.local")

app = Celery("naas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _log_as_django_does(**kwargs):
    """A worker logs through the project's LOGGING (structured lines, naas/logging.py) instead
    of Celery's own format; connecting this signal stops Celery replacing the root handlers."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
