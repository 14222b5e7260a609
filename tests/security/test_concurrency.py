"""Parallel comments and likes from separate clients against a live server (PostgreSQL).

Every accepted comment is stored exactly once, the duplicate and flood rules hold
when identical requests race, and the like count always equals the like rows.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.test import Client

from comments.forms import security_token
from comments.models import Comment, CommentSettings
from likes.models import Like
from tests.factories import PostFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CSRF_SECRET = "s" * 32
PARALLEL = 50


def browser(base_url: str, user=None) -> requests.Session:
    """A separate client with its own CSRF cookie (and session, when logged in)."""
    session = requests.Session()
    if user is not None:
        client = Client()
        client.force_login(user)
        session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", CSRF_SECRET)
    session.headers.update({"X-CSRFToken": CSRF_SECRET, "Referer": base_url})
    return session


def discussion(flood_seconds: int) -> None:
    settings_row = CommentSettings.load()
    settings_row.flood_seconds = flood_seconds
    settings_row.max_links = 0
    settings_row.save()


@pytest.fixture
def live(on_postgres, live_server, settings):
    settings.COLOPHON_RATE_LIMITS = {}
    return live_server


def submit_all(live_server, post, forms: list[dict]) -> list[requests.Response]:
    url = f"{live_server.url}/comments/post/{post.pk}/"
    sessions = [browser(live_server.url) for _ in forms]

    def send(pair):
        session, data = pair
        return session.post(
            url,
            data={**data, "security": security_token(post.pk)},
            allow_redirects=False,
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(send, zip(sessions, forms, strict=True)))


def accepted_ids(responses) -> list[int]:
    """The comment ids the answers landed on (refusals go back to #respond)."""
    ids = []
    for response in responses:
        assert response.status_code == 302, response.status_code
        fragment = response.headers["Location"].rsplit("#", 1)[-1]
        if fragment.startswith("comment-"):
            ids.append(int(fragment.removeprefix("comment-")))
        else:
            assert fragment == "respond"
    return ids


def test_fifty_parallel_comments_are_each_stored_exactly_once(live):
    discussion(flood_seconds=0)
    post = PostFactory(title="Busy thread")
    forms = [
        {
            "comment": f"Parallel comment number {n}.",
            "name": f"Reader {n}",
            "email": f"reader{n}@example.net",
        }
        for n in range(PARALLEL)
    ]

    ids = accepted_ids(submit_all(live, post, forms))

    assert len(ids) == PARALLEL
    assert len(set(ids)) == PARALLEL
    stored = Comment.objects.filter(post=post)
    assert sorted(stored.values_list("pk", flat=True)) == sorted(ids)
    assert stored.values("body").distinct().count() == PARALLEL


def test_the_same_comment_sent_fifty_times_at_once_is_stored_once(live):
    discussion(flood_seconds=0)
    post = PostFactory(title="Double submit")
    same = {
        "comment": "Sent in a hurry, many times.",
        "name": "Hasty Reader",
        "email": "hasty@example.net",
    }

    ids = accepted_ids(submit_all(live, post, [same] * PARALLEL))

    assert len(ids) == 1
    assert Comment.objects.filter(post=post).count() == 1


def test_the_flood_rule_holds_for_fifty_parallel_comments_by_one_reader(live):
    discussion(flood_seconds=15)
    post = PostFactory(title="Flooded")
    forms = [
        {
            "comment": f"Flood attempt {n}.",
            "name": "Flooder",
            "email": "flooder@example.net",
        }
        for n in range(PARALLEL)
    ]

    ids = accepted_ids(submit_all(live, post, forms))

    assert len(ids) == 1
    assert Comment.objects.filter(post=post).count() == 1


def test_fifty_parallel_likes_match_the_like_rows(live):
    post = PostFactory(title="Popular")
    fans = [UserFactory(username=f"fan{n}") for n in range(PARALLEL)]
    sessions = [browser(live.url, fan) for fan in fans]
    # Every fifth fan double-clicks.
    clicks = sessions + sessions[::5]
    url = f"{live.url}/likes/post/{post.pk}/"

    def click(session):
        return session.post(
            url,
            data={"action": "like"},
            headers={"Accept": "application/json"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(click, clicks))

    assert {answer.status_code for answer in answers} == {200}
    rows = Like.objects.filter(post=post).count()
    assert rows == PARALLEL
    final = click(sessions[0]).json()
    assert final["count"] == rows
    page = requests.get(f"{live.url}{post.get_absolute_url()}", timeout=30).text
    assert f"{rows} bloggers like this" in page
