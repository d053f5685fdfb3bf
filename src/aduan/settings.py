"""Django settings for Aduan; every deployment-specific value comes from an ADUAN_* environment variable."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ADUAN_VAR_DIR", Path.cwd() / "var"))

DEBUG = os.environ.get("ADUAN_DEBUG", "0") == "1"
# The development key only works with DEBUG or on loopback; a real deployment sets ADUAN_SECRET_KEY.
SECRET_KEY = os.environ.get("ADUAN_SECRET_KEY", "aduan-development-key-not-for-production")
ALLOWED_HOSTS = os.environ.get("ADUAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "aduan",
]

MIDDLEWARE = [
    "aduan.api.limits.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aduan.web.language.IndonesianFirstMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out log-in into the log-in page with the lockout message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aduan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

ASGI_APPLICATION = "aduan.asgi.application"
WSGI_APPLICATION = "aduan.wsgi.application"

_default_sqlite = f"sqlite:///{VAR_DIR / 'aduan.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("ADUAN_DATABASE_URL", _default_sqlite), conn_max_age=600, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A process-wide pool: connections survive requests without being tied to one thread.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("ADUAN_DB_POOL_MIN", 2)),
        "max_size": int(os.environ.get("ADUAN_DB_POOL_MAX", 16)),  # request, SSE and fast-GET threads
        "timeout": 10,
    }
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Request threads are reused (asgi.py), so each keeps its connection instead of reopening it.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer commits; IMMEDIATE makes writers queue on the
        # busy timeout instead of failing with "database is locked" halfway through a transaction.
        # mmap reads pages without a read() each: the queue's scans cost a third to a half less CPU
        # (docs/benchmarks.md). 256 MiB of address space, not of memory.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not the shared in-memory database: several threads writing at once must meet the same
    # locking (WAL, busy timeout) as in production, not shared-cache table locks.
    # One per test process, so that two test runs on one machine do not share (and wipe) one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "web" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Log-in security (docs/accounts.md): django-axes counts failed log-ins per username and address and locks
# that pair for a while; a wrong TOTP code counts as a failure too.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ADUAN_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ADUAN_LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock lasts its 15 minutes from the failure that set it; more tries meanwhile do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "aduan.web.auth.lockout_response"
AXES_VERBOSE = False
# Kept out of the attempt records: a TOTP code, like the password (which axes always leaves out).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# Optional TOTP (django-otp): the roles listed here must use it, e.g. "admin,validator" (default: none).
ADUAN_OTP_REQUIRED_ROLES = frozenset(
    role.strip() for role in os.environ.get("ADUAN_OTP_REQUIRED_ROLES", "").split(",") if role.strip()
)
OTP_TOTP_ISSUER = "Aduan Jakarta"

LOGIN_URL = "aduan-web:login"
LOGIN_REDIRECT_URL = "aduan-web:queue"
LOGOUT_REDIRECT_URL = "aduan-web:home"

# Request bodies larger than this are refused with 413 before anything reads them.
ADUAN_MAX_BODY_BYTES = int(os.environ.get("ADUAN_MAX_BODY_BYTES", 64 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = ADUAN_MAX_BODY_BYTES

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "aduan": {"handlers": ["console"], "level": os.environ.get("ADUAN_LOG_LEVEL", "INFO")},
        # Server errors (500) with their traceback; without this they vanish under uvicorn.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Webhook deliveries (an e-mail with photos) may be larger than an API call.
ADUAN_MAX_WEBHOOK_BYTES = int(os.environ.get("ADUAN_MAX_WEBHOOK_BYTES", 10 * 1024 * 1024))


def _channels() -> dict[str, dict[str, object]]:
    """Which channels are on, with their secrets: a JSON file named by ADUAN_CHANNELS_FILE, e.g.
    {"twitter": {"secret": "…", "account": "1234", "access_token": "…"}, "sms": {"enabled": false}}.
    Without it every built-in channel is on with a development secret ("dev-<kanal>") — never for production.
    """
    import json

    from aduan.channels.registry import BUILTIN

    configured: dict[str, dict[str, object]] = {
        kanal: {"secret": f"dev-{kanal}", "verify_token": f"dev-{kanal}"} for kanal in BUILTIN
    }
    path = os.environ.get("ADUAN_CHANNELS_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            for kanal, values in json.load(handle).items():
                configured[kanal] = {**configured.get(kanal, {}), **values}
    return configured


ADUAN_CHANNELS = _channels()
# How the worker delivers replies: "console" writes them to the log and var/outbox.log (development);
# "http" calls each provider's API through its channel.
ADUAN_OUTBOX_SENDER = os.environ.get("ADUAN_OUTBOX_SENDER", "console")
# Webhook deliveries accepted per source (kanal and remote address) per minute.
ADUAN_INTAKE_RATE_PER_MINUTE = int(os.environ.get("ADUAN_INTAKE_RATE_PER_MINUTE", 600))
# The address residents use to reach this deployment, for links in replies ("pantau di …").
ADUAN_PUBLIC_URL = os.environ.get("ADUAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# The officers' queue map: a tile URL template such as https://tile.example/{z}/{x}/{y}.png, with its
# attribution. Empty (the default): markers and the kelurahan outline on a plain background, offline.
ADUAN_MAP_TILES = os.environ.get("ADUAN_MAP_TILES", "")
ADUAN_MAP_ATTRIBUTION = os.environ.get("ADUAN_MAP_ATTRIBUTION", "")
EMAIL_BACKEND = os.environ.get("ADUAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("ADUAN_FROM_EMAIL", "Aduan Jakarta <aduan@localhost>")
# Live tracking over Server-Sent Events (docs/live.md): seconds between heartbeats and between polls of
# the event log, the reconnect hint, events queued per stream before a slow client is dropped, streams
# per server process, the threads that read for them, and PostgreSQL LISTEN/NOTIFY on top of polling.
ADUAN_SSE_HEARTBEAT = float(os.environ.get("ADUAN_SSE_HEARTBEAT", 15))
ADUAN_SSE_POLL = float(os.environ.get("ADUAN_SSE_POLL", 0.25))
ADUAN_SSE_RETRY_MS = int(os.environ.get("ADUAN_SSE_RETRY_MS", 3000))
ADUAN_SSE_QUEUE = int(os.environ.get("ADUAN_SSE_QUEUE", 64))
ADUAN_SSE_MAX_STREAMS = int(os.environ.get("ADUAN_SSE_MAX_STREAMS", 10_000))
ADUAN_SSE_THREADS = int(os.environ.get("ADUAN_SSE_THREADS", 2))
ADUAN_SSE_NOTIFY = os.environ.get("ADUAN_SSE_NOTIFY", "1") != "0"

# A follow-up photo taken farther than this from the report's point is flagged for the validator.
ADUAN_PHOTO_MAX_DISTANCE_M = float(os.environ.get("ADUAN_PHOTO_MAX_DISTANCE_M", 500))
# Map tiles (an XYZ URL such as https://tile.example.org/{z}/{x}/{y}.png) and their attribution; empty: the
# maps show markers on a plain background, which also works offline.
ADUAN_MAP_TILES = os.environ.get("ADUAN_MAP_TILES", "")
ADUAN_MAP_ATTRIBUTION = os.environ.get("ADUAN_MAP_ATTRIBUTION", "")
