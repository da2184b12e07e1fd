"""Tests: SQLite and eager Celery by default; PostgreSQL and Redis when their URLs are set."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Ordinary tests run tasks eagerly; the worker tests switch this off and start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = True
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
