"""journeymap settings: one module, driven by environment variables.

With no environment at all it runs the embedded default (DEBUG, SQLite under var/, the
in-memory channel layer). Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL (PostgreSQL) and REDIS_URL (channels-redis). See README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JOURNEYMAP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off journeymap needs a long random SECRET_KEY "
            "in the environment, e.g. SECRET_KEY=$(python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')"
        )
    SECRET_KEY = "django-insecure-journeymap-development-only"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
if "*" in ALLOWED_HOSTS and not DEBUG:
    # AllowedHostsOriginValidator lets every origin through when "*" is allowed, which would
    # leave the websockets open to cross-site hijacking.
    raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' in production: list the hosts.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "journeymap.errors.csrf_failure"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "maps",
    "workshops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "journeymap.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "workshops.access.RefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "journeymap.urls"
ASGI_APPLICATION = "journeymap.asgi.application"

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
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production), else a SQLite file under var/.
SQLITE_OPTIONS = {
    # Immediate transactions take the write lock up front, so concurrent writers wait (busy
    # timeout) instead of failing with "database is locked"; WAL lets readers run meanwhile.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "journeymap.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory: the tests' daphne processes open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_journeymap.sqlite3")}
else:
    # Channels' live server looks for test_test_<name> unless the test name is explicit.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI each request runs on a thread of its own: persistent connections (one per
    # thread) opened a PostgreSQL connection per request and left it to the garbage
    # collector; 100 quick edits held 86 at once. A pool per process bounds them, and a
    # connection broken by a database restart is checked out of it, not handed to a request.
    # Past JOURNEYMAP_DB_POOL_WAIT seconds without a free connection a request answers 503
    # (journeymap/errors.py), which the board resends by itself.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Which process holds which sessions, in pg_stat_activity.
    options.setdefault("application_name", f"journeymap:{os.getpid()}")
    # A database that does not answer (not one that refuses) is given up on like one away.
    options.setdefault("connect_timeout", 5)
    options["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("JOURNEYMAP_DB_POOL_SIZE", "16")),
        "timeout": float(os.environ.get("JOURNEYMAP_DB_POOL_WAIT", "3")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache every process shares: rate limits and the count of each person's open sockets
# (workshops/ratelimit.py). Redis with REDIS_URL; else this process's memory.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("REDIS_PREFIX", "journeymap"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Drawn curves stay in each process (maps/charts.py): never waiting on, or failing with, Redis.
CACHES["curves"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "curves",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# Per person: changes a minute (a fast team writes a card every few seconds; a flood is
# refused with 429), socket frames per 10 s (a browser sends a ping every 25 s and a note when
# an editor opens), and sockets open at once (tabs and devices).
WRITES_PER_MINUTE = int(os.environ.get("WRITES_PER_MINUTE", 240))
FRAMES_PER_10S = int(os.environ.get("FRAMES_PER_10S", 100))
SOCKETS_PER_PERSON = int(os.environ.get("SOCKETS_PER_PERSON", 12))
# Socket connections a minute per browser: reconnecting after a drop takes a few. Also per
# network address, so a client making up session cookies gets no new counter each time; a
# room of people behind one office address reconnecting after a restart stays well under it.
CONNECTS_PER_MINUTE = int(os.environ.get("CONNECTS_PER_MINUTE", 60))
# How often an open socket asks again whether it may stay, and says it is still open (an
# entry in the count of a person's sockets lives three times as long).
SOCKET_RECHECK_SECONDS = float(os.environ.get("SOCKET_RECHECK_SECONDS", 60))
CONNECTS_PER_ADDRESS_PER_MINUTE = int(os.environ.get("CONNECTS_PER_ADDRESS_PER_MINUTE", 1200))
# The largest request body daphne reads (journeymap/body_guard.py): an import is at most
# 2 MB; its form adds a little. Django's own limits apply after it.
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", 3 * 1024 * 1024))
# Heavy reads per person a minute: PDFs take seconds of CPU, charts drawn anew a fraction of
# one (unchanged ones come from the cache). A person reads a few; a loop is refused with 429.
EXPORTS_PER_MINUTE = int(os.environ.get("EXPORTS_PER_MINUTE", 10))
CHARTS_PER_MINUTE = int(os.environ.get("CHARTS_PER_MINUTE", 60))
# Failed logins per account and per address in LOGIN_WINDOW seconds, before even the right
# password is refused until the window passes.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", 10))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", 30))
LOGIN_WINDOW = 15 * 60

# Channel layer: Redis when REDIS_URL is set (a room spans daphne processes), else in-memory.
REDIS_HOST = {
    "address": os.environ.get("REDIS_URL", ""),
    # redis-py 8 reads with a 5 s socket timeout by default, the same as the 5 s blocking pop
    # channels-redis waits on: idle consumers then died with "Timeout reading from redis"
    # (seen in tests/test_multiprocess.py). Read longer.
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
    "health_check_interval": 25,
    # redis-py 8 fails, not waits, past 100 pooled connections; a room of 300 joining at
    # once needs more for a moment.
    "max_connections": 1000,
}
REDIS_LAYER = os.environ.get("REDIS_LAYER", "pubsub")
if os.environ.get("REDIS_URL") and REDIS_LAYER == "pubsub":
    # One Redis publish per push per process, fanned out in-process (benchmarks/README.md).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_HOST],
                "prefix": os.environ.get("REDIS_PREFIX", "journeymap"),
            },
        }
    }
elif os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_HOST],
                "prefix": os.environ.get("REDIS_PREFIX", "journeymap"),
                # Per-socket queue. The default 100 overflowed when 300 people joined at once
                # (each hears every join); an overflow drops pushes, which clients then have
                # to catch up on. 1000 small messages per socket is cheap.
                "capacity": 1000,
            },
        }
    }
else:
    # One process: a full socket queue turns its pushes into one re-read, never a silent loss
    # (workshops/memory_layer.py); 1,000 as on Redis.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "workshops.memory_layer.MemoryLayer",
            "CONFIG": {"capacity": 1000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "maps:list"
LOGOUT_REDIRECT_URL = "login"

# E-mail reminders of action plans (manage.py send_reminders): through SMTP when EMAIL_HOST
# is set, otherwise printed by the console backend. Links in them start with SITE_URL.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "journeymap <noreply@localhost>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only for `collectstatic` (e.g. behind a CDN); whitenoise serves from the finders otherwise.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served by whitenoise straight from the finders: no collectstatic step for `make run`.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    # Behind a TLS proxy (X-Forwarded-Proto). docker-compose on a laptop turns both off.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # health checks come over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "shutdown_cleanup": {"()": "journeymap.log_filters.ShutdownCleanup"},
        "database_down": {"()": "journeymap.log_filters.DatabaseDown"},
        "redis_away": {"()": "journeymap.log_filters.RedisAway"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["shutdown_cleanup", "database_down", "redis_away"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each SVG style it skips and each layout step: not for server logs.
    "loggers": {"daphne": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"}},
}

# PDFs are made by worker processes (workshops/printshop.py, docs/printing.md): headless
# Chromium kept warm where it is installed (measured faster), WeasyPrint otherwise.
CHROMIUM = os.environ.get("JOURNEYMAP_CHROMIUM", "/usr/bin/chromium")
PDF_ENGINE = os.environ.get(
    "JOURNEYMAP_PDF_ENGINE", "chromium" if Path(CHROMIUM).exists() else "weasyprint"
)
PDF_WORKERS = int(os.environ.get("JOURNEYMAP_PDF_WORKERS", "1"))  # per server process
PDF_TIME_LIMIT = int(os.environ.get("JOURNEYMAP_PDF_TIME_LIMIT", "120"))  # seconds a render
PDF_MEMORY_MB = int(os.environ.get("JOURNEYMAP_PDF_MEMORY_MB", "1500"))  # worker and browser
PDF_WAIT = int(os.environ.get("JOURNEYMAP_PDF_WAIT", "180"))  # a plain download waits this long
