"""Coplan settings: strict, from the environment, SQLite by default.

Like healthchecks' ``hc/settings.py``: everything that differs between a laptop and production
comes from an environment variable, and production refuses to start on unsafe defaults.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or env_bool("COPLAN_TESTING")
DEBUG = env_bool("COPLAN_DEBUG", default=TESTING)
DEMO = env_bool("COPLAN_DEMO")

SECRET_KEY = os.environ.get("COPLAN_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO or TESTING:
        SECRET_KEY = "coplan-insecure-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "COPLAN_SECRET_KEY is not set. Production settings refuse to start without a secret "
            "key; set COPLAN_DEBUG=1 for local development."
        )

ALLOWED_HOSTS = [h for h in os.environ.get("COPLAN_ALLOWED_HOSTS", "").split(",") if h]
if DEBUG or DEMO or TESTING:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("COPLAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
SITE_URL = os.environ.get("COPLAN_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "coplan.core",
    "coplan.partnerships",
    "coplan.design",
    "coplan.governance",
    "coplan.costing",
    "coplan.consortium",
    "coplan.pilots",
    "coplan.tendering",
    "coplan.bidding",
    "coplan.benefits",
    "coplan.ops",
    "coplan.api",
    "coplan.demo",
]

NINJA_PAGINATION_MAX_LIMIT = 1000

MIDDLEWARE = [
    "coplan.ops.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "coplan.core.middleware.PrivacyHeadersMiddleware",
    "coplan.api.middleware.ApiProblemMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coplan.urls"
WSGI_APPLICATION = "coplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coplan.core.context_processors.coplan",
            ],
            "builtins": ["coplan.core.templatetags.coplan"],
        },
    }
]

FORM_RENDERER = "coplan.core.forms.GovukRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'coplan.sqlite3'}",
        # persistent connections (health-checked before reuse) save a connect per request;
        # the test suite opens and closes its own
        conn_max_age=int(os.environ.get("COPLAN_DB_CONN_MAX_AGE", "0" if TESTING else "60")),
        conn_health_checks=True,
    )
}
# Connection budget (coplan serve): each app process holds at most COPLAN_THREADS connections
# (one per thread, kept for COPLAN_DB_CONN_MAX_AGE seconds), so the total is
# COPLAN_WORKERS x COPLAN_THREADS (+ 1 per task worker); serve refuses more than the budget.
COPLAN_DB_CONNECTION_BUDGET = int(os.environ.get("COPLAN_DB_CONNECTION_BUDGET", "80"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default, tuned for many concurrent writers (one per serve thread):
    # - WAL: readers never block the writer, nor the writer the readers;
    # - synchronous=NORMAL: in WAL mode still crash-safe (a power cut may lose the last commits,
    #   never corrupt the file), and no fsync per commit;
    # - BEGIN IMMEDIATE for every transaction.atomic(): a transaction takes the write lock when it
    #   starts, so one that reads first (audit.log reads the chain head) never has to upgrade its
    #   lock mid-way, where SQLite answers "database is locked" at once instead of waiting;
    # - timeout: a writer waits up to 20 s for the lock (sqlite3's default is 5 s, which 32
    #   concurrent writers outlasted) — writers queue rather than fail.
    # tests/ops/test_sqlite_concurrency.py proves it with threads on a file database.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per-process caches: "default" holds rendered dashboards and charts (keyed by the pilot's data
# version); "pages" holds whole signed-in pages for coplan.partnerships.pagecache, apart, so
# that many people's pages never push the charts out.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "coplan"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "coplan-pages",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "partnerships:list"
LOGOUT_REDIRECT_URL = "core:login"

# Sign-in throttling (django-axes with coplan.core.signin): failed sign-ins within 15 minutes,
# counted per account from one address, per account from anywhere (a brute force spread over
# many addresses) and per address across accounts (password spraying), each with its limit.
COPLAN_SIGN_IN_LIMITS = [
    (["username", "ip_address"], 5),
    (["username"], 10),
    (["ip_address"], 20),
]
AXES_LOCKOUT_PARAMETERS = [group for group, _limit in COPLAN_SIGN_IN_LIMITS]
AXES_FAILURE_LIMIT = 5  # what axes compares; ThrottleHandler measures each group by its own
AXES_HANDLER = "coplan.core.signin.ThrottleHandler"
AXES_COOLOFF_TIME = 0.25
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # so the page's "wait N minutes" holds
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "coplan.core.signin.username"  # lower case: Alice@ is alice@
AXES_CLIENT_IP_CALLABLE = "coplan.core.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "coplan.core.signin.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind proxies (the TLS-terminating one of the deployment), how many of them append the
# caller's address to X-Forwarded-For: without it every sign-in would come from the proxy's
# address and the per-address limit would pause everyone's.
COPLAN_TRUSTED_PROXIES = int(os.environ.get("COPLAN_TRUSTED_PROXIES", "0"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or DEMO or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("COPLAN_MEDIA_ROOT", BASE_DIR / "media"))

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "COPLAN_EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if (DEBUG or DEMO)
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if TESTING:
    MAILERS["default"]["BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("COPLAN_FROM_EMAIL", "Coplan <coplan@example.org>")

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if env_bool("COPLAN_TASK_WORKER")
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Security: CSRF everywhere (middleware), strict CSP, secure cookies outside development.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Load balancer and orchestrator probes call /healthz and /readyz over plain HTTP inside the
# network: answer them rather than redirect to HTTPS (Django matches the path without its
# leading slash).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
if not (DEBUG or DEMO or TESTING):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("COPLAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Structured logs (coplan.ops.logs): one JSON line per request and per task on stderr.
from coplan.ops.logs import logging_config  # noqa: E402

LOGGING = logging_config(
    fmt=os.environ.get("COPLAN_LOG_FORMAT", "text" if DEBUG or DEMO else "json"),
    level=os.environ.get("COPLAN_LOG_LEVEL", "WARNING" if TESTING else "INFO"),
)
# /readyz: the task worker must have sent a heartbeat within this many seconds.
COPLAN_WORKER_HEARTBEAT_SECONDS = int(os.environ.get("COPLAN_WORKER_HEARTBEAT_SECONDS", "10"))
COPLAN_WORKER_STALE_SECONDS = int(os.environ.get("COPLAN_WORKER_STALE_SECONDS", "120"))

COPLAN_PAGE_SIZE = 25
# Retention (coplan apply-retention): months after the partnership closes, per category.
COPLAN_RETENTION_MONTHS = {
    "engagement_contacts": int(os.environ.get("COPLAN_RETENTION_ENGAGEMENT_MONTHS", "12")),
    "pilot_feedback": int(os.environ.get("COPLAN_RETENTION_FEEDBACK_MONTHS", "12")),
    "api_tokens": int(os.environ.get("COPLAN_RETENTION_TOKEN_MONTHS", "12")),
    "pilot_uploads": int(os.environ.get("COPLAN_RETENTION_UPLOAD_MONTHS", "1")),
}
# Requests per minute per API token (0: unlimited).
COPLAN_API_RATE_LIMIT = int(os.environ.get("COPLAN_API_RATE_LIMIT", "600"))
INVITATION_VALID_DAYS = 14

WHITENOISE_USE_FINDERS = DEBUG or DEMO or TESTING
if WHITENOISE_USE_FINDERS:
    import warnings

    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
