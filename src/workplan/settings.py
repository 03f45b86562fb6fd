"""Workplan settings: one module, driven by environment variables.

Environment:
    WORKPLAN_ENV            "production" or anything else (development; the default).
                            Production: PostgreSQL, the secret key from the environment,
                            DEBUG off, secure cookies, HSTS, HTTPS redirect (docs/deployment.md)
    WORKPLAN_HOME           folder holding ``var/`` (database, secret key, static, media);
                            default: the current working directory
    DATABASE_URL            e.g. postgres://user:pw@host:5432/db; default sqlite:///var/workplan.sqlite3
                            (a relative SQLite path is resolved against WORKPLAN_HOME)
    WORKPLAN_ALLOW_SQLITE   1: accept SQLite in production (refused otherwise)
    WORKPLAN_SECRET_KEY     required in production (50+ random characters); in development a
                            random key is kept in var/secret_key (created once, mode 600)
    WORKPLAN_SECRET_KEY_FALLBACKS  comma-separated former keys, while rotating the key
    WORKPLAN_DEBUG          1/0, default 1 unless production
    WORKPLAN_ALLOWED_HOSTS  comma-separated; default localhost,127.0.0.1,[::1],testserver
    WORKPLAN_CSRF_TRUSTED_ORIGINS  comma-separated, e.g. https://workplan.example.org
    WORKPLAN_SSL_REDIRECT   production: 1/0, default 1 (redirect http to https)
    WORKPLAN_HSTS_PRELOAD   production: 1/0, default 1 (the HSTS "preload" directive)
    WORKPLAN_PROXY_COUNT    reverse proxies in front of the app (default 1 in production, else 0):
                            the client address is read from X-Forwarded-For (core/security.py)
    WORKPLAN_BASE_URL       the site's address for links in e-mails sent from cron (default in
                            production: https:// + the first of WORKPLAN_ALLOWED_HOSTS)
    WORKPLAN_EMAIL_BACKEND  default: SMTP in production, the console otherwise
    WORKPLAN_EMAIL_HOST, WORKPLAN_EMAIL_PORT, WORKPLAN_EMAIL_USER, WORKPLAN_EMAIL_PASSWORD,
    WORKPLAN_EMAIL_USE_TLS, WORKPLAN_FROM_EMAIL   the SMTP server (default localhost:25)
    WORKPLAN_LOG_LEVEL      default INFO
    WORKPLAN_SURVEY_IP_LIMIT  requests per client address to survey links in 10 minutes (300)
    WORKPLAN_TASKS_BACKEND  where background tasks (e-mail) go: default the database, run by
                            `workplan db_worker`; "immediate" runs them inside the request
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
HOME_DIR = Path(os.environ.get("WORKPLAN_HOME") or Path.cwd()).resolve()
VAR_DIR = HOME_DIR / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = os.environ.get("WORKPLAN_ENV", "").strip().lower() == "production"
DEBUG = env_bool("WORKPLAN_DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = os.environ.get("WORKPLAN_SECRET_KEY", "").strip()
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("WORKPLAN_SECRET_KEY must be set when WORKPLAN_ENV=production.")
    path = VAR_DIR / "secret_key"
    try:
        # O_EXCL: exactly one process creates the key, even with parallel test workers.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        raise ImproperlyConfigured(f"{path} is empty; delete it to generate a new key.") from None
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


SECRET_KEY = _secret_key()
SECRET_KEY_FALLBACKS = env_list("WORKPLAN_SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list(
    "WORKPLAN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("WORKPLAN_CSRF_TRUSTED_ORIGINS", [])

# --- Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    # The Django admin, for operators (superusers) only: core/adminsite.py.
    "workplan.core.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our own static files
    "django_tasks",  # Django's Tasks API (backport): work that can wait, off the request
    "django_tasks_db",  # ... its database backend and `db_worker`
    "workplan.core",
    "workplan.directory",
    "workplan.framework",
    "workplan.plans",
    "workplan.indicators",
    "workplan.delivery",
    "workplan.surveys",
    "workplan.reports",
    "workplan.registration",
    "workplan.notifications",
]

MIDDLEWARE = [
    # First: everything after it (axes, the survey rate limit) sees the real client address.
    "workplan.core.security.ForwardedClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the CSP too (an SVG can carry a script).
    "workplan.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out credentials before the others see them.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "workplan.urls"
WSGI_APPLICATION = "workplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip() or "sqlite:///var/workplan.sqlite3"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DEBUG else 60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _name = str(_db.get("NAME") or "")
    if _name and _name != ":memory:" and not _name.startswith("file:"):
        _path = Path(_name)
        if not _path.is_absolute():
            _path = HOME_DIR / _path
        _path.parent.mkdir(parents=True, exist_ok=True)
        _db["NAME"] = str(_path)
    _db.setdefault("OPTIONS", {})
    # IMMEDIATE avoids "database is locked" on concurrent writes; WAL lets readers run along.
    _db["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    _db["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    if PRODUCTION and not env_bool("WORKPLAN_ALLOW_SQLITE", False):
        raise ImproperlyConfigured(
            "WORKPLAN_ENV=production runs on PostgreSQL: set DATABASE_URL, e.g. "
            "postgres://workplan:PASSWORD@localhost:5432/workplan (it is now SQLite"
            + ("" if os.environ.get("DATABASE_URL", "").strip() else ", the default")
            + "). To run production on SQLite anyway (one small office, a trial), "
            "set WORKPLAN_ALLOW_SQLITE=1."
        )
elif _db["CONN_MAX_AGE"]:
    # Persistent connections (one per gunicorn worker): check them before reuse, so a
    # restarted PostgreSQL costs one reconnect, not one failed request.
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+IP pair after repeated failures; a success resets the count.
AXES_ENABLED = env_bool("WORKPLAN_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

# --- I18n -------------------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"  # British English, as the WCO writes: "10 Feb 2025", not "Feb. 10, 2025"
LANGUAGES = [("en-gb", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["workplan.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns when it is missing
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = Path(__file__).resolve().parent / "core" / "site_root"
# Uploaded files (event attachments, publications) are private: nothing serves MEDIA_URL, not
# Django and not the web server (docs/deployment.md). They are sent only by views that check
# access (delivery "attachment_download", reports "publication_file"), as downloads
# (Content-Disposition: attachment, X-Content-Type-Options: nosniff).
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Manifest storage needs `collectstatic`; only in production.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# --- Cache ------------------------------------------------------------------------------------

# The cache holds the survey links' rate-limit counters. In production they are files under
# var/cache/, shared by every worker of the server (each worker's own memory would let a client
# make N times the limit with N workers); several servers need a cache they all reach, see
# docs/deployment.md. Development and the tests keep each process's memory.
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
     "LOCATION": str(VAR_DIR / "cache" / "django"), "OPTIONS": {"MAX_ENTRIES": 20000}}
    if PRODUCTION else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"})}

# `collectstatic` compresses (gzip and Brotli) every file it writes; Swagger UI's and Redoc's
# bundles and source maps make that minutes of CPU at each `workplan serve --prod`. Every
# page links the hashed names ({% static %}), so the unhashed copies go, and source maps (for
# browser developer tools only) are served uncompressed.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br",
    "swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg",
    "mpg", "webm", "wmv", "map",
)

# --- Uploads ----------------------------------------------------------------------------------

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WORKPLAN_MAX_PLAN_UPLOAD = 2 * 1024 * 1024  # bytes; the plan importer's upload limit
WORKPLAN_MAX_ATTACHMENT = 10 * 1024 * 1024  # bytes; event attachments (agenda, report, photos)
WORKPLAN_MAX_SHEET = 5 * 1024 * 1024  # bytes; attendance sheets (XLSX or CSV)

# --- Reports ----------------------------------------------------------------------------------

# The IATI organisation identifier is a setting of each office (directory.Office.iati_org_ref,
# docs/reports.md), not of the installation.

# --- Survey links -----------------------------------------------------------------------------

# Requests per client address and per link in a window (surveys/ratelimit.py). The address
# limit is an operator's setting: a whole workshop may answer from one venue's address.
WORKPLAN_SURVEY_RATE_LIMITS = {
    "ip": (int(os.environ.get("WORKPLAN_SURVEY_IP_LIMIT", "300")), 600),
    "token": (30, 600),
}

# --- Mail -------------------------------------------------------------------------------------

# Development prints messages on the console; production sends them (survey links) through SMTP:
# a relay on the server (localhost:25, the default) or the office's mail server.
EMAIL_BACKEND = os.environ.get(
    "WORKPLAN_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("WORKPLAN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("WORKPLAN_EMAIL_PORT", "").strip() or 25)
EMAIL_HOST_USER = os.environ.get("WORKPLAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("WORKPLAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("WORKPLAN_EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("WORKPLAN_FROM_EMAIL", "workplan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address, for links in messages sent without a web request (`workplan surveys
# due --send` from cron); pages build their links from the request.
WORKPLAN_BASE_URL = os.environ.get("WORKPLAN_BASE_URL", "").strip() or (
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION and ALLOWED_HOSTS
    and ALLOWED_HOSTS[0] not in {"localhost", "127.0.0.1", "[::1]", "testserver", "*"}
    and not ALLOWED_HOSTS[0].startswith(".")
    else "http://127.0.0.1:8000")

# --- Background tasks -------------------------------------------------------------------------

# E-mail (notifications, survey links) is sent by tasks of Django's Tasks API (the django-tasks
# backport): queued in the database and run by `workplan db_worker`, which `make run` and
# `workplan serve --prod` start. WORKPLAN_TASKS_BACKEND names another backend (an RQ or Celery
# one, docs/deployment.md); "immediate" runs each task at once, inside the request (a trial
# without a worker).
_TASKS_BACKEND = os.environ.get("WORKPLAN_TASKS_BACKEND", "").strip()
TASKS = {"default": {"BACKEND": {
    "": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}.get(_TASKS_BACKEND, _TASKS_BACKEND)}}

# --- API --------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "workplan.api.schema.WorkplanSchema",
    # The token first: its challenge makes an unauthenticated request a 401. Session auth
    # (signed in through the login page, where django-axes counts failures) enforces CSRF.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workplan.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "workplan.api.auth.ReadOnlyTokens",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "workplan.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "workplan.api.base.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Workplan API",
    "DESCRIPTION": "Plans, events, participants, KPIs and surveys of a WCO regional "
                   "capacity-building office. Every request carries a personal token "
                   "(Authorization: Token …), created on the “API tokens” page of the "
                   "account menu; it sees what its owner sees.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "LICENSE": {"name": "Proprietary: the data and the API belong to the office running "
                        "this installation"},
    "CONTACT": {"name": "The office running this installation"},
    # Every tag an operation carries (the first path segment after /api/v1/), described; the
    # linter (tools/validators/redocly.yaml) refuses an undefined one.
    "TAGS": [
        {"name": "accreditations", "description": "Experts accredited by area."},
        {"name": "actions", "description": "Actions of the annual work plans."},
        {"name": "activities", "description": "Planned activities of the work plans."},
        {"name": "events", "description": "Events held (or planned): dates, place, members."},
        {"name": "exports", "description": "The exporters (reports, lists, IATI, calendar)."},
        {"name": "indicators", "description": "KPIs of the actions, targets and baselines."},
        {"name": "iptt", "description": "The indicator performance tracking table."},
        {"name": "me", "description": "The signed-in user and their roles."},
        {"name": "members", "description": "WCO Members of the office's region."},
        {"name": "objectives", "description": "Objectives of the Regional Strategic Plan."},
        {"name": "offices", "description": "The regional offices."},
        {"name": "participations", "description": "Who took part in which event."},
        {"name": "partners", "description": "Donors, RTCs, RILO, the WCO Secretariat."},
        {"name": "people", "description": "Participants, experts and contacts."},
        {"name": "requests", "description": "Members' requests for assistance."},
        {"name": "strategic-plans", "description": "Regional Strategic Plans."},
        {"name": "surveys", "description": "Needs, evaluation and follow-up surveys."},
        {"name": "values", "description": "KPI values entered with their evidence."},
        {"name": "work-plans", "description": "Annual work plans."},
    ],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "workplan.api.schema.postprocess"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Self-hosted UI (drf-spectacular-sidecar): no CDN, for users behind firewalls.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per set of choices (several models have a "kind", a "status", a "role").
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "workplan.plans.models.Activity.Kind",
        "EventKindEnum": "workplan.delivery.models.Event.Kind",
        "PartnerKindEnum": "workplan.directory.models.Partner.Kind",
        "SurveyKindEnum": "workplan.surveys.models.Survey.Kind",
        "QuestionKindEnum": "workplan.surveys.models.Question.Kind",
        "EventStatusEnum": "workplan.delivery.models.Event.Status",
        "RequestStatusEnum": "workplan.delivery.models.Request.Status",
        "SurveyStatusEnum": "workplan.surveys.models.Survey.Status",
        "ValueStatusEnum": "workplan.indicators.models.Value.Status",
        "MembershipRoleEnum": "workplan.core.models.Role",
        "ParticipationRoleEnum": "workplan.delivery.models.Participation.Role",
        "EventPartnerRoleEnum": "workplan.delivery.models.EventPartner.Role",
    },
}

# --- Security (production) --------------------------------------------------------------------

# Sessions live in the database (Django's default engine): any app server serves any user.
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: a link to a Workplan page in an e-mail must open signed in; cross-site
# POSTs (the forms) never carry the cookies.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy and Permissions-Policy on every response, in development too: the
# policies are in core/security.py (WORKPLAN_CSP, WORKPLAN_CSP_RELAXED and
# WORKPLAN_PERMISSIONS_POLICY here would replace them). Swagger UI and Redoc
# (drf-spectacular) start with an inline script: only these two pages, by URL name, get the
# relaxed policy.
WORKPLAN_CSP_RELAXED_VIEWS = ["api-docs", "api-redoc"]
# Behind nginx (docs/deployment.md) the peer is the proxy: read the client from
# X-Forwarded-For, for django-axes and the survey rate limit.
WORKPLAN_PROXY_COUNT = int(os.environ.get("WORKPLAN_PROXY_COUNT", "").strip()
                           or (1 if PRODUCTION else 0))
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("WORKPLAN_SSL_REDIRECT", True)
    # nginx sets X-Forwarded-Proto itself (overwriting what the client sent).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Inert on a sub-domain (workplan.example.org: the preload list takes registrable domains
    # only); on a bare domain set 0 unless every sub-domain is on HTTPS for good.
    SECURE_HSTS_PRELOAD = env_bool("WORKPLAN_HSTS_PRELOAD", True)

# The error pages (DEBUG) and error reports hide credentials inside values too: the password of
# DATABASE_URL and of any URL, in settings, the environment and a traceback's variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "workplan.core.errorpages.CredentialsFilter"

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Survey links and other URLs carrying a secret are masked in every line (core/logmask.py;
    # gunicorn's own logs get the same through `serve --prod`'s --logger-class).
    "filters": {"mask_secrets": {"()": "workplan.core.logmask.MaskSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["mask_secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("WORKPLAN_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print every record a second time via the root.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # The development server's request log (Django gives it a handler of its own, without
        # the filter): through the masking console handler instead.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # axes announces itself at every start: noise in every CLI command's output.
        "axes": {"level": "WARNING"},
    },
}
