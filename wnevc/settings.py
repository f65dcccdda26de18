"""Settings of the portal, read from environment variables.

With nothing set (what `make demo` uses) the portal runs on its own: SQLite in the project
folder, Celery tasks run eagerly, files under media/, e-mail printed to the console, DEBUG on.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, the S3 settings
and the e-mail settings; then the security settings below apply and `check --deploy` is clean.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from boto3.s3.transfer import TransferConfig
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    # Strict on purpose: a typo such as WNEVC_REQUIRE_MFA=ture must stop the server, not turn a
    # security setting off without a word.
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of "
        "1, 0, true, false, yes, no, on, off (in any case)."
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    # bandit B105: a key for local development only; production refuses to start without one.
    SECRET_KEY = "django-insecure-local-development-only-never-in-production"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "core",
    "accounts",
    "submissions",
    "review",
    "scoring",
    "voting",
    "publication",
    "archives",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "wnevc.urls"
WSGI_APPLICATION = "wnevc.wsgi.application"

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
                "core.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        # A persistent connection is checked before use, so a restarted PostgreSQL costs one
        # reconnect instead of an error page.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Redis: cache, sessions, Celery broker ----------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "wnevc"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions are written through to the database, so a Redis flush logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged after it ran, so a worker killed mid-task leaves it to run again;
# tasks are written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when Redis is down: the outbox keeps the task for later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # A task taken by a worker that then died (kill -9, a lost machine) goes back to the queue
    # this many seconds after it was taken; every task must finish well within it. The sweep
    # runs when a worker starts and then every CELERY_RESTORE_INTERVAL seconds.
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(env("CELERY_RESTORE_INTERVAL", "60")),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "core.tasks.relay_outbox", "schedule": 30.0},
    # Ballot rounds close when their window ends.
    "close-due-ballot-rounds": {"task": "voting.tasks.close_due_rounds", "schedule": 60.0},
}

# Every morning, experts with unfinished reviews hear 7 and 2 days before the preliminary
# evaluation closes (each reminder once; see scoring.services).
# Every stored file re-read and compared with its recorded hash; the organisers hear the result.
CELERY_BEAT_SCHEDULE["check-storage-weekly"] = {
    "task": "submissions.tasks.check_storage_weekly",
    "schedule": crontab(day_of_week="sunday", hour=3, minute=0),
}
# Edition archives (archives/) are deleted this many days after they are built (deploy.md).
EDITION_ARCHIVE_DAYS = int(env("EDITION_ARCHIVE_DAYS", "7"))
CELERY_BEAT_SCHEDULE["expire-edition-archives"] = {
    "task": "archives.tasks.expire_edition_archives",
    "schedule": crontab(minute=15),
}
# Files kept for objection forms sent back with an error (publication/held_uploads.py).
CELERY_BEAT_SCHEDULE["purge-held-uploads"] = {
    "task": "publication.tasks.purge_held_uploads",
    "schedule": crontab(minute=40),
}
CELERY_BEAT_SCHEDULE["review-reminders"] = {
    "task": "review.send_review_reminders",
    "schedule": crontab(hour=9, minute=0),
}

# Public pages served to anonymous visitors are also kept in each process's memory this long
# (core/page_cache.py); off under DEBUG (the demo, the tests) so an edit shows at once.
PAGE_MEMO_SECONDS = float(env("PAGE_MEMO_SECONDS", "0" if DEBUG else "1"))

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = None  # Private files are never served by URL; downloads pass a permission check.

# A permitted download with object storage is a redirect to a presigned URL valid this long
# (core/storage.py): long enough to start a 200 MB download, too short to pass around.
FILE_URL_EXPIRE_SECONDS = int(env("FILE_URL_EXPIRE_SECONDS", "300"))
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
# Uploads go to the object store in 5 MB parts (S3's smallest) with one part read into memory
# at a time: boto3's default reads ahead ten, 80 MB more per upload in flight. Measured by
# benchmarks/upload_memory.py --s3: 12 MB growth on a 200 MB upload (22 MB with two parts).
UPLOAD_TRANSFER_CONFIG = TransferConfig(
    multipart_threshold=8 * 1024 * 1024,
    multipart_chunksize=5 * 1024 * 1024,
    max_concurrency=2,
)
UPLOAD_TRANSFER_CONFIG.max_in_memory_upload_chunks = 1
# The store's address as browsers reach it, when the servers use an internal one (an OSS/COS
# internal endpoint, a private network): presigned URLs are signed for this host.
AWS_S3_PUBLIC_ENDPOINT_URL = env("AWS_S3_PUBLIC_ENDPOINT_URL") or None
if AWS_STORAGE_BUCKET_NAME:
    DEFAULT_STORAGE = {
        "BACKEND": "core.storage.PortalS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "public_endpoint_url": AWS_S3_PUBLIC_ENDPOINT_URL,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": FILE_URL_EXPIRE_SECONDS,
            "file_overwrite": False,
            "transfer_config": UPLOAD_TRANSFER_CONFIG,
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Limits of nomination materials in bytes, per kind and per nomination in all (checked by content
# in submissions/uploads/limits.py). Images above WNEVC_UPLOAD_MAX_PIXELS are refused as bombs.
WNEVC_UPLOAD_LIMITS = {
    "recommendation_form": int(env("WNEVC_UPLOAD_DOCUMENT_MB", "20")) * 1024 * 1024,
    "technical_report": int(env("WNEVC_UPLOAD_DOCUMENT_MB", "20")) * 1024 * 1024,
    "evidence": int(env("WNEVC_UPLOAD_DOCUMENT_MB", "20")) * 1024 * 1024,
    "video": int(env("WNEVC_UPLOAD_VIDEO_MB", "200")) * 1024 * 1024,
    "total": int(env("WNEVC_UPLOAD_TOTAL_MB", "300")) * 1024 * 1024,
}
WNEVC_UPLOAD_MAX_PIXELS = 50_000_000

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The public address of the portal, for absolute links in e-mails.
PORTAL_URL = env("PORTAL_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "WNEVC Secretariat <secretariat@wnevc.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Accounts (django-allauth) --------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's, loading the signed-in person with their roles in one query.
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# A changed password or e-mail address, or a new authenticator, is announced by e-mail, so a
# person notices a change they did not make.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Wrong passwords are limited by accounts/signin_limit.py (per address and account, per
# address, per account from unknown browsers), not by allauth's key alone, which lets a stranger
# lock an owner out. allauth's "login_failed" below now limits wrong second-factor codes: 5 per
# 5 minutes per user.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,5/h/key",  # nosec B105  # a rate limit, not a password
    "confirm_email": "1/3m/key",
}
# Behind a load balancer every request comes from its address: the rate limits above would then
# count all users together. Set the number of proxies that append to X-Forwarded-For (usually 1)
# so they count per client; leave 0 when clients reach gunicorn directly (the header is forged).
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "WNEVC"
# Experts and organisers must have TOTP before they reach their pages. The local demo may
# relax this (WNEVC_REQUIRE_MFA=0); every page then says so in a banner.
WNEVC_REQUIRE_MFA = env_bool("WNEVC_REQUIRE_MFA", True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = (
    False  # htmx reads the token from the page, not the cookie; harmless either way.
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The CSRF failure page in the portal's layout and the visitor's language (core/errors.py).
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy that already redirects, set SECURE_SSL_REDIRECT=0 and
    # SECURE_PROXY_SSL_HEADER=1; the redirect check is then silenced because the proxy does it.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS = ["security.W008"]


def _store_origin() -> list[str]:
    endpoint = AWS_S3_PUBLIC_ENDPOINT_URL or env("AWS_S3_ENDPOINT_URL")
    if not AWS_STORAGE_BUCKET_NAME:
        return []
    if not endpoint:
        # Amazon S3 itself; virtual-hosted URLs name the bucket in the host.
        return ["https://*.amazonaws.com"]
    parts = urlsplit(endpoint)
    return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://*.{parts.netloc}"]


# Content Security Policy: everything is served by the portal itself (no CDN; it must work
# from mainland China), and no inline script or style is allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The expert's in-page PDF viewer frames a file; with object storage its redirect
        # leads to the store, whose public origin is then allowed too (only for frames).
        "frame-src": [SELF, *_store_origin()],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
