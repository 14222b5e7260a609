"""Parallel likes from separate clients against a live server (PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.test import Client

from likes.models import Like
from tests.factories import PostFactory, UserFactory

CSRF_SECRET = "k" * 32


def session_for(user, base_url):
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", CSRF_SECRET)
    session.headers.update({"X-CSRFToken": CSRF_SECRET, "Referer": base_url})
    return session


@pytest.mark.django_db(transaction=True)
def test_parallel_likes_and_double_clicks_make_one_like_each(on_postgres, live_server):
    post = PostFactory(author=UserFactory(username="writer"))
    readers = [UserFactory(username=f"fan{n}") for n in range(20)]
    sessions = [session_for(user, live_server.url) for user in readers]
    url = f"{live_server.url}/likes/post/{post.pk}/"

    def click(session):
        return session.post(
            url,
            data={"action": "like"},
            headers={"Accept": "application/json"},
            timeout=30,
        ).status_code

    # Every reader clicks three times at once: a double (triple) click.
    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(click, [s for s in sessions for _ in range(3)]))

    assert set(codes) == {200}
    assert Like.objects.filter(post=post).count() == 20
    assert (
        Like.objects.filter(post=post).values("identity_key").distinct().count() == 20
    )
