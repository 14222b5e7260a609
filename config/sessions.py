"""Django's database sessions without the SELECT before each new session's INSERT.

A new session key is 32 random characters (about 165 bits), so the existence check
Django runs before using one never finds a row; it costs a query on every first
visit that stores something (a guest's held comment, a kept draft). What makes a
key unique is the INSERT itself: create() saves with must_create=True, which turns
the primary key's IntegrityError into CreateError, and create() then tries another
key. In this backend only create() asks for a new key (save() hands a session
without one to create(); cycle_key() goes through it too).

Used with SESSION_ENGINE = "config.sessions"; the sessions stay the same rows of
the same table, so switching either way logs nobody out.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils.crypto import get_random_string


class SessionStore(DBStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self) -> str:
        return self._get_new_session_key()
