"""Test settings: the real settings module, with test-only keys and fast hashing.

DATABASE_URL still chooses SQLite or PostgreSQL, exactly as in production.
"""

import os

os.environ.setdefault(
    "SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else-0123456789"
)

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "colophon-tests",
    }
}
SECURE_SSL_REDIRECT = False
# Serve static files straight from the finders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
COLOPHON_COMMENT_MIN_SECONDS = 0
# Rendering is what most tests look at; tests/config/test_pagecache.py turns the
# page cache on for itself.
COLOPHON_PAGE_CACHE = False
