"""Tests: SQLite and eager Celery by default; PostgreSQL and Redis when their URLs are set."""

import os

# Each pytest-xdist worker has its own Celery queue, so a real worker started by one test
# process never takes another's task. Set in the environment, so that a separate worker
# process started by a test (which inherits it) consumes from the same queue.
os.environ["NAAS_CELERY_QUEUE"] = f"naas-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Ordinary tests run tasks eagerly; the worker tests switch this off and start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = True
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405

# Several test runs may share one PostgreSQL server (developers in parallel, CI): each run
# gets its own test database so none drops another's.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405

# Serve static files straight from the finders (node_modules, static/): no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Every page a test renders is checked for the GOV.UK error-summary rules (naas/tests/page_checks.py):
# a title without "Error: ", or a summary link whose target cannot take focus, fails that test.
MIDDLEWARE = ["naas.tests.page_checks.ErrorSummaryCheckMiddleware", *MIDDLEWARE]  # noqa: F405
