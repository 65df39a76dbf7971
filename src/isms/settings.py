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
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
    "isms.audits",
    "isms.evidence",  # last: evidence links may point at a record of any register
    "isms.readiness",
    "isms.loop",  # no models; an app for its templates (the review pack)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "isms.core.actor.ActingUserMiddleware",
]

ROOT_URLCONF = "isms.urls"
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
}
