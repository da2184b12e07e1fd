"""The zero-setup demo: SQLite, eager Celery, console email, DEBUG on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
