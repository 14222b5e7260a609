"""Colophon settings: one module, every difference between machines is an env variable.

The README's configuration table lists each variable, its default and its meaning.
"""

import os
import sys
from pathlib import Path

import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    cache_config,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    media_url,
    replica_configs,
    require_secret_key,
    social_providers,
    storage_config,
)

# --- Paths -------------------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("COLOPHON_VAR_DIR", str(BASE_DIR / "var")))

# --- Core --------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
try:
    SECRET_KEY = require_secret_key(debug=DEBUG)
except ImproperlyConfigured as exc:
    # One line on stderr and a non-zero exit, rather than a traceback.
    sys.exit(f"Colophon cannot start: {exc}")
# Old keys still accepted for sessions and signed links while a new one rolls out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# Loopback only unless told otherwise; never every host.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_ID = 1
COLOPHON_SITE_NAME = env_str("COLOPHON_SITE_NAME", "Colophon")
COLOPHON_SITE_TAGLINE = env_str(
    "COLOPHON_SITE_TAGLINE", "Long reads, linked sources, real conversation"
)

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Third party
    "taggit",
    "crispy_forms",
    "crispy_bootstrap5",
    "nested_admin",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.facebook",
    "django_tasks",
    "django_tasks_db",
    # Ours
    "accounts",
    "blog",
    "comments",
    "likes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "config.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database: replica or primary (config/replica.py).
    "config.replica.ReadReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "blog.middleware.PermalinkRedirectMiddleware",
    "config.pagecache.ReaderPageCacheMiddleware",
    # Innermost, so a lost database in any view answers 503 (config/middleware.py).
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.context_processors.site",
                "config.context_processors.page_cache_csrf",
            ],
            "libraries": {"layout": "config.layout"},
        },
    },
    {
        # The site's frame and the post page (config/jinja2.py): templates/jinja2/
        # and each app's jinja2/ folder.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "config.context_processors.page_cache_csrf",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL"), sqlite_path=VAR_DIR / "colophon.sqlite3"
    ),
    # Optional read replicas (comma-separated URLs): anonymous reads go there,
    # writes and a visitor's reads after their own writes stay on the primary.
    **replica_configs(env_list("DATABASE_REPLICA_URLS")),
}
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
COLOPHON_DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
COLOPHON_REPLICA_PIN_SECONDS = env_int("COLOPHON_REPLICA_PIN_SECONDS", 15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The comment thread index carries two columns for PostgreSQL's index-only reads
# (comments.Comment.Meta.indexes); SQLite builds the index without them, as it
# says on every command. Nothing to act on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache -------------------------------------------------------------------
CACHES = {"default": cache_config(env_str("REDIS_URL"))}
# Anonymous reader pages from the shared cache (config/pagecache.py).
COLOPHON_PAGE_CACHE = env_bool("COLOPHON_PAGE_CACHE", True)
COLOPHON_PAGE_CACHE_SECONDS = env_int("COLOPHON_PAGE_CACHE_SECONDS", 300)
# Each worker's copies of pages it served (config/pagecache.py), in bytes.
COLOPHON_PAGE_CACHE_LOCAL_BYTES = env_int(
    "COLOPHON_PAGE_CACHE_LOCAL_BYTES", 16 * 1024 * 1024
)
# Each worker's copies of comment-thread rows it read (comments/rendering.py).
COLOPHON_ROW_CACHE_LOCAL_BYTES = env_int(
    "COLOPHON_ROW_CACHE_LOCAL_BYTES", 8 * 1024 * 1024
)

# --- Authentication ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = social_providers(os.environ)
# A network identity is for commenting and liking: log in straight away, never ask
# for a sign-up form, never trust a network's email to join a local account.
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False
# Without this the account setting (mandatory) applies and a network log-in, which
# has no email, stops at "confirm your email" instead of logging in.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en-us")
LANGUAGES = [("en", _("English"))]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Security ----------------------------------------------------------------
# Secure by default with debug off; each switch can be turned off from the
# environment, e.g. when TLS ends at a reverse proxy that already redirects.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Database sessions, a new one made with one INSERT, no SELECT (config/sessions.py).
SESSION_ENGINE = "config.sessions"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest image accepted (a form error above it); a multipart body larger than
# this plus DATA_UPLOAD_MAX_MEMORY_SIZE is refused with a 413 page unread.
COLOPHON_MAX_IMAGE_BYTES = env_int("COLOPHON_MAX_IMAGE_BYTES", 10 * 1024 * 1024)
COLOPHON_MAX_UPLOAD_BYTES = COLOPHON_MAX_IMAGE_BYTES
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "config.security.csrf_failure"
# Every HTML page gets config.security.DEFAULT_POLICY as Content-Security-Policy
# (COLOPHON_CSP replaces it); {path prefix: {directive: sources}} loosens it for
# some paths only.
COLOPHON_CSP_PATH_OVERRIDES = {}
# The reverse proxies in front of the app (addresses or networks, e.g. the compose
# network): their X-Forwarded-For gives the reader's address for rate limits and
# the comment flood check. Empty: REMOTE_ADDR is the reader.
COLOPHON_TRUSTED_PROXIES = env_list("COLOPHON_TRUSTED_PROXIES")
# Requests per window, per client address or identity (config/ratelimit.py).
COLOPHON_RATE_LIMITS = {
    "comment": env_str("COLOPHON_RATE_LIMIT_COMMENT", "10/m"),
    "like": env_str("COLOPHON_RATE_LIMIT_LIKE", "30/m"),
}
# allauth's own limits, spelled out: "N/period/key" where key is ip, key (the
# username or address typed) or user. Failed log-ins lock an account name out for
# five minutes after five tries.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
# A Redis outage must cost speed, not pages: errors are logged and count as misses.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache_backends.ResilientRedisCache"

# --- Email -------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Colophon <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static and media files --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from the xstatic-bootstrap wheel, never from a CDN.
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
# Uploads and their renditions go through the storage API only: local files under
# MEDIA_ROOT, or an S3-compatible bucket shared by every app server and the task
# worker when AWS_STORAGE_BUCKET_NAME is set (config/env.py storage_config).
MEDIA_URL = media_url(os.environ)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": storage_config(os.environ),
    "staticfiles": {
        # Hashed names and far-future caching in production; plain files in debug
        # so a fresh checkout runs without collectstatic.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# --- Background tasks --------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Third party -------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
TAGGIT_CASE_INSENSITIVE = True

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Colophon ----------------------------------------------------------------
# Absolute links in email (moderation, follow-ups) are built on this address.
COLOPHON_BASE_URL = env_str("COLOPHON_BASE_URL", "http://127.0.0.1:8000")
COLOPHON_SPAM_BACKEND = env_str(
    "COLOPHON_SPAM_BACKEND", "comments.spam.HeuristicSpamBackend"
)
# Seconds a reader must have had the comment form before posting (bots post at once).
COLOPHON_COMMENT_MIN_SECONDS = env_int("COLOPHON_COMMENT_MIN_SECONDS", 2)
COLOPHON_BENCH = env_bool("COLOPHON_BENCH", False)  # /bench/trivial/ for make bench
