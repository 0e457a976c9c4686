"""Settings, read from the environment (and an optional `.env` file) with django-environ.

Every name here that operators set is listed in the README's configuration table.
"""

import contextlib
import re
import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# The package carries what it serves (templates/, static/); BASE_DIR is the checkout when run
# from one (it holds manage.py), otherwise the folder the package is installed in.
PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
CHECKOUT = (BASE_DIR / "manage.py").is_file()

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env" if CHECKOUT else Path.cwd() / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Everything the app writes lives in one folder: the SQLite database, the GeoIP database, the
# beacon spool and the collected static files. A checkout keeps it in var/; an installed
# package in the user's data folder, whichever folder it is started from.
DATA_DIR = Path(
    env.str(
        "DATA_DIR",
        default=str(
            BASE_DIR / "var"
            if CHECKOUT
            else Path(env.str("XDG_DATA_HOME", default=str(Path.home() / ".local" / "share")))
            / "tracker"
        ),
    )
)
with contextlib.suppress(OSError):  # unwritable: the command that needs it says so
    DATA_DIR.mkdir(parents=True, exist_ok=True)


def data_path(name: str) -> Path:
    """A place in DATA_DIR, or where a checkout kept it before DATA_DIR when it is still there."""
    legacy = BASE_DIR / name
    return legacy if CHECKOUT and legacy.exists() else DATA_DIR / name


def rate_setting(name: str, default: str) -> str:
    """A rate like 120/m (per s, m, h or d), or "off"."""
    value = env.str(name, default=default)
    if value != "off" and not re.fullmatch(r"[0-9]+/[0-9]*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must look like 120/m (per s, m, h or d) or be off.")
    return value


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            'string (for example the output of `python -c "import secrets; '
            'print(secrets.token_urlsafe(50))"`), or set DEBUG=True for local development.'
        )
    # Development only: a fixed key is fine because DEBUG never faces the internet.
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Application -------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "accounts",
    "sites",
    "visits",
    "api",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    # The beacon takes every page view of every site: it is answered before the rest.
    "visits.ingest.middleware.BeaconFastPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The tracking script at its stable address (and every hashed one it had), before WhiteNoise.
    "sites.script.TrackerScriptMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language, or the django_language cookie)...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ...unless the account chose one; the API always answers in English.
    "accounts.language.AccountLanguageMiddleware",
    # request.user.is_verified(): has this session passed the second step?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Until it has, a session reaches only the code page (or the set-up page) and logout.
    "accounts.two_factor_middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers locked-out logins with a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker_project.urls"
WSGI_APPLICATION = "tracker_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
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

# --- Database ----------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{data_path('db.sqlite3')}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock up front so
    # concurrent writers wait for the busy timeout instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests use a file too, so concurrent requests hit real locking, as in production.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(BASE_DIR / "test-db.sqlite3")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ----------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (OpenID Connect); it answers nothing while OIDC_ISSUER is empty.
    "accounts.sso_backend.SingleSignOnBackend",
]
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_ALLOWED_DOMAINS = [domain.lower() for domain in env.list("OIDC_ALLOWED_DOMAINS", default=[])]
OIDC_CREATE_USERS = env.bool("OIDC_CREATE_USERS", default=True)
if OIDC_ISSUER and not OIDC_CLIENT_ID:
    raise ImproperlyConfigured("OIDC_ISSUER is set: set OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET).")

# Brute-force protection (django-axes): after AXES_FAILURE_LIMIT failed logins for one account
# from one address, that pair is refused with a 429 for the cool-off time, right password or not.
# Attempts are recorded under a daily pseudonym of the address, never the address itself.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.pseudonymous_address"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.models.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
# Wrong two-factor codes count as failed logins too, and a right password alone clears nothing.
AXES_HANDLER = "accounts.two_factor_lockout.TwoFactorAxesHandler"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
REGISTER_RATE_LIMIT = rate_setting("REGISTER_RATE_LIMIT", default="10/h")
INVITE_RATE_LIMIT = rate_setting("INVITE_RATE_LIMIT", default="30/h")
PASSWORD_RESET_RATE_LIMIT = rate_setting("PASSWORD_RESET_RATE_LIMIT", default="5/h")
LOGIN_URL = "accounts:login"
# Two-factor login (django-otp): staff must set it up at their next login when this is on.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Tracker"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_REDIRECT_URL = "sites:list"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ----------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# The languages of the pages and emails, named in themselves; the translations ship compiled.
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_TZ = True

# --- Static files ------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tracker_project.staticfiles.CollectedOrSourceStorage"},
}
# Until `collectstatic` has run, WhiteNoise serves the files from the package itself.
WHITENOISE_USE_FINDERS = DEBUG or not (STATIC_ROOT / "staticfiles.json").is_file()

# --- Security ----------------------------------------------------------------------------

# Served over HTTPS (the default in production): redirect plain HTTP, secure cookies, HSTS.
HTTPS = env.bool("HTTPS", default=not DEBUG)
# Behind N trusted reverse proxies the client is the N-th X-Forwarded-For entry from the right.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT > 0:
    # Only a proxy we trust may tell us the original scheme.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp): everything from our own origin, nothing inline.
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
# The rate limits count in the default cache: Redis when REDIS_URL is set (shared by every
# worker), otherwise each process's memory, which still stops a single abuser.
RATELIMIT_USE_CACHE = "default"

# --- API ---------------------------------------------------------------------------------

API_RATE_LIMIT = rate_setting("API_RATE_LIMIT", default="600/m")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenHasScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": None,  # `format` is the export's own parameter
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tracker API",
    "DESCRIPTION": "Your sites, their figures and visits. Authenticate with "
    "`Authorization: Bearer <token>`; make tokens on your account page or a site's token page. "
    "A token has scopes (`read`, `write`, `ingest`: each endpoint names the one it needs; "
    "without it, 403 with `missing_scope`) and may be limited to some sites (the others are "
    "404 to it).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Analytics ---------------------------------------------------------------------------

GEOIP_PATH = Path(env.str("GEOIP_PATH", default=str(data_path("geoip"))))
MAXMIND_ACCOUNT_ID = env.str("MAXMIND_ACCOUNT_ID", default="")
MAXMIND_LICENSE_KEY = env.str("MAXMIND_LICENSE_KEY", default="")
RESPECT_DNT = env.bool("RESPECT_DNT", default=True)
BEACON_RATE_LIMIT = rate_setting("BEACON_RATE_LIMIT", default="120/m")
# "spool": a 204 once the visit is appended to a local file, bulk-inserted within a second or two
# (fast, survives a killed worker); "direct": a 204 once the visit's own INSERT committed.
BEACON_WRITE_MODE = env.str("BEACON_WRITE_MODE", default="spool")
if BEACON_WRITE_MODE not in ("spool", "direct"):
    raise ImproperlyConfigured("BEACON_WRITE_MODE must be 'spool' or 'direct'.")
BEACON_SPOOL_DIR = Path(env.str("BEACON_SPOOL_DIR", default=str(DATA_DIR / "spool")))
# Refreshed copies of the referrer lists (`referrer_lists_update`); the packaged ones until then.
REFERRER_LISTS_DIR = Path(env.str("REFERRER_LISTS_DIR", default=str(DATA_DIR / "referrers")))
# Who stores the spool: "process", one drainer process the production server starts beside its
# workers (the workers only append); "thread", a thread in every process, for its own file.
BEACON_SPOOL_DRAINER = env.str("BEACON_SPOOL_DRAINER", default="process")
if BEACON_SPOOL_DRAINER not in ("process", "thread"):
    raise ImproperlyConfigured("BEACON_SPOOL_DRAINER must be 'process' or 'thread'.")

# --- Logging: everything to stderr, where gunicorn, systemd and containers collect it -------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "filters": {
        "client_errors": {"()": "tracker_project.log_filters.ClientErrorsWithoutTraceback"},
    },
    # Logs go to stderr: stdout is for what commands print (`export_site > file` stays JSON).
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": sys.stderr, "formatter": "plain"},
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"filters": ["client_errors"]},
        # Its start-up banner would open every command's output; its lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

# --- Email (digests and alerts) -----------------------------------------------------------

# smtp://user:password@host:587 (or submission:// for STARTTLS), consolemail:// to print.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tracker <tracker@localhost>")
# Where this app is reached, for links in emails (which are sent from cron, not a request).
PUBLIC_URL = env.str("PUBLIC_URL", default="http://localhost:8000").rstrip("/")
# Webhooks: seconds to wait before each retry (so 3 tries by default), and whether endpoints
# may be on private or loopback addresses (off: a site manager can't make the server call
# into its own network).
WEBHOOK_RETRY_DELAYS = env.list("WEBHOOK_RETRY_DELAYS", cast=float, default=[1, 4])
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
