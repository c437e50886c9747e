"""Django settings: everything from the environment, through small typed helpers.

Development defaults are safe to run on a laptop (SQLite in ``VINCULO_HOME``, a secret key
generated once and kept there). Production: ``VINCULO_ENV=production`` turns on HTTPS-only
cookies, HSTS and the rest of ``manage.py check --deploy``, and then requires
``VINCULO_SECRET_KEY`` (or ``VINCULO_SECRET_KEY_FILE``) and ``VINCULO_ALLOWED_HOSTS``.

Variables: ``DATABASE_URL`` (default SQLite; ``postgres://...`` for PostgreSQL),
``VINCULO_ENV`` (development | production), ``VINCULO_DEBUG`` (1/0),
``VINCULO_ALLOWED_HOSTS`` (comma-separated), ``VINCULO_CSRF_TRUSTED_ORIGINS``,
``VINCULO_TRUSTED_PROXIES`` (how many reverse proxies add X-Forwarded-For; default 0),
``VINCULO_CSP_REPORT_ONLY`` (1/0), and the e-mail of password resets (below, 'E-mail').
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from vinculo.settings import SettingsError, secret, vinculo_home

BASE_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={value!r}: use 1 or 0")


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _days(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if not value.strip().isdigit() or not 1 <= int(value) <= 36_500:
        raise SettingsError(f"{name}={value!r}: a number of days from 1 to 36500")
    return int(value)


ENVIRONMENT = os.environ.get("VINCULO_ENV", "development")
if ENVIRONMENT not in ("development", "production", "test"):
    raise SettingsError(f"VINCULO_ENV={ENVIRONMENT!r}: development, production or test")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = _flag("VINCULO_DEBUG", default=False)


def _secret_key() -> str:
    key = secret("VINCULO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise SettingsError(
            "VINCULO_SECRET_KEY (or VINCULO_SECRET_KEY_FILE) must be set in production"
        )
    # development: one random key per VINCULO_HOME, kept out of the repository
    path = vinculo_home() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _list(
    "VINCULO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise SettingsError("VINCULO_ALLOWED_HOSTS must name the site's host names in production")
CSRF_TRUSTED_ORIGINS = _list("VINCULO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # its Swagger UI from its own static files, not a CDN (the docs work offline)
    "vinculo.web.accounts",
    "vinculo.web.audit",
    "vinculo.web.registry",
    "vinculo.web.insights",
    "vinculo.web.pipeline",
    "vinculo.web.people",
    "vinculo.web.mobility",
    "vinculo.web.transfer",
    "vinculo.web.forums",
]

#: How long a researcher's record is kept after it was last imported or confirmed
#: (docs/privacy.md); ``manage.py people_purge`` erases the older ones.
RESEARCHER_RETENTION_DAYS = _days("VINCULO_RESEARCHER_RETENTION_DAYS", 1095)

MIDDLEWARE = [
    "vinculo.web.csp.ContentSecurityPolicyMiddleware",  # first: every response gets it
    "django.middleware.security.SecurityMiddleware",
    "vinculo.web.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vinculo.web.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vinculo.web.errors.MethodNotAllowedPage",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vinculo.web.urls"
WSGI_APPLICATION = "vinculo.web.wsgi.application"

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
                "vinculo.web.navigation.navigation",
                "vinculo.web.csp.nonce",
            ],
        },
    },
]

# Forms and widgets render through Jinja2: the same HTML as Django's own form templates at
# a fraction of their cost (a detail page with six forms spent half its time in as_div);
# a widget template that only exists for Django's engine (the admin's) falls back to it.
FORM_RENDERER = "vinculo.web.renderers.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{vinculo_home() / 'vinculo.sqlite3'}",
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling first
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "insights:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): 5 failures lock the pair (user name, client address) for
# 15 minutes, never the user name alone: someone guessing names from one address cannot
# lock an officer out of the other addresses. The client address is REMOTE_ADDR, or behind
# VINCULO_TRUSTED_PROXIES reverse proxies the client's entry of X-Forwarded-For
# (vinculo.web.clientaddress: without it, every client would share the proxy's address).
TRUSTED_PROXIES = int(os.environ.get("VINCULO_TRUSTED_PROXIES") or 0)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "vinculo.web.clientaddress.client_address"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers as the strategy engine writes them (es-MX, en-US: 1,234.57 in both languages):
# Spanish through vinculo/web/formats/es (Django's own "es" writes 1 234,57); English is
# Django's. Thousands are grouped where a figure asks for it (floatformat:"2g",
# vinculo.web.formatting.number), not everywhere: years, ids and versions print as they are.
FORMAT_MODULE_PATH = ["vinculo.web.formats"]
USE_THOUSAND_SEPARATOR = False
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Mexico_City"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project's own (vinculo/vinculo.css); apps' too
STATIC_ROOT = vinculo_home() / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic fills it; WhiteNoise wants it to exist
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# source maps (Swagger UI's: 2 MB) are for developer tools: not compressed, which made
# collectstatic in production take over a minute
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
)
MEDIA_ROOT = vinculo_home() / "uploads"
# uploads: documents of agreements (the registry checks type and size too)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail (password resets, the pipeline's reminders). VINCULO_EMAIL_BACKEND: console (the
# default: printed on the server's output, for a laptop or the demo), file (one file per
# message in VINCULO_EMAIL_FILE_PATH, default VINCULO_HOME/mail) or smtp (VINCULO_EMAIL_HOST,
# VINCULO_EMAIL_PORT, VINCULO_EMAIL_USER, VINCULO_EMAIL_PASSWORD or _PASSWORD_FILE,
# VINCULO_EMAIL_TLS=1); VINCULO_EMAIL_FROM is the sender. The tests use locmem.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = os.environ.get("VINCULO_EMAIL_BACKEND") or "console"
if _email_backend not in _EMAIL_BACKENDS:
    raise SettingsError(f"VINCULO_EMAIL_BACKEND={_email_backend!r}: console, file or smtp")
EMAIL_BACKEND = _EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = os.environ.get("VINCULO_EMAIL_FILE_PATH") or str(vinculo_home() / "mail")
EMAIL_HOST = os.environ.get("VINCULO_EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("VINCULO_EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("VINCULO_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = secret("VINCULO_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = _flag("VINCULO_EMAIL_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("VINCULO_EMAIL_FROM") or "vinculo@localhost"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day (and once)

# Security headers everywhere; HTTPS-only settings in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (vinculo.web.csp): strict, a nonce per request, on every response;
# VINCULO_CSP_REPORT_ONLY=1 sends it as Content-Security-Policy-Report-Only instead.
CSP_REPORT_ONLY = _flag("VINCULO_CSP_REPORT_ONLY", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
if PRODUCTION:
    SECURE_SSL_REDIRECT = _flag("VINCULO_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
