"""Django settings, read from the environment.

Environment variables (all optional in development):

- ``ISMS_DATA_DIR``: folder for the SQLite database, uploaded files and the locally generated
  secret key (default ``var/`` in the current directory).
- ``DATABASE_URL``: any database URL dj-database-url understands; default SQLite in the data folder.
  PostgreSQL: ``postgres://user@host:5432/name``.
- ``ISMS_ENV``: ``development`` (default) or ``production``. Production requires
  ``ISMS_SECRET_KEY`` and ``ISMS_ALLOWED_HOSTS`` and never runs with DEBUG.
- ``ISMS_SECRET_KEY``: the secret key; in development one is generated once into the data folder.
- ``ISMS_DEBUG``: ``1`` to turn Django's debug mode on (development only).
- ``ISMS_HSTS_SECONDS`` (production, default one year), ``ISMS_HSTS_INCLUDE_SUBDOMAINS`` and
  ``ISMS_HSTS_PRELOAD`` (default on), ``ISMS_SSL_REDIRECT`` (production, default on; ``0`` when a
  TLS proxy in front already redirects plain HTTP).
- ``ISMS_SQLITE_TIMEOUT``: seconds a writer waits for a busy SQLite database (default 30).
- ``ISMS_TOKEN_DAYS``: days a new API token is valid unless told otherwise (default 90, at most
  365).
- ``ISMS_AUTH_FAILURES`` and ``ISMS_AUTH_WINDOW_SECONDS``: after this many failed token attempts
  from one address within the window (default 10 in 300 s) that address gets 429 for the window.
- ``ISMS_NUM_PROXIES``: reverse proxies in front that append to X-Forwarded-For (default 0: the
  client address is REMOTE_ADDR).
- ``ISMS_CACHE_URL``: the cache the throttling counts in: ``locmem://`` (default, one process),
  ``file:///path``, ``db://table`` (after ``createcachetable``), ``redis://...`` or
  ``memcached://host:port`` (these two need their client library). Several server processes
  need a shared one, or each counts on its own.
- ``ISMS_MAX_UPLOAD_MB`` (default 100): the largest evidence upload; ``ISMS_MAX_BODY_MB``
  (default 2): the largest body of any other request. Larger requests answer 413 unread.
- ``ISMS_LOGIN_FAILURES`` (default 5) and ``ISMS_LOGIN_COOLOFF_MINUTES`` (default 15): failed
  web sign-ins for one username from one address before that pair is locked out, and for how long.
- ``ISMS_TASKS``: ``immediate`` runs background work (a mock audit started in the browser) in the
  request itself; by default it is queued in the database for ``isms worker``.
- ``ISMS_SERVE_STATIC`` (default on): serve the static files (the web pages' CSS and scripts, the
  API docs' Swagger UI) from the application through WhiteNoise; ``0`` when the web server
  serves ``STATIC_ROOT`` (after ``collectstatic``).
"""

import os
import secrets
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}, not {value}")
    return value


DATA_DIR = Path(os.environ.get("ISMS_DATA_DIR", "var")).expanduser().resolve()
ENVIRONMENT = os.environ.get("ISMS_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"ISMS_ENV must be 'development' or 'production', not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"


def _secret_key() -> str:
    from_env = os.environ.get("ISMS_SECRET_KEY", "").strip()
    if from_env:
        if PRODUCTION and (len(from_env) < 50 or len(set(from_env)) < 5):
            raise ImproperlyConfigured(
                "ISMS_SECRET_KEY must be at least 50 characters, random, in production "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(60))')"
            )
        return from_env
    if PRODUCTION:
        raise ImproperlyConfigured("ISMS_ENV=production requires ISMS_SECRET_KEY to be set")
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = False if PRODUCTION else _flag("ISMS_DEBUG")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "ISMS_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
    ).split(",")
    if host.strip()
]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ISMS_ENV=production requires ISMS_ALLOWED_HOSTS")
if PRODUCTION and any("*" in host for host in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "ISMS_ALLOWED_HOSTS may not contain '*' in production: name the host names served"
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",  # sign-in throttling (failed attempts per address and per user and address)
    "django_otp",
    "django_otp.plugins.otp_totp",  # optional TOTP second factor, which an owner can require
    "django_tasks",
    "django_tasks_db",  # background work (mock audits from the browser) queued in the database
    "django_htmx",
    "ninja",  # its templates and static files: the API docs load Swagger UI from our own origin
    "isms.catalog",
    "isms.core",
    # Register apps, in dependency order (a register's required references point backwards).
    "isms.people",
    "isms.leadership",
    "isms.context",
    "isms.risk",
    "isms.controls",
    "isms.documents",
    "isms.operations",
    "isms.monitoring",
    "isms.changes",
    "isms.technology",
    "isms.resilience",
    "isms.development",
    "isms.audits",
    "isms.evidence",  # last: evidence links may point at a record of any register
    "isms.readiness",
    "isms.loop",  # no models; an app for its templates (the review pack)
    "isms.web",  # the web application's pages
]

MIDDLEWARE = [
    # Outermost, so that every response gets the CSP (and /api/ responses no-store), even the
    # 413 of the body limit and the HTTPS redirect.
    "isms.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (the web app's CSS and scripts, Swagger UI) with far-future caching.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that could read the body and before any view looks up an organisation:
    # an oversized request is refused unread, whoever sends it.
    "isms.core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # An organisation that requires two-factor sends an unverified session to the code step.
    "isms.web.access.TwoFactorRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "isms.core.actor.ActingUserMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in before the view runs.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out address or user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "isms.urls"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
WSGI_APPLICATION = "isms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'isms.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several readers while one process writes (web server plus a CLI import). Every
    # transaction takes the write lock when it begins, so a writer that finds the database busy
    # waits (up to ISMS_SQLITE_TIMEOUT seconds) instead of failing half-way with "database is
    # locked"; a row read inside a transaction cannot change before it is written back.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("ISMS_SQLITE_TIMEOUT", "30")),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "files/"

SERVE_STATIC = _flag("ISMS_SERVE_STATIC", default=True)
#: Static files are served by WhiteNoise. In production run
#: ``python -m django collectstatic --settings=isms.settings`` at install (hashed, compressed
#: copies in STATIC_ROOT, see docs/deploy.md); elsewhere they are found in the apps directly.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = False
if not SERVE_STATIC:
    MIDDLEWARE.remove("whitenoise.middleware.WhiteNoiseMiddleware")
if not PRODUCTION:
    # Outside production the files come from the apps; an empty STATIC_ROOT is expected.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

#: The Content-Security-Policy of every response: our own scripts and styles only, nothing
#: inline, no framing. The API docs (Swagger UI) are served from STATIC_URL and comply.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

#: Request bodies: an evidence upload may be ISMS_MAX_UPLOAD_MB (plus 1 MB for the multipart
#: envelope); any other request ISMS_MAX_BODY_MB.
MAX_UPLOAD_MB = _int("ISMS_MAX_UPLOAD_MB", 100, 1, 10_240)
MAX_UPLOAD_BYTES = (MAX_UPLOAD_MB + 1) * 1024 * 1024
MAX_BODY_BYTES = _int("ISMS_MAX_BODY_MB", 2, 1, 1024) * 1024 * 1024
#: The web import page's upload: the importer's largest file (exchange.limits.MAX_FILE_BYTES,
#: 50 MB) plus 1 MB for the envelope.
MAX_IMPORT_BODY_BYTES = 51 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES

#: API tokens: the default and the longest validity of a new token, in days.
TOKEN_MAX_DAYS = 365
TOKEN_DAYS = _int("ISMS_TOKEN_DAYS", 90, 1, TOKEN_MAX_DAYS)
#: Failed authentication: this many failures from one address within the window block it for
#: the window (429 with Retry-After, the credentials not even checked).
AUTH_FAILURE_LIMIT = _int("ISMS_AUTH_FAILURES", 10, 1, 10_000)
AUTH_FAILURE_WINDOW = _int("ISMS_AUTH_WINDOW_SECONDS", 300, 1, 86_400)
NUM_PROXIES = _int("ISMS_NUM_PROXIES", 0, 0, 10)


def _cache(url: str) -> dict:
    scheme, _, rest = url.partition("://")
    backends = {
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "file": "django.core.cache.backends.filebased.FileBasedCache",
        "db": "django.core.cache.backends.db.DatabaseCache",
        "redis": "django.core.cache.backends.redis.RedisCache",
        "rediss": "django.core.cache.backends.redis.RedisCache",
        "memcached": "django.core.cache.backends.memcached.PyMemcacheCache",
    }
    if scheme not in backends:
        raise ImproperlyConfigured(
            f"ISMS_CACHE_URL must start with one of {', '.join(s + '://' for s in backends)}"
        )
    location = {"locmem": rest or "isms", "redis": url, "rediss": url}.get(scheme, rest)
    return {"BACKEND": backends[scheme], "LOCATION": location}


CACHES = {"default": _cache(os.environ.get("ISMS_CACHE_URL", "").strip() or "locmem://")}

#: Background work: queued in the database (no broker), run by ``isms worker``
#: (django-tasks' db_worker). ISMS_TASKS=immediate runs each task at once in the request, for a
#: single-user local server without a worker.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("ISMS_TASKS", "").strip().lower() == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

#: Sign-in throttling (django-axes): ISMS_LOGIN_FAILURES failed sign-ins (default 5) for one
#: username from one address lock that pair out for ISMS_LOGIN_COOLOFF_MINUTES (default 15).
#: Password spraying from one address is also capped by the address throttle the API tokens
#: use (ISMS_AUTH_FAILURES in ISMS_AUTH_WINDOW_SECONDS). The address is read as the API reads it.
AXES_FAILURE_LIMIT = _int("ISMS_LOGIN_FAILURES", 5, 1, 1000)
AXES_COOLOFF_TIME = _int("ISMS_LOGIN_COOLOFF_MINUTES", 15, 1, 24 * 60) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "isms.core.accounts.axes_client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
#: Our locked-out page: 429 with Retry-After and the time the pair may try again.
AXES_LOCKOUT_CALLABLE = "isms.web.views.auth.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
#: Password reset links (``isms user reset-link``) are valid at most this long (3 days);
#: each link is made for --hours within it and works once.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
#: The name authenticator apps show beside a TOTP entry.
OTP_TOTP_ISSUER = "isms"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("ISMS_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("ISMS_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = _flag("ISMS_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = _flag("ISMS_SSL_REDIRECT", default=True)
    # An operator who turns one of these off has decided so (a TLS proxy that redirects plain
    # HTTP itself, other hosts under the domain); `check --deploy` is told, not left to warn.
    SILENCED_SYSTEM_CHECKS = [
        check
        for check, on in (
            ("security.W008", SECURE_SSL_REDIRECT),
            ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
            ("security.W021", SECURE_HSTS_PRELOAD),
        )
        if not on
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ISMS_LOG_LEVEL", "WARNING")},
    # Access taken away or given back, throttled addresses: always logged.
    "loggers": {"isms.security": {"level": "INFO"}},
}
