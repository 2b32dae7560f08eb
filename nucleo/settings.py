"""Nucleo settings: one module, read from the environment (django-environ).

With nothing set, Nucleo runs on embedded defaults: SQLite, a local-memory cache, Celery
tasks executed eagerly and e-mail printed to the console. ``DATABASE_URL``, ``REDIS_URL``
and ``EMAIL_URL`` switch to PostgreSQL, Redis and a real mail server. A production
environment is DEBUG off plus ``DJANGO_SECRET_KEY`` set: it turns on every setting that
``manage.py check --deploy`` asks for.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
# Production is DEBUG off with a real secret key; anything else is a developer's or a
# test run, which must work over plain http on localhost.
PRODUCTION = not DEBUG and bool(SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-nucleo-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "nucleo",
    "members",
    "resources",
    "emergencies",
    "training",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "members.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "members.middleware.UserLanguageMiddleware",
    "members.middleware.ActiveAssociationMiddleware",
    "members.middleware.StaffMFARequiredMiddleware",
    "nucleo.middleware.NoStoreForSignedInMiddleware",
]

ROOT_URLCONF = "nucleo.urls"
WSGI_APPLICATION = "nucleo.wsgi.application"
ASGI_APPLICATION = "nucleo.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "members.context_processors.tenancy",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's connection pool replaces persistent connections (CONN_MAX_AGE must be 0).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=2),
        "max_size": env.int("DATABASE_POOL_MAX", default=10),
        "timeout": 10,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nucleo",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# Longer than the longest countdown or retry backoff, so Redis never re-delivers a task
# that is merely waiting for its time.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Europe/Rome"

# --- E-mail ---------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Nucleo <nucleo@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- People and access ----------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "members.forms.InvitationSignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Nucleo] "
ACCOUNT_PRESERVE_USERNAME_CASING = False
# allauth's rate limits stay on (its defaults); written out so nobody turns them off.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Nucleo"

NUCLEO_REQUIRE_STAFF_MFA = env.bool("NUCLEO_REQUIRE_STAFF_MFA", default=True)
NUCLEO_STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
NUCLEO_STAFF_ABSOLUTE_TIMEOUT = timedelta(hours=12)
NUCLEO_INVITATION_VALIDITY = timedelta(days=7)
NUCLEO_SIGNIN_LOG_RETENTION = timedelta(days=365)
# Members with no activity (no sign-in, no change to their entry) for this long are
# anonymised by the nightly retention task, after the coordinators were warned and had
# NUCLEO_RETENTION_WARNING to keep them (by recording any activity).
NUCLEO_RETENTION_INACTIVE_AFTER = timedelta(days=env.int("NUCLEO_RETENTION_DAYS", default=3 * 365))
NUCLEO_RETENTION_WARNING = timedelta(days=30)
# Coordinators are reminded this long before a volunteers' insurance policy expires.
NUCLEO_INSURANCE_REMINDER_BEFORE = timedelta(days=30)
NUCLEO_MEMBER_IMPORT_MAX_BYTES = 10 * 1024 * 1024
NUCLEO_MEMBER_IMPORT_MAX_ROWS = 20_000

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party front-end packages come from npm (package.json + lock) and are served by
# Django like our own files: never from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
# Files about people (case attachments): outside MEDIA_ROOT, served only by views that
# check who is asking.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Behind the reverse proxy the client's address is in X-Forwarded-For: allauth's rate
# limits and the sign-in log must count people, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Absolute links in e-mails (invitations, reminders) point here.
NUCLEO_BASE_URL = env("NUCLEO_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Notifications --------------------------------------------------------------------
NUCLEO_SMS_BACKEND = env("NUCLEO_SMS_BACKEND", default="members.sms.ConsoleSMSBackend")
NUCLEO_SMS_GATEWAY_URL = env("NUCLEO_SMS_GATEWAY_URL", default="")
NUCLEO_SMS_GATEWAY_TOKEN = env("NUCLEO_SMS_GATEWAY_TOKEN", default="")
NUCLEO_DELIVERY_MAX_ATTEMPTS = 5
# Retry n waits base * 2^(n-1) seconds, at most the cap (well under visibility_timeout).
NUCLEO_DELIVERY_RETRY_BASE_SECONDS = 30.0
NUCLEO_DELIVERY_RETRY_CAP_SECONDS = 3600.0
# A delivery queued or claimed this long ago without an outcome is taken as lost
# (longer than CELERY_TASK_TIME_LIMIT, so a running send is never taken from its worker).
NUCLEO_DELIVERY_STUCK_AFTER = timedelta(minutes=10)
NUCLEO_SWEEP_BATCH = 1000

# --- Resource map ---------------------------------------------------------------------
# Map tiles come from a tile server of the deployment's choice (OpenStreetMap's by
# default); the map still shows its markers, and the list stays complete, without them.
NUCLEO_MAP_TILE_URL = env(
    "NUCLEO_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
NUCLEO_MAP_TILE_ATTRIBUTION = env(
    "NUCLEO_MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors"
)
NUCLEO_RESOURCE_STALE_AFTER = timedelta(days=183)
# Map tiles are the one kind of image loaded from elsewhere: their server, and only it.
_tiles = urlparse(NUCLEO_MAP_TILE_URL.replace("{s}.", ""))
if _tiles.scheme in ("http", "https"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
