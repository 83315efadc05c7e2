"""Django settings for Kontor. Everything that differs between installs is an environment variable
(see kontor/config.py and the README); with none set, Kontor runs from ./data."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from kontor.config import ConfigError, env_bool, env_int, env_list, env_path, env_str, listening_base_url
from kontor.lib.sizes import env_size

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("KONTOR_DATA_DIR", "./data")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data directory,
    so that sessions survive restarts of a trial install without any configuration."""
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("KONTOR_DEBUG", False)
# Without KONTOR_BASE_URL, links point to where `kontor run` / `kontor web` listen (PORT, KONTOR_BIND).
BASE_URL = (env_str("KONTOR_BASE_URL") or listening_base_url()).rstrip("/")
ALLOWED_HOSTS = env_list("KONTOR_ALLOWED_HOSTS", "") or [
    urlsplit(BASE_URL).hostname or "localhost", "localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [BASE_URL]
# Reverse proxies (IPs or CIDR networks) whose X-Forwarded-For Kontor believes; the client's address
# is the rightmost hop not in this list (kontor/lib/clients.py). Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("KONTOR_TRUSTED_PROXIES")
MAIL_DOMAIN = env_str("KONTOR_MAIL_DOMAIN", "kontor.localhost")
# The largest incoming message Kontor takes (bytes; 25 MB unless set); larger ones are refused (552).
MAIL_MAX_BYTES = env_int("KONTOR_MAIL_MAX_BYTES", 25 * 1024 * 1024)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "ninja",  # serves the API docs' Swagger UI from its bundled static files, not a CDN
    "kontor.accounts",
    "kontor.records",
    "kontor.contacts",
    "kontor.history",
    "kontor.deals",
    "kontor.projects",
    "kontor.tasks",
    "kontor.search",
    "kontor.files",
    "kontor.notifications",
    "kontor.mail",
    "kontor.transfer",
    "kontor.webforms",
    "kontor.api",
    "kontor.webhooks",
    "kontor.operations",
    "kontor.twofactor",
]

MIDDLEWARE = [
    "kontor.lib.forwarded_proto.ForwardedProtoMiddleware",  # before SecurityMiddleware reads the header
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "kontor.lib.permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kontor.accounts.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the account and htmx middleware: a team that requires two-factor login sends
    # colleagues who have not set it up to the set-up first (kontor/twofactor/middleware.py).
    "kontor.twofactor.middleware.SetupRequiredMiddleware",
    # The API's X-RateLimit-* headers on every answer, errors included (kontor/api/ratelimit.py).
    "kontor.api.ratelimit.RateLimitHeadersMiddleware",
]

ROOT_URLCONF = "kontor.urls"
WSGI_APPLICATION = "kontor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kontor.accounts.context_processors.kontor",
            ],
            # {% kept %} and {% hole %}: parts of pages rendered once per process (kontor/lib/kept_tags.py).
            "libraries": {"kept": "kontor.lib.kept_tags"},
        },
    }
]


# Kept blocks ({% kept %}) rendered afresh on every page too and compared with the kept HTML: on in
# the test suite (a fixture in tests/conftest.py), so that a key missing a value its block shows fails a test.
KEPT_CHECK = env_bool("KONTOR_KEPT_CHECK", False)

# Memory per SQLite connection, and a web worker has one per thread: the page cache of each, and
# how much of the file it maps instead of reading. The operating system caches the file for all
# connections anyway, so a small cache and no map cost the pages no measurable time, while 64 MB
# and a 256 MB map made each worker 500 to 600 MB large (docs/performance.md, "Memory").
SQLITE_CACHE_MB = env_int("KONTOR_SQLITE_CACHE_MB", 8)
SQLITE_MMAP_MB = env_int("KONTOR_SQLITE_MMAP_MB", 0)


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL")
    # Connections are kept for a minute, on SQLite too: a new one costs its PRAGMAs and starts
    # with an empty page cache, and the worker would open one per job.
    max_age = env_int("KONTOR_DB_CONN_MAX_AGE", 60)
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=max_age))
        if config["ENGINE"] == "django.db.backends.postgresql":
            config.setdefault("OPTIONS", {})
            config["CONN_HEALTH_CHECKS"] = True
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "kontor.sqlite3",
        "CONN_MAX_AGE": max_age,
        "OPTIONS": {
            # WAL lets readers work while one writer writes; IMMEDIATE avoids the upgrade
            # deadlock of two deferred transactions that both start writing.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                " PRAGMA busy_timeout=20000; PRAGMA temp_store=MEMORY;"
                f" PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024}; PRAGMA mmap_size={SQLITE_MMAP_MB * 1024 * 1024};"
            ),
        },
        "TEST": {"NAME": env_str("KONTOR_TEST_SQLITE", "") or None},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["kontor.accounts.auth.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
# Django's database sessions, read with SQL compiled once per process (kontor/accounts/session_store.py).
SESSION_ENGINE = "kontor.accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# kontor itself is no installed app, so its own assets (app.css, app.js) need naming here.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request while it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": DATA_DIR / "files"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
                    if not DEBUG and env_bool("KONTOR_COLLECTSTATIC", False)
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files on S3 (or any S3-compatible store) when S3_BUCKET is set; needs the optional extra:
# pip install "kontor[s3]". The bucket stays private: every download goes through Kontor.
if env_str("S3_BUCKET"):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env_str("S3_BUCKET"),
        "access_key": env_str("S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
        "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
        "region_name": env_str("S3_REGION") or None,
        "location": env_str("S3_PREFIX"),
        "default_acl": "private",
        "file_overwrite": False,
    }}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

PHOTO_MAX_BYTES = env_int("KONTOR_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# The largest file anyone may attach to a record or an entry (bytes; 25 MB unless set).
KONTOR_MAX_UPLOAD_BYTES = env_int("KONTOR_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Outgoing mail: EMAIL_URL=smtp://user:password@host:587 (smtps:// for implicit TLS,
# ?starttls=1 is implied on 587). Without it, mails go to the log so nothing is lost in a trial.
DEFAULT_FROM_EMAIL = env_str("KONTOR_FROM_EMAIL", f"Kontor <kontor@{MAIL_DOMAIN}>")


def _email_settings() -> dict:
    url = env_str("EMAIL_URL")
    if not url:
        return {"EMAIL_BACKEND": "kontor.lib.logmail.LogEmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "submission"}:
        raise ConfigError(f"EMAIL_URL must start with smtp:// or smtps://, not {parts.scheme}://")
    port = parts.port or (465 if parts.scheme == "smtps" else 587 if parts.scheme == "submission" else 25)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme != "smtps" and (port == 587 or "starttls=1" in parts.query),
        "EMAIL_TIMEOUT": 20,
    }


globals().update(_email_settings())

# Incoming mail (docs/mail-server.md). The SMTP listener that `kontor run` starts beside the web
# server (KONTOR_SMTP_PORT=0 starts none) and `kontor mailserver` runs alone; STARTTLS is offered
# when both a PEM certificate (chain) and its key are given. IMAP_URL names mailboxes to poll
# every minute (imaps://user:password@host:993/INBOX, several separated by commas).
SMTP_HOST = env_str("KONTOR_SMTP_HOST", "127.0.0.1")
SMTP_PORT = env_int("KONTOR_SMTP_PORT", 2525)
SMTP_TLS_CERT = env_str("KONTOR_SMTP_TLS_CERT")
SMTP_TLS_KEY = env_str("KONTOR_SMTP_TLS_KEY")
if bool(SMTP_TLS_CERT) != bool(SMTP_TLS_KEY):
    raise ConfigError("KONTOR_SMTP_TLS_CERT and KONTOR_SMTP_TLS_KEY must be set together")
IMAP_URL = env_str("IMAP_URL")
IMAP_DONE_FOLDER = env_str("KONTOR_IMAP_DONE_FOLDER", "Kontor/Filed")

# Background jobs: SQLite queue in the data directory, Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
HUEY = {
    "name": "kontor",
    "immediate": env_bool("KONTOR_JOBS_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": env_int("KONTOR_WORKERS", 2), "worker_type": "thread", "periodic": True},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.PriorityRedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KONTOR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Configured here, the worker does not add its own handler (which printed every line twice).
        "huey": {"handlers": ["console"], "level": env_str("KONTOR_LOG_LEVEL", "INFO"), "propagate": False},
        # aiosmtpd logs every SMTP command line at INFO; the listener logs what matters itself.
        "mail.log": {"level": "WARNING"},
    },
}

# Login throttling: at most this many failures per e-mail address and per client address
# within the window, counted in the database so that every web process sees the same numbers.
LOGIN_MAX_FAILURES = env_int("KONTOR_LOGIN_MAX_FAILURES", 10)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("KONTOR_LOGIN_FAILURE_WINDOW", 15 * 60)
# The ceiling per client address over all e-mail addresses (browsers not known from an earlier
# login there), much higher so that colleagues behind one address do not lock each other out.
LOGIN_CLIENT_MAX_FAILURES = env_int("KONTOR_LOGIN_CLIENT_MAX_FAILURES", 10 * LOGIN_MAX_FAILURES)
# Password-reset mails within an hour: per e-mail address, and per client address asking.
PASSWORD_RESET_MAILS_PER_ADDRESS = env_int("KONTOR_PASSWORD_RESET_MAILS", 3)
PASSWORD_RESET_MAILS_PER_CLIENT = 10
# The unsubscribe links in mails work for this many days after the mail was sent.
UNSUBSCRIBE_LINK_DAYS = 90


def _rate(name: str, default: str) -> tuple[int, int]:
    """Reads a rate such as "600/minute" as (600, 60): requests per window of seconds."""
    raw = env_str(name, default)
    windows = {"second": 1, "s": 1, "minute": 60, "min": 60, "m": 60, "hour": 3600, "h": 3600,
               "day": 86400, "d": 86400}
    count, _, unit = raw.partition("/")
    if not count.strip().isdigit() or int(count) < 1 or unit.strip().lower() not in windows:
        raise ConfigError(f"{name} must look like 600/minute (a number per second, minute, hour or day), "
                          f"not {raw!r}")
    return int(count), windows[unit.strip().lower()]


# The API's rate limit per key (KONTOR_API_RATE_LIMIT, e.g. 600/minute), counted in the database
# so it holds across web processes; and how many wrong keys a client may send per minute.
API_RATE_LIMIT, API_RATE_WINDOW_SECONDS = _rate("KONTOR_API_RATE_LIMIT", "600/minute")
API_BAD_KEY_LIMIT = env_int("KONTOR_API_BAD_KEY_LIMIT", 20)
API_BAD_KEY_WINDOW_SECONDS = 60

TRASH_RETENTION_DAYS = 30

# Web forms (see docs/webforms.md): a form sent sooner than WEBFORM_MIN_SECONDS after it was shown
# counts as spam, one older than WEBFORM_MAX_AGE_SECONDS is shown again; at most WEBFORM_RATE_LIMIT
# enquiries per client address and form within WEBFORM_RATE_WINDOW_SECONDS.
WEBFORM_MIN_SECONDS = env_int("KONTOR_WEBFORM_MIN_SECONDS", 3)
WEBFORM_MAX_AGE_SECONDS = 24 * 60 * 60
WEBFORM_RATE_LIMIT = env_int("KONTOR_WEBFORM_RATE_LIMIT", 5)
WEBFORM_RATE_WINDOW_SECONDS = 10 * 60

# Webhooks (see docs/webhooks.md) go only to public internet addresses; true lifts that rule for
# receivers on the own network (an on-premises system, the tests' local receiver).
WEBHOOKS_ALLOW_PRIVATE = env_bool("KONTOR_WEBHOOKS_ALLOW_PRIVATE", False)

# Upload limits and the storage quota (docs/files.md, "Limits and quota"). A request body above
# KONTOR_MAX_REQUEST_BYTES (default: four files at the per-file limit, and at least one mail of the
# largest size) is refused with 413 by its Content-Length, before anything reads it; the upload
# handler counts the bytes of each file as they stream in and keeps none beyond the largest any
# upload may be. KONTOR_STORAGE_QUOTA ("10G"; off when unset or 0) caps what one account stores.
KONTOR_MAX_REQUEST_BYTES = env_size("KONTOR_MAX_REQUEST_BYTES",
                                    max(4 * KONTOR_MAX_UPLOAD_BYTES, MAIL_MAX_BYTES + 1024 * 1024))
KONTOR_STORAGE_QUOTA = env_size("KONTOR_STORAGE_QUOTA", 0)
MIDDLEWARE.append("kontor.files.limits.RequestSizeLimitMiddleware")
FILE_UPLOAD_HANDLERS = [
    "kontor.files.limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Security headers and HTTPS (docs/security.md, "Headers and HTTPS"). The Content-Security-Policy
# lets pages load scripts, styles, images and connections from Kontor itself only: no inline
# script or style, no eval (htmx runs with allowEval off), no plugins, and no page of Kontor in
# another site's frame. The web form's embed page relaxes frame-ancestors (kontor/webforms/public.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the API docs' (Swagger UI) icons are data: URLs in its CSS
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"  # for browsers without frame-ancestors; the embed page is exempt
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page of Kontor uses, switched off for it and for anything it might frame
# (kontor/lib/permissions_policy.py). The clipboard stays: the copy buttons write to it.
# Only features browsers know: Chromium reports every unknown name as an error in the console.
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture",
    "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
    "publickey-credentials-get", "serial", "usb", "xr-spatial-tracking")}
# With an https base URL: plain-http requests are redirected (KONTOR_HTTPS_REDIRECT=false leaves
# that to the proxy) and browsers are told to use https only (HSTS, a year unless
# KONTOR_HSTS_SECONDS says otherwise; 0 sends none). includeSubDomains covers only names under
# Kontor's own host (crm.example.com), not the company's other sites.
HTTPS_REDIRECT = env_bool("KONTOR_HTTPS_REDIRECT", True)
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE and HTTPS_REDIRECT
SECURE_HSTS_SECONDS = env_int("KONTOR_HSTS_SECONDS", 365 * 24 * 60 * 60) if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Behind a TLS-terminating proxy a request reaches Kontor over http; the proxy's
# X-Forwarded-Proto says whether the browser used https. Believed only when the operator names
# the proxies (KONTOR_TRUSTED_PROXIES), and from their addresses alone (kontor/lib/forwarded_proto.py).
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preloading is a promise for the whole registered domain, made by its owner at
    # hstspreload.org, not by one application on one of its hosts.
    "security.W021",
]
if SESSION_COOKIE_SECURE and not HTTPS_REDIRECT:
    # The operator said the proxy redirects to https (KONTOR_HTTPS_REDIRECT=false).
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# Backups (docs/deployment.md): the worker's nightly archive in <data>/backups, keeping the newest
# KONTOR_BACKUP_KEEP (0: no nightly backup). Stored files and their folders are readable by
# Kontor's user only, whatever the umask of the process that writes them.
BACKUP_KEEP = env_int("KONTOR_BACKUP_KEEP", 7)
if BACKUP_KEEP < 0:
    raise ConfigError(f"KONTOR_BACKUP_KEEP must be 0 or more, not {BACKUP_KEEP}")
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
