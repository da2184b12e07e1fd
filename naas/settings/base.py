"""Settings shared by every environment; environment files only override what differs."""

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "naas.apps.NaasAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "django_fsm",
    "naas",
    "endorsement",
    "assessment",
    "feedback",
    "reporting",
    "api",
    # Issue 16 helpers add their third-party apps on the line under their own marker.
    # [ops] apps
    "health_check",
    # [notify] apps
    "naas.notify.apps.NotifyConfig",
    # [oidc] apps
    # [api] apps
    "rest_framework",
    "drf_spectacular",
    # [credential] apps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages take GET, HEAD and POST only: PUT, PATCH, DELETE and the rest answer 405.
    "naas.middleware.WebMethodsOnlyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cache-Control: private, no-store on every signed-in page and every form's answer.
    "naas.middleware.PrivatePagesMiddleware",
    "naas.middleware.IdleTimeoutMiddleware",
    # axes must be last: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "naas.urls"
WSGI_APPLICATION = "naas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "naas.context_processors.service_navigation",
                "naas.context_processors.lockout",
            ],
        },
    },
]


def database_from_env(default: str | None = None) -> dict:
    """DATABASE_URL as Django's settings, with what every environment shares."""
    database = env.db("DATABASE_URL", default=default)
    database["CONN_HEALTH_CHECKS"] = True
    database["ATOMIC_REQUESTS"] = False
    # PostgreSQL's default random_page_cost (4) prices an index lookup for spinning disks:
    # with it the planner joined an LA's 337 staff to their users by reading all 30,000 users
    # (6.6 ms a list page) rather than looking up 337 (1.0 ms). For SSD-backed storage with
    # the working set in memory 1.1 is the usual value; DB_RANDOM_PAGE_COST sets another.
    if database["ENGINE"].endswith("postgresql"):
        cost = env.float("DB_RANDOM_PAGE_COST", default=1.1)
        database.setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={cost}"
    return database


DATABASES = {"default": database_from_env(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}

# Rate limits live in the cache: shared through Redis in production, per process otherwise.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "naas.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# PBKDF2-SHA256 at Django's own iteration count (1,000,000 in Django 5.2, above OWASP's
# 600,000 minimum), named here so the choice is deliberate: argon2 and bcrypt are not installed
# and Django's scrypt (N=2^14) is below OWASP's N=2^17. At about 0.4 s a check, two cores sign
# in over 10,000 people an hour, twice results day's 5,000 (bench/bench_results_day.py).
# The others only check (and on sign-in upgrade) any older hash.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout by username and address together, so nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts "username" (axes would otherwise look for the model's "email" field
# and record every failure with no username, so the lockout never matched).
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The client's address behind a proxy (naas/client_ip.py). REMOTE_ADDR is the proxy, so the
# real client is read from X-Forwarded-For, trusting only the hops our own proxies appended:
# NAAS_TRUSTED_PROXY_COUNT of them (0, the default, means no proxy: the header is ignored and
# a client cannot choose its address). NAAS_TRUSTED_PROXY_IPS optionally names those proxies
# (addresses or CIDR networks, outermost first, one per hop); the header is then honoured only
# when it came through them. Axes' lockout, the public check's rate limit and any logging all
# use this one function, so they can never disagree about who a client is.
NAAS_TRUSTED_PROXY_IPS = env.list("NAAS_TRUSTED_PROXY_IPS", default=[])
NAAS_TRUSTED_PROXY_COUNT = env.int("NAAS_TRUSTED_PROXY_COUNT", default=len(NAAS_TRUSTED_PROXY_IPS))
if NAAS_TRUSTED_PROXY_COUNT < 0 or (
    NAAS_TRUSTED_PROXY_IPS and len(NAAS_TRUSTED_PROXY_IPS) != NAAS_TRUSTED_PROXY_COUNT
):
    raise ImproperlyConfigured(
        "NAAS_TRUSTED_PROXY_COUNT must be 0 or more and, when NAAS_TRUSTED_PROXY_IPS is set, "
        "equal to the number of proxies it names"
    )
for _proxy in NAAS_TRUSTED_PROXY_IPS:
    ip_network(_proxy, strict=False)  # a typo fails at start-up, not by trusting everyone
AXES_CLIENT_IP_CALLABLE = "naas.client_ip.client_ip"

# Sessions live in the database and are read through the cache (Redis in production), like
# Django's cached_db; when the database cannot take a session write (a PostgreSQL restart or
# fail-over) the write is kept in the cache instead of answering 400, and the next save brings
# the database up to date. The database stays the record, so a Redis restart signs no one out.
# See naas/session_store.py for the choice against plain db or cache-only sessions.
SESSION_ENGINE = "naas.session_store"
SESSION_CACHE_ALIAS = "default"
# Sessions end after a period without activity.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# The "You'll be signed out soon" dialog shows this long before (WCAG 2.2.1: time to extend).
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", default=2 * 60)
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Django's own formatting (the admin): naas/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = "naas.formats"

# GOV.UK Frontend's compiled CSS points at /assets/..., so static files are served from there.
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "staticfiles"
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [
    GOVUK_FRONTEND_DIR / "assets",
    ("govuk", GOVUK_FRONTEND_DIR),
    BASE_DIR / "static",
]
STORAGES = {
    # Atomic writes (temporary file, then rename), a retry overwrites: see naas/storage.py.
    "default": {"BACKEND": "naas.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"  # never served directly: files go through permission-checked views

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@accreditation.example.gov.uk")

# Largest CSV upload accepted (bytes).
NAAS_MAX_UPLOAD_BYTES = env.int("NAAS_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
# An unacknowledged task is redelivered after this; it must outlast the longest task. (A worker
# killed with kill -9 holds its message until then: the document sweep re-sends it sooner.)
# Short socket timeouts: a broker that is down or unreachable fails a send in about a second
# instead of holding the web request (naas.services sends once, without publish retries, and
# leaves the row queued for the sweep).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 60 * 60,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": 5.0,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
# The longest a document's send after commit may wait on the broker (connect, then the reply).
NAAS_DOCUMENT_SEND_TIMEOUT_SECONDS = env.float("NAAS_DOCUMENT_SEND_TIMEOUT_SECONDS", default=0.5)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Workers and producers that share one Redis keep apart by queue name (parallel test runs do).
CELERY_TASK_DEFAULT_QUEUE = env("NAAS_CELERY_QUEUE", default="celery")
# The document sweep (naas.services.documents_sweep) re-sends the build task of a letter, a
# certificate or a report still unfinished NAAS_DOCUMENT_SWEEP_AFTER_SECONDS after it was last
# queued or started, checking every NAAS_DOCUMENT_SWEEP_INTERVAL_SECONDS. A lost message, a
# broker that was down at the send, or a worker killed mid-task is therefore redelivered within
# interval + threshold: 3 minutes with these defaults (instead of Redis's 2-hour
# visibility_timeout). The threshold must outlast the longest build (an LA report takes seconds):
# a build still running past it is started a second time, which still makes one document.
NAAS_DOCUMENT_SWEEP_INTERVAL_SECONDS = env.int("NAAS_DOCUMENT_SWEEP_INTERVAL_SECONDS", default=60)
NAAS_DOCUMENT_SWEEP_AFTER_SECONDS = env.int("NAAS_DOCUMENT_SWEEP_AFTER_SECONDS", default=120)
CELERY_BEAT_SCHEDULE = {
    "endorsement-lapse": {
        "task": "endorsement.tasks.lapse_expired_endorsements",
        "schedule": crontab(hour=2, minute=0),
    },
    # Tenure and "the last 12 months" move with the date: count the dashboards again nightly.
    "reporting-dashboard-figures": {
        "task": "reporting.tasks.refresh_dashboard_figures",
        "schedule": crontab(hour=0, minute=5),
    },
    "reporting-monthly-la-reports": {
        "task": "reporting.tasks.request_monthly_la_reports",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
    "documents-sweep": {
        "task": "naas.tasks.sweep_documents",
        "schedule": timedelta(seconds=NAAS_DOCUMENT_SWEEP_INTERVAL_SECONDS),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # axes names the username (an email address) in its warnings: keep them out of logs.
        "axes": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Domain rules that DfE may change (DOMAIN.md's design choices), with their defaults.
NAAS_ENDORSEMENT_VALIDITY_MONTHS = env.int("NAAS_ENDORSEMENT_VALIDITY_MONTHS", default=12)
# How long an accreditation is valid: the certificate's "valid until" and the public check.
NAAS_ACCREDITATION_VALIDITY_MONTHS = env.int("NAAS_ACCREDITATION_VALIDITY_MONTHS", default=36)
# Public address of the service, used for links in emails (none: emails say how to sign in).
NAAS_SITE_URL = env("NAAS_SITE_URL", default="")
# Where people send feedback about the service and report accessibility problems.
NAAS_SUPPORT_EMAIL = env("NAAS_SUPPORT_EMAIL", default="accreditation.support@education.gov.uk")
# Outcomes (issue 5): second-marking sample, fast-track window, review window (assessment/rules.py).
# England's bank holidays for the review window come from the `holidays` package (naas/dates.py);
# `manage.py check` fails if this year's or next year's are not known.
NAAS_SECOND_MARKING_SAMPLE_PERCENT = env.int("NAAS_SECOND_MARKING_SAMPLE_PERCENT", default=10)
NAAS_FAST_TRACK_MONTHS = env.int("NAAS_FAST_TRACK_MONTHS", default=6)
NAAS_REVIEW_WINDOW_WORKING_DAYS = env.int("NAAS_REVIEW_WINDOW_WORKING_DAYS", default=20)
# The public accreditation check: attempts allowed per address in a window.
NAAS_PUBLIC_CHECK_LIMIT = env.int("NAAS_PUBLIC_CHECK_LIMIT", default=30)
NAAS_PUBLIC_CHECK_WINDOW_SECONDS = env.int("NAAS_PUBLIC_CHECK_WINDOW_SECONDS", default=600)

# --- Issue 16: each part's settings go under its own marker (one part per marker) ---
# [ops] settings: health checks and structured logs
# /healthcheck/ pings a Celery worker and waits this long for an answer (naas/health.py).
NAAS_HEALTH_WORKER_TIMEOUT_SECONDS = env.float("NAAS_HEALTH_WORKER_TIMEOUT_SECONDS", default=1.0)
# Logs (naas/logging.py): "json", one object a line (the default, for production), or "console"
# (the local demo's). Every request's lines carry its request id and the signed-in user's id.
LOG_FORMAT = env("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "console"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or console")
LOGGING = {
    **LOGGING,
    "formatters": {
        "json": {"()": "naas.logging.json_formatter"},
        "console": {"()": "naas.logging.console_formatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
}
# The request log goes right after authentication, so it knows the signed-in user's id.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "naas.logging.RequestLogMiddleware",
)
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # an address is personal data
DJANGO_STRUCTLOG_USER_ID_FIELD = "pk"
# [notify] settings: GOV.UK Notify
# Every email goes through naas.notify (a NotifyMessage row, then a Celery task). NAAS_EMAIL_DELIVERY
# is "console" for the demo and local work (the message is recorded and printed, no Notify
# needed) or "notify" (sent through GOV.UK Notify). Under naas.settings.production it defaults
# to "notify", and `manage.py check` then fails while the API key or a template id is missing.
NAAS_EMAIL_DELIVERY = env(
    "NAAS_EMAIL_DELIVERY",
    default=(
        "notify" if env("DJANGO_SETTINGS_MODULE", default="").endswith(".production") else "console"
    ),
)
NAAS_NOTIFY_API_KEY = env("NAAS_NOTIFY_API_KEY", default="")
NAAS_NOTIFY_BASE_URL = env(
    "NAAS_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk"
)
# Notify's delivery-status callback sends "Authorization: Bearer <this>" to /notify/callback/.
NAAS_NOTIFY_CALLBACK_TOKEN = env("NAAS_NOTIFY_CALLBACK_TOKEN", default="")
NAAS_NOTIFY_TIMEOUT_SECONDS = env.float("NAAS_NOTIFY_TIMEOUT_SECONDS", default=10.0)
# Seconds before the first retry of a timeout or 5xx (doubled each time, at most 5 retries).
NAAS_NOTIFY_RETRY_BACKOFF_SECONDS = env.int("NAAS_NOTIFY_RETRY_BACKOFF_SECONDS", default=30)
# One Notify template per kind of message (naas/notify/kinds.py says what each one is given).
# Every NAAS_NOTIFY_SWEEP_INTERVAL_SECONDS, emails still queued or sending
# NAAS_NOTIFY_SWEEP_AFTER_SECONDS after they were last touched are sent again or asked about
# (longer than the longest retry backoff, so a retrying email is not sent twice).
NAAS_NOTIFY_SWEEP_INTERVAL_SECONDS = env.int("NAAS_NOTIFY_SWEEP_INTERVAL_SECONDS", default=300)
NAAS_NOTIFY_SWEEP_AFTER_SECONDS = env.int("NAAS_NOTIFY_SWEEP_AFTER_SECONDS", default=30 * 60)
CELERY_BEAT_SCHEDULE["notify-sweep"] = {
    "task": "naas.notify.tasks.sweep_notify_messages",
    "schedule": timedelta(seconds=NAAS_NOTIFY_SWEEP_INTERVAL_SECONDS),
}
NAAS_NOTIFY_TEMPLATES = {
    "endorsement_signed_off_worker": env(
        "NAAS_NOTIFY_TEMPLATE_ENDORSEMENT_SIGNED_OFF_WORKER", default=""
    ),
    "endorsement_signed_off_lead": env(
        "NAAS_NOTIFY_TEMPLATE_ENDORSEMENT_SIGNED_OFF_LEAD", default=""
    ),
    "endorsement_endorsed_worker": env(
        "NAAS_NOTIFY_TEMPLATE_ENDORSEMENT_ENDORSED_WORKER", default=""
    ),
    "endorsement_endorsed_lead": env("NAAS_NOTIFY_TEMPLATE_ENDORSEMENT_ENDORSED_LEAD", default=""),
    "feedback_letter_ready": env("NAAS_NOTIFY_TEMPLATE_FEEDBACK_LETTER_READY", default=""),
    "feedback_support_requested": env(
        "NAAS_NOTIFY_TEMPLATE_FEEDBACK_SUPPORT_REQUESTED", default=""
    ),
    "password_set_link": env("NAAS_NOTIFY_TEMPLATE_PASSWORD_SET_LINK", default=""),
}
# [oidc] settings: single sign-on
# Two OpenID Connect providers: DfE Sign-in for staff, GOV.UK One Login for social workers
# (naas/sso/providers.py). Each is offered only when enabled with an issuer and a client.
NAAS_OIDC_PROVIDERS = {
    key: {
        "ENABLED": env.bool(f"NAAS_OIDC_{key.upper()}_ENABLED", default=False),
        "ISSUER": env(f"NAAS_OIDC_{key.upper()}_ISSUER", default=""),
        "CLIENT_ID": env(f"NAAS_OIDC_{key.upper()}_CLIENT_ID", default=""),
        "CLIENT_SECRET": env(f"NAAS_OIDC_{key.upper()}_CLIENT_SECRET", default=""),
        "SCOPES": env.list(f"NAAS_OIDC_{key.upper()}_SCOPES", default=scopes),
    }
    for key, scopes in (("staff", ["openid", "email", "profile"]), ("worker", ["openid", "email"]))
}
NAAS_OIDC_TIMEOUT_SECONDS = env.int("NAAS_OIDC_TIMEOUT_SECONDS", default=5)
# Off: the sign-in page offers only the providers, and a posted password is refused.
NAAS_LOCAL_PASSWORDS_ENABLED = env.bool("NAAS_LOCAL_PASSWORDS_ENABLED", default=True)
# Refuses posted passwords when they are off; sends a provider's user on to its sign-out
# (inside django-csp's middleware, to let the sign-out form go on to the provider).
MIDDLEWARE.insert(
    MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,
    "naas.sso.middleware.SignInMiddleware",
)
# [api] settings: the partner API
# The largest request body the API reads (a bigger one is a 413), and each client's budget.
NAAS_API_MAX_BODY_BYTES = env.int("NAAS_API_MAX_BODY_BYTES", default=5 * 1024 * 1024)
NAAS_API_RATE = env("NAAS_API_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Social work accreditation partner API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,  # PATCH /staff/ takes whole rows, as the file does
}
# The API's PATCH gets past the pages' GET/HEAD/POST-only rule (DRF refuses other methods).
MIDDLEWARE = [
    "api.middleware.WebMethodsOutsideApiMiddleware"
    if entry == "naas.middleware.WebMethodsOnlyMiddleware"
    else entry
    for entry in MIDDLEWARE
]
# [credential] settings: verifiable credentials
# The Ed25519 private key that signs credentials and the status list: a JWK (JSON) or a PEM.
# Required when NAAS_CREDENTIAL_KEY_REQUIRED (system check feedback.E001). Otherwise, if empty,
# a development-only key is derived from SECRET_KEY with HKDF (feedback/credentials/keys.py).
NAAS_CREDENTIAL_SIGNING_KEY = env("NAAS_CREDENTIAL_SIGNING_KEY", default="")
# Whether the key must be set (no derived key): true under the production settings module.
NAAS_CREDENTIAL_KEY_REQUIRED = env.bool(
    "NAAS_CREDENTIAL_KEY_REQUIRED",
    default=env("DJANGO_SETTINGS_MODULE", default="").endswith(".production"),
)
NAAS_CREDENTIAL_ISSUER_NAME = env(
    "NAAS_CREDENTIAL_ISSUER_NAME", default="Department for Education: social work accreditation"
)
# The largest credential the public check page reads (pasted or uploaded).
NAAS_CREDENTIAL_CHECK_MAX_BYTES = env.int("NAAS_CREDENTIAL_CHECK_MAX_BYTES", default=64 * 1024)
