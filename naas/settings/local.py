"""The zero-setup demo: SQLite, eager Celery, console email, DEBUG on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Serve static files straight from the finders (node_modules, static/): no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Eager tasks in the demo would bury the printed demo accounts under one log line each.
LOGGING["loggers"]["celery"] = {"level": "WARNING"}  # noqa: F405

# Readable log lines for the demo (LOG_FORMAT=json gives production's one object a line).
LOG_FORMAT = env("LOG_FORMAT", default="console")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
