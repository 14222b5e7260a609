"""config.sessions: database sessions whose new key costs no existence check (issue
9), yet never takes over another visitor's session."""

from __future__ import annotations

import asyncio

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import sessions
from config.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_is_one_insert():
    store = SessionStore()
    store["colophon_own_comments"] = [1]

    with CaptureQueriesContext(connection) as queries:
        store.save()

    statements = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert len(statements) == 1
    assert statements[0].startswith('INSERT INTO "django_session"')
    assert SessionStore(store.session_key)["colophon_own_comments"] == [1]


def test_sessions_made_by_django_s_database_backend_are_read_as_they_are():
    """Switching SESSION_ENGINE either way logs nobody out (same rows, same salt)."""
    django_store = DjangoStore()
    django_store["_auth_user_id"] = "7"
    django_store.save()

    assert SessionStore(django_store.session_key)["_auth_user_id"] == "7"


def test_a_key_already_taken_is_not_reused(monkeypatch):
    taken = SessionStore()
    taken["who"] = "first visitor"
    taken.save()
    keys = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda *args: next(keys))

    store = SessionStore()
    store["who"] = "second visitor"
    store.save()

    assert store.session_key == "k" * 32
    assert SessionStore(taken.session_key)["who"] == "first visitor"
    assert SessionStore("k" * 32)["who"] == "second visitor"
    assert Session.objects.count() == 2


def test_cycling_the_key_keeps_the_data_under_a_new_key():
    """Logging in cycles the key (django.contrib.auth.login)."""
    store = SessionStore()
    store["draft"] = "Half a comment"
    store.save()
    old_key = store.session_key

    store.cycle_key()

    assert store.session_key != old_key
    assert not SessionStore().exists(old_key)
    assert SessionStore(store.session_key)["draft"] == "Half a comment"


def test_an_unknown_key_from_a_cookie_starts_an_empty_session_under_a_new_key():
    store = SessionStore("nosuchsessionkey0123456789abcdef")

    assert store.load() == {}
    store["draft"] = "Hello"
    store.save()

    assert store.session_key != "nosuchsessionkey0123456789abcdef"
    assert SessionStore(store.session_key)["draft"] == "Hello"


def test_the_async_path_gets_keys_the_same_way(monkeypatch):
    monkeypatch.setattr(sessions, "get_random_string", lambda *args: "a" * 32)

    assert asyncio.run(SessionStore()._aget_new_session_key()) == "a" * 32
