"""Two app servers, one PostgreSQL, one Redis: no state lives in one process.

Each server is its own gunicorn (separate processes and memory) with production
settings, pointed at this test's PostgreSQL database and at Redis database 13.
"""

import re
from urllib.parse import quote

import pytest
import requests
from django.db import connection

from comments.models import Comment
from tests.factories import AuthorFactory, PostFactory, UserFactory
from tests.scale.conftest import (
    REDIS_URL,
    admin_login,
    hidden_inputs,
    production_env,
    production_password,
)

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]

BODY = "Seen from every app server at once, page caches included."
GUEST = {"name": "Grace Guest", "email": "grace@example.net", "url": ""}


@pytest.fixture
def shared_redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"needs Redis at {REDIS_URL} ({exc}); CI starts one")
    yield client
    client.flushdb()


def database_url() -> str:
    """This test's own PostgreSQL database (pytest-django's test_<name>)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def read(server, path: str) -> requests.Response:
    """An anonymous reader's first visit: no cookies at all."""
    response = requests.get(f"{server.url}{path}", timeout=10)
    assert response.status_code == 200, response.text[:2000]
    return response


def send_comment(session, server, post, **fields) -> requests.Response:
    page = session.get(f"{server.url}{post.get_absolute_url()}", timeout=10)
    form = hidden_inputs(page.text, form_id="commentform")
    return session.post(
        f"{server.url}/comments/post/{post.pk}/",
        data={**form, "comment": BODY, **GUEST, **fields},
        headers={"User-Agent": "Mozilla/5.0 (scale tests)"},
        timeout=10,
        allow_redirects=False,
    )


def test_comments_sessions_caches_and_flood_checks_hold_across_two_servers(
    on_postgres, seeded_roles, shared_redis, collected_static, app_servers
):
    post = PostFactory(author=AuthorFactory(username="writer"), title="Shared post")
    production_password(UserFactory(username="molly", staff=True, groups=["Moderator"]))
    env = production_env(
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        STATIC_ROOT=str(collected_static),
    )
    a = app_servers("a", env)
    b = app_servers("b", env)
    path = post.get_absolute_url()

    # Warm the page cache through A; B answers from the same copy in Redis.
    assert read(a, path).headers["X-Cache"] == "miss"
    for server in (a, b):
        cached = read(server, path)
        assert cached.headers["X-Cache"] == "hit"
        assert BODY not in cached.text

    # A guest comments through A: held, as a first comment is.
    guest = requests.Session()
    response = send_comment(guest, a, post)
    assert response.status_code == 302, response.text[:2000]
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    # The same comment again through B, from a browser B has never seen: the
    # duplicate and flood checks read the shared database, so B refuses it.
    again = requests.Session()
    refused = send_comment(again, b, post)
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith("#respond")
    assert Comment.objects.count() == 1
    form_page = again.get(f"{b.url}{refused.headers['Location']}", timeout=10)
    assert re.search(r"Duplicate comment|too quickly", form_page.text)

    # A moderator logs in on A; the session works on B, where they approve.
    moderator = requests.Session()
    admin_login(moderator, a.url, "molly")
    on_b = moderator.get(f"{b.url}/admin/comments/comment/", timeout=10)
    assert on_b.status_code == 200
    assert "/admin/login/" not in on_b.url
    assert "molly" in on_b.text
    approved = moderator.post(
        f"{b.url}/admin/comments/comment/",
        data={
            "csrfmiddlewaretoken": hidden_inputs(on_b.text)["csrfmiddlewaretoken"],
            "action": "mark_approved",
            "_selected_action": [str(comment.pk)],
            "index": "0",
        },
        timeout=10,
        allow_redirects=False,
    )
    assert approved.status_code == 302, approved.text[:2000]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED

    # Both servers show it at once, and then from the shared page cache.
    for server in (a, b):
        assert BODY in read(server, path).text
        again = read(server, path)
        assert again.headers["X-Cache"] == "hit"
        assert BODY in again.text
