"""Settings for Feedback Portal, read from the environment.

With nothing set, the portal runs embedded on one machine: SQLite and a
filesystem broker under ``var/``, e-mails written to ``var/mail/``. Every
production knob is an environment variable listed in the README.
"""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-only-for-make-run")
else:
    # Without DEBUG the portal may be on the internet: a real key is required.
    SECRET_KEY = env.str("SECRET_KEY")
# Earlier keys, still accepted while sessions and stored two-factor secrets move to the new one.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "feedback_portal",
    "candidates",
    "requests_app",
    "integrations",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    "csp",
    "allauth",
    "allauth.account",
    "auditlog",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: the static files it serves keep their own long caching.
    "feedback_portal.middleware.PrivatePagesMiddleware",
    "feedback_portal.middleware.VisibleInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Every audit entry written during a request names who made it (feedback_portal/audit.py).
    "feedback_portal.audit.AuditActorMiddleware",
    "feedback_portal.middleware.AgencyTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "feedback_portal.sessions.StaffSessionMiddleware",
    # After allauth's own login has run: staff without a second factor are led to set one up.
    "feedback_portal.mfa.RequireMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "feedback_portal.urls"
WSGI_APPLICATION = "feedback_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "feedback_portal.context_processors.portal",
            ],
        },
    },
]

# Every form renders its fields through templates/forms/field.html (label, hint, error, field).
FORM_RENDERER = "feedback_portal.forms.PortalFormRenderer"

# --- Database -------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT off: PostgreSQL compiles a query whose planned cost passes jit_above_cost, and for the
    # portal's big aggregates compiling costs more than it saves. Measured on 100,000 requests
    # (median of 11, interleaved): the analytics outcomes per client took 1.0 s with JIT and
    # 0.48 s without; on 10,000, 69 ms and 24 ms; queries under the threshold (the state counts,
    # every page's list) are not compiled either way. Options the URL gives are kept.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, [_options.get("options", ""), "-c jit=off"]))
else:
    # Web, worker and beat share this file: WAL lets readers and one writer
    # work at once, IMMEDIATE takes the write lock up front so a transaction
    # never fails half-way, and the timeout waits for the lock.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "feedback_portal.User"

# --- Redis: broker and cache on different database numbers ----------------
REDIS_URL = env.str("REDIS_URL", default="")


def _redis_db(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = env.str(
        "CELERY_BROKER_URL", default=_redis_db(REDIS_URL, env.int("REDIS_BROKER_DB", default=0))
    )
    CACHES = {
        "default": {
            # An outage is a miss, not a 500 (feedback_portal/cache.py); give up on Redis quickly.
            "BACKEND": "feedback_portal.cache.ResilientRedisCache",
            "LOCATION": _redis_db(REDIS_URL, env.int("REDIS_CACHE_DB", default=1)),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CACHES = {
        "default": {
            # Shared by web, worker and beat, which are separate processes.
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # The exchange tables (the worker's control mailbox among them): otherwise
        # kombu writes them to ./control in whatever folder a process started in.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }

# Late acknowledgement: a task a worker dies in is delivered again, so every task is idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="portal")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# The worker logs through Django's LOGGING (below), so its lines pass the same filters as the
# web's: a hiring manager's link, minted in the worker, never reaches its log either.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Tests run tasks in the calling process unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Sessions: read through the cache, kept in the database ---------------
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Accounts (django-allauth) ---------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "feedback_portal.forms.SignupForm"
# allauth's forms with the portal's labels, in sentence case and without placeholders.
ACCOUNT_FORMS = {
    key: f"feedback_portal.account_forms.{name}"
    for key, name in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_email": "ChangeEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "request_login_code": "RequestLoginCodeForm",
        "confirm_login_code": "ConfirmLoginCodeForm",
        "confirm_email_verification_code": "ConfirmEmailVerificationCodeForm",
        "confirm_password_reset_code": "ConfirmPasswordResetCodeForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_DISPLAY = "feedback_portal.models.user_display"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# A code that never arrived (a mail server down for a minute, a spam filter) can be sent again,
# up to three times, from the page that asks for it.
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = 3
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 3
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
# allauth's e-mails come from the agency by name (adapter.py), as the portal's do: no prefix needed.
ACCOUNT_ADAPTER = "feedback_portal.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = env.str("ACCOUNT_EMAIL_SUBJECT_PREFIX", default="")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Audit trail (django-auditlog; feedback_portal/audit.py) ------------------
# Entries keep the address the request came from, read as allauth reads it (TRUSTED_PROXY_COUNT).
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Two-factor authentication (allauth.mfa): an authenticator app with recovery codes, and passkeys
# where the browser offers them (a secure context: https, or http://localhost). Whether staff must
# use it is the agency's choice, PortalSettings.require_mfa (feedback_portal/mfa.py).
MFA_ADAPTER = "feedback_portal.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# One step either side of now: a phone's clock a few seconds off still signs in.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    key: f"feedback_portal.account_forms.{name}"
    for key, name in {
        "authenticate": "AuthenticateForm",
        "reauthenticate": "MFAReauthenticateForm",
        "activate_totp": "ActivateTOTPForm",
        "add_webauthn": "AddWebAuthnForm",
        "login_webauthn": "LoginWebAuthnForm",
    }.items()
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail -----------------------------------------------------------------
MAIL_DIR = VAR_DIR / "mail"
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = MAIL_DIR
# The address every e-mail is sent from; its display name is the agency's name from the portal
# settings (PortalSettings.sender), so the one given here is only for Django's own messages.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Feedback Portal <feedback@portal.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# How long a worker may hold an e-mail in "sending" before a sweep retries it.
OUTBOUND_EMAIL_LEASE_SECONDS = env.int("OUTBOUND_EMAIL_LEASE_SECONDS", default=300)
OUTBOUND_EMAIL_MAX_ATTEMPTS = env.int("OUTBOUND_EMAIL_MAX_ATTEMPTS", default=8)

# --- Webhooks to the agency's applicant-tracking system (integrations/webhooks.py) ------------
# Never to a private, loopback, link-local, multicast or reserved address (an address inside the
# agency's network is not the ATS's to reach through us) unless allowed: on with DEBUG, for a
# receiver on the developer's own machine.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
# The pause before the first retry; each next one doubles (with jitter), up to a day.
WEBHOOK_RETRY_SECONDS = env.float("WEBHOOK_RETRY_SECONDS", default=30.0)
# After this long in "sending", a delivery's worker is presumed dead and the sweep retries it.
WEBHOOK_LEASE_SECONDS = env.int("WEBHOOK_LEASE_SECONDS", default=120)
# A delivered (or failed) payload is blanked after this many days: it names an application.
WEBHOOK_PAYLOAD_DAYS = env.int("WEBHOOK_PAYLOAD_DAYS", default=30)

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -----------------------------------------------------------------
# Believed only from proxies the agency says are there: with none, anyone could send the header.
if ALLAUTH_TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe each instance over plain HTTP: a redirect would read as unhealthy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole domain to HTTPS forever: the agency decides.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features no page of the portal uses are switched off for every page; signing
# in with a passkey (WebAuthn) stays possible on the portal's own pages.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- The REST API (integrations/, under /api/v1/) -----------------------------
# API keys only: no session, so a signed-in browser's cookie never acts on the API and no page
# needs a CSRF exemption. JSON in and out; every error as problem+json.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["integrations.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["integrations.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["integrations.authentication.PerKeyThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "integrations.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Calls per API key, e.g. "120/min" or "5000/hour"; past it the API answers 429 with Retry-After.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Feedback Portal API",
    "DESCRIPTION": "Applications from the agency's applicant-tracking system, and the state of "
    "candidates' feedback requests. Authenticate with `Authorization: Bearer <API key>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are public: they say how to call the API, and nothing about the agency.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # The docs page's script and styles from the portal's own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OutcomeEnum": "candidates.models.Application.Outcome",
        "StageEnum": "candidates.models.Application.Stage",
    },
}

# --- Logging: a hiring manager's link never reaches a log ---------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "feedback_portal.logging.RedactTokensFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Folders the embedded default needs, made on start (only those in use) -----
_folders = [VAR_DIR, STATIC_ROOT]
if EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    _folders.append(MAIL_DIR)
if not REDIS_URL:
    _folders.append(VAR_DIR / "cache")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _folders += [BROKER_DIR / "queue", BROKER_DIR / "processed", BROKER_DIR / "control"]
for folder in _folders:
    folder.mkdir(parents=True, exist_ok=True)

CELERY_BEAT_SCHEDULE = {
    "sweep-outbound-email": {"task": "feedback_portal.tasks.sweep_outbound_email", "schedule": 60.0},
    "sweep-webhook-deliveries": {"task": "integrations.tasks.sweep_webhook_deliveries", "schedule": 60.0},
    "forget-old-webhook-payloads": {
        "task": "integrations.tasks.forget_old_webhook_payloads",
        "schedule": crontab(hour=2, minute=45),
    },
    "forget-old-form-keys": {
        "task": "feedback_portal.tasks.forget_old_form_keys",
        "schedule": crontab(hour=3, minute=0),
    },
    "expire-routings": {"task": "requests_app.tasks.expire_routings", "schedule": 300.0},
    "close-stale-releases": {"task": "requests_app.tasks.close_stale_releases", "schedule": 3600.0},
    "send-due-reminders": {"task": "requests_app.tasks.send_due_reminders", "schedule": 600.0},
    "send-recruiter-digests": {"task": "requests_app.tasks.send_recruiter_digests", "schedule": 900.0},
    # Daily, at night (UTC): the period is months, so a day's delay changes nothing.
    "anonymise-due-requests": {
        "task": "requests_app.tasks.anonymise_due_requests",
        "schedule": crontab(hour=2, minute=30),
    },
    # The analytics roll-up: this month and last every 15 minutes; the last 13 months nightly,
    # so late changes to older requests are counted (requests_app/analytics.py).
    "rollup-analytics": {
        "task": "requests_app.tasks.rollup_analytics",
        "schedule": 900.0,
        "kwargs": {"months": 2},
    },
    "rollup-analytics-nightly": {
        "task": "requests_app.tasks.rollup_analytics",
        "schedule": crontab(hour=3, minute=15),
        "kwargs": {"months": 13},
    },
}

# CSV import of applications (integrations): the largest file and the most rows one import takes.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# How long an import's rows (the file's values, with candidates' names and addresses) are kept
# after it finished; the import's record (who, when, file, counts) stays.
IMPORT_ROWS_KEEP_DAYS = env.int("IMPORT_ROWS_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE.update(
    {
        # A confirmed import whose task was lost (broker restarted, worker killed) carries on.
        "resume-imports": {"task": "integrations.tasks.resume_imports", "schedule": 300.0},
        "forget-old-import-rows": {
            "task": "integrations.tasks.forget_old_import_rows",
            "schedule": crontab(hour=2, minute=45),
        },
    }
)

# Every sweep beat runs every few minutes (the entries with a number of seconds above) runs
# every this many seconds instead, on the clock: for a test or a demo that cannot wait (the
# scale-out test runs two beats at 2 seconds; feedback_portal/schedules.py). The nightly tasks
# keep their hour. Unset (0) in production: the schedule above stands.
BEAT_EVERY_SECONDS = env.float("BEAT_EVERY_SECONDS", default=0)
if BEAT_EVERY_SECONDS > 0:
    from feedback_portal.schedules import OnTheClock

    for _entry in CELERY_BEAT_SCHEDULE.values():
        if isinstance(_entry["schedule"], float):
            _entry["schedule"] = OnTheClock(BEAT_EVERY_SECONDS)
