"""ParkOS settings: one module, every value from the environment (see docs/configuration.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from parkos.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PARKOS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
PRODUCTION = env_bool("PARKOS_PRODUCTION", False)
# Behind TLS (a proxy terminates it): HTTPS redirect, HSTS and secure cookies. On by default in production;
# `make serve`/`make demo` on a loopback address serve plain HTTP and turn it off (scripts/serve).
HTTPS = env_bool("PARKOS_HTTPS", PRODUCTION)
# A fixed key lets `make demo` (DEBUG=true) work out of the box; anything else must set its own, or
# a forgotten PARKOS_PRODUCTION would serve real users with sessions anyone can forge.
DEVELOPMENT_SECRET_KEY = "parkos-insecure-development-key"  # noqa: S105 - refused unless DEBUG=true
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY if DEBUG and not PRODUCTION else "")
if not SECRET_KEY:
    raise ImproperlyConfiguredEnv(
        "SECRET_KEY must be set unless DEBUG=true (development): e.g. "
        "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
if PRODUCTION and (SECRET_KEY.startswith("parkos-insecure") or len(SECRET_KEY) < 50):
    raise ImproperlyConfiguredEnv("SECRET_KEY must be set to a random value of at least 50 characters in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "parkos.core",
    "parkos.accounts",
    "parkos.web",
    "parkos.parks",
    "parkos.enterprises",
    "parkos.investment",
    "parkos.leasing",
    "parkos.innovation",
    "parkos.monitoring",
    "parkos.statistics",
    "parkos.incubation",
    "parkos.community",
    "parkos.billing",
    "parkos.portal",
]

MIDDLEWARE = [
    # First: the request id, the access log line and the request metrics cover everything below.
    "parkos.core.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "parkos.accounts.middleware.ActiveParkMiddleware",
    # Last: turns a login that django-axes refused into the lock-out answer (parkos.accounts.throttling).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parkos.urls"
WSGI_APPLICATION = "parkos.wsgi.application"

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
                "django.template.context_processors.i18n",
                "parkos.web.context_processors.shell",
            ],
        },
    },
]

# SQLite under var/ by default; DATABASE_URL=postgres://… switches to PostgreSQL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'parkos.sqlite3'}")
# Optional read replica (a streaming standby of the primary): reports, KPIs, exports and searches read
# there when a view or selector opts in (parkos.core.routing); everything else uses the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")


def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0)))
    engine = config["ENGINE"].rsplit(".", 1)[-1]
    if engine not in {"sqlite3", "postgresql"}:
        raise ImproperlyConfiguredEnv(f"DATABASE_URL: ParkOS runs on SQLite or PostgreSQL, not {engine}.")
    # The same engines, plus slow-query logging (parkos.core.backends; SLOW_QUERY_MS).
    config["ENGINE"] = f"parkos.core.backends.{engine}"
    if engine == "sqlite3":
        # WAL lets readers proceed while one writer commits; IMMEDIATE avoids lock-upgrade deadlocks.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        # Tests in memory, as with Django's own engine name (pytest-django only recognises that name).
        config["TEST"] = {"NAME": ":memory:"}
    else:
        # The statistics census hashes one group per enterprise and year (4,000 for a park of 2,000);
        # PostgreSQL's default 4 MB makes the planner sort instead, spilling to disk (39 ms → 22 ms).
        work_mem = env_str("DATABASE_WORK_MEM", "32MB")
        config.setdefault("OPTIONS", {})["options"] = f"-c work_mem={work_mem}"
    return config


DATABASES = {"default": _database(DATABASE_URL)}
if DATABASE_REPLICA_URL:
    # Tests run against the primary's test database on the replica's server (it streams there).
    DATABASES["replica"] = {**_database(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["parkos.core.routing.ReplicaRouter"]
#: Queries slower than this (milliseconds) are logged by `parkos.db.slow` with their SQL; 0 turns it off.
SLOW_QUERY_MS = env_int("SLOW_QUERY_MS", 500)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
# Login throttling (django-axes, parkos.accounts.throttling): LOGIN_FAILURE_LIMIT failures per client
# and account, LOGIN_ACCOUNT_FAILURE_LIMIT per account from anywhere, within the window.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 4 * LOGIN_FAILURE_LIMIT)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
# Proxies whose X-Forwarded-For is believed (addresses or networks); empty: the peer's address only.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "parkos.accounts.throttling.LoginThrottleHandler"
AXES_FAILURE_LIMIT = "parkos.accounts.throttling.failure_limit"
AXES_COOLOFF_TIME = "parkos.accounts.throttling.cool_off"
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "username"]
AXES_USERNAME_CALLABLE = "parkos.accounts.throttling.normalised_username"
AXES_CLIENT_IP_CALLABLE = "parkos.core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "parkos.accounts.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
PRIVATE_STORAGE_BACKEND = env_str("PRIVATE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Confidential uploads (business plans, service-request attachments): never under MEDIA_ROOT, served
    # only through views that check access (parkos.core.uploads). S3-compatible storage: set the backend
    # (e.g. storages.backends.s3.S3Storage with django-storages) and its own settings.
    "private": {
        "BACKEND": PRIVATE_STORAGE_BACKEND,
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None}
        if PRIVATE_STORAGE_BACKEND.endswith("FileSystemStorage")
        else {},
    },
    "staticfiles": {
        # Hashed names (collectstatic writes the manifest), served by WhiteNoise with far-future caching.
        "BACKEND": "parkos.core.staticfiles.CompressedManifestStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# One process by default (local memory); several web processes on one or more machines share Redis
# (REDIS_URL): rate limits, the portal's page cache and, with SESSION_ENGINE, sessions.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "parkos"),
            # A dead Redis fails fast and /healthz names it, instead of hanging every request.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
            "LOCATION": env_str("CACHE_LOCATION", "parkos"),
        }
    }
# Sessions in the database by default; `django.contrib.sessions.backends.cached_db` reads them from Redis.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")

# Notifications by e-mail (SLA escalations, weekly early-warning lists) through Django's mailers. Outside
# production the console backend prints them (what the demo wants); production defaults to SMTP with the
# EMAIL_HOST… variables.
_EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_bool("PARKOS_PRODUCTION", False)
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
        if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ParkOS <noreply@parkos.local>")
# Where links in e-mails point (the site's public address).
PARKOS_BASE_URL = env_str("PARKOS_BASE_URL", "http://127.0.0.1:8000")

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Every periodic job, in one place: (name, when, management command and its arguments). `when` is
# "daily HH:MM" (TIME_ZONE) or "every N minutes". `manage.py scheduler` (one per node, any number of
# nodes) claims each due run once in the database and the task worker runs it; see docs/deployment.md.
SCHEDULED_JOBS: list[tuple[str, str, list[str]]] = [
    ("leasing_reminders", "daily 06:30", ["leasing_reminders"]),
    ("investment_reverse_match", "every 60 minutes", ["investment_reverse_match", "--changed-within-hours", "2"]),
    ("community_housekeeping", "daily 03:30", ["community_housekeeping"]),
    ("incubation_sla_sweep", "every 10 minutes", ["incubation_sla_sweep"]),
    # Idempotent per calendar week: run daily, the week's list goes out once.
    ("incubation_weekly_risk", "daily 08:00", ["incubation_weekly_risk"]),
    ("monitoring_tick", "every 5 minutes", ["monitoring_tick"]),
    ("billing_reminders", "daily 09:00", ["billing_reminders"]),
    ("investment_unassigned_leads", "daily 09:30", ["investment_unassigned_leads"]),
    ("backup", "daily 02:30", ["backup"]),
]
# A worker or scheduler that has not reported for this long is named by /healthz (0: not checked).
HEALTHZ_WORKER_MAX_AGE_SECONDS = env_int("HEALTHZ_WORKER_MAX_AGE_SECONDS", 180)
# `manage.py backup`: where backups go and how many daily backups are kept.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
# /metrics (Prometheus) answers these addresses (or networks) and operator admins; nobody else.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])

# Uploads to every importer (parkos.core.importing), see docs/configuration.md.
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 100)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 250_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_UNCOMPRESSED_MB = env_int("IMPORT_MAX_UNCOMPRESSED_MB", 500)
IMPORT_MAX_ZIP_RATIO = env_int("IMPORT_MAX_ZIP_RATIO", 100)
IMPORT_TIME_BUDGET_SECONDS = env_int("IMPORT_TIME_BUDGET_SECONDS", 60)
IMPORT_JOB_TIME_BUDGET_SECONDS = env_int("IMPORT_JOB_TIME_BUDGET_SECONDS", 3600)
IMPORT_BACKGROUND_MB = env_int("IMPORT_BACKGROUND_MB", 2)
# Tenants submit a month's statistics until this day of the next month (RULES §10.4).
STATISTICS_REPORTING_CLOSES_DAY = env_int("STATISTICS_REPORTING_CLOSES_DAY", 10)
IMPORT_MAX_REPORTED_ERRORS = env_int("IMPORT_MAX_REPORTED_ERRORS", 1000)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "parkos.accounts.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["parkos.accounts.permissions.IsParkStaff"],
    # Bodies are JSON (one unambiguous encoding of lists, nulls and nested objects); uploads and the
    # token endpoint say otherwise on their own views.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "parkos.web.api_schema.ParkosAutoSchema",
    "EXCEPTION_HANDLER": "parkos.web.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["parkos.web.api.AnonRateThrottle", "parkos.web.api.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "60/min"),
        "user": env_str("API_USER_RATE", "600/min"),
    },
}
# API tokens (django-rest-knox): stored hashed, expire after API_TOKEN_TTL_HOURS, revoked on logout
# and whenever the password changes (parkos.accounts.tokens).
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name, not a secret
# knox's own migrations create its default token table even when the model is swapped: skip them, so
# the only token table is ours (an orphan table referencing users would block flushing PostgreSQL).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 12)),
    "AUTH_HEADER_PREFIX": "Token",
}
# Filter forms read "全部" (All) for "no filter", not Django's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("全部")

SPECTACULAR_SETTINGS = {
    "TITLE": "ParkOS API",
    "DESCRIPTION": "园区运营平台 API — parks, space, enterprises, investment, leasing, statistics.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["parkos.accounts.permissions.IsParkStaff"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets used by several fields get one name each (otherwise spectacular invents hashed ones).
    "ENUM_NAME_OVERRIDES": {
        "IncubationStageEnum": "parkos.incubation.choices.IncubationStage",
        "SlaUnitEnum": "parkos.incubation.choices.SlaUnit",
        "StageEnum": "parkos.investment.choices.LeadStage",  # the name it had before incubation added a "stage"
        "MeterKindEnum": "parkos.monitoring.choices.MeterKind",
        "AlarmRuleKindEnum": "parkos.monitoring.choices.RuleKind",
        # Leasing had "reason" first; monitoring's reject reasons must not rename its enum.
        "ReasonEnum": "parkos.leasing.choices.TerminationReason",
        # Units' storage class shares the production classes' choices (GB 50016 甲–戊): one enum, its old name.
        "DesignFireClassEnum": "parkos.parks.choices.FireHazardClass",
    },
}

# Production hardening; `manage.py check --deploy` is clean with PARKOS_PRODUCTION=true.
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Features no ParkOS page uses are denied to every frame, our own included (the CSP comes with #14).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
# Content-Security-Policy: scripts and styles only from our own static files — no inline <script>, no
# on…= handlers, no eval (docs/development.md "No inline scripts"). Style attributes stay allowed: the
# stacking plan and the booking calendar position blocks with computed inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the request id (and user, park) of the request that wrote it.
    "filters": {"request": {"()": "parkos.core.observability.RequestContextFilter"}},
    "formatters": {"json": {"()": "parkos.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every successful login at INFO ("deleted 0 failed attempts"); failures and
        # lockouts, at WARNING, are what an operator needs.
        "axes": {"level": "WARNING"},
        # The access log (one line per request) is parkos.request; Django's own server log would repeat it.
        "django.server": {"level": "WARNING"},
    },
}

# Smart-park monitoring (docs/configuration.md, "Monitoring").
MONITORING_MQTT_HOST = env_str("MONITORING_MQTT_HOST", "127.0.0.1")
MONITORING_MQTT_PORT = env_int("MONITORING_MQTT_PORT", 1883)
MONITORING_MQTT_USERNAME = env_str("MONITORING_MQTT_USERNAME", "")
MONITORING_MQTT_PASSWORD = env_str("MONITORING_MQTT_PASSWORD", "")
MONITORING_MQTT_CLIENT_ID = env_str("MONITORING_MQTT_CLIENT_ID", "parkos-monitoring")
MONITORING_RETENTION_MONTHS = env_int("MONITORING_RETENTION_MONTHS", 36)
MONITORING_PARTITIONS_AHEAD = env_int("MONITORING_PARTITIONS_AHEAD", 3)
# Tonnes of standard coal equivalent per unit of each utility, "kind=factor,…" (RULES §14.3).
MONITORING_TCE_FACTORS: dict[str, Decimal] = {}
for _item in env_list(
    "MONITORING_TCE_FACTORS",
    ["electricity=0.0001229", "gas=0.0012143", "steam=0.1286", "chilled_water=0.03412", "water=0"],
):
    _kind, _sep, _factor = _item.partition("=")
    try:
        MONITORING_TCE_FACTORS[_kind.strip()] = Decimal(_factor.strip())
    except InvalidOperation:
        raise ImproperlyConfiguredEnv(f"MONITORING_TCE_FACTORS: {_item!r} is not kind=number.") from None

# Demo logins printed by `make demo`.
DEMO_ADMIN_USERNAME = env_str("DEMO_ADMIN_USERNAME", "admin")
DEMO_ADMIN_PASSWORD = env_str("DEMO_ADMIN_PASSWORD", "admin")
