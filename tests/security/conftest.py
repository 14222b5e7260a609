"""Fixtures for the security guarantees (issue 8): people in every role, open
discussion settings, and comment posting through HTTP."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comments.forms import security_token
from comments.identity import IDENTITY_SESSION_KEY
from comments.models import CommentSettings
from comments.views import OWN_COMMENTS_SESSION_KEY
from tests.factories import AuthorFactory, CommentFactory, PostFactory, UserFactory

ROLES = (
    "anonymous",
    "guest",
    "local",
    "social",
    "author",
    "editor",
    "moderator",
    "superuser",
)


@pytest.fixture
def no_rate_limits(settings):
    """Our own limits off, for tests that post many times from one address."""
    settings.COLOPHON_RATE_LIMITS = {}


@pytest.fixture
def open_discussion(db):
    """No flood interval and nothing held for its links: every comment is judged
    on its content alone."""
    discussion = CommentSettings.load()
    discussion.flood_seconds = 0
    discussion.max_links = 0
    discussion.save()
    return discussion


@pytest.fixture
def writer(db):
    return AuthorFactory(username="writer")


@pytest.fixture
def other_writer(db):
    return AuthorFactory(username="otherwriter")


@pytest.fixture
def published(writer):
    return PostFactory(author=writer, title="A published post")


def comment_form(post, **overrides) -> dict[str, str]:
    data = {
        "comment": "A perfectly ordinary comment.",
        "name": "Grace Guest",
        "email": "grace@example.net",
        "url": "",
        "security": security_token(post.pk),
    }
    data.update(overrides)
    return data


@pytest.fixture
def send_comment():
    """POST the "Leave a Reply" form for `post` with `client` (not followed)."""

    def send(client, post, **overrides):
        return client.post(
            reverse("comments:submit", args=[post.pk]),
            comment_form(post, **overrides),
            HTTP_USER_AGENT="Mozilla/5.0 (security tests)",
        )

    return send


def social_session(client, user, *, kind="twitter", uid="1480000000000000042"):
    """Log `client` in as `user` with a network identity, as comments.signals does."""
    client.force_login(user)
    session = client.session
    session[IDENTITY_SESSION_KEY] = {
        "kind": kind,
        "uid": uid,
        "name": "Nettie Network",
        "url": "https://x.com/nettie",
        "avatar_url": "https://pbs.example/nettie.png",
    }
    session.save()


@pytest.fixture
def role_client(db, published):
    """role_client(role) → (Client, user or None) for every role of ROLES."""

    def make(role: str):
        client = Client()
        user = None
        if role == "guest":
            pending = CommentFactory(
                post=published, pending=True, body="Guest pending words."
            )
            session = client.session
            session[OWN_COMMENTS_SESSION_KEY] = [pending.pk]
            session.save()
        elif role == "local":
            user = UserFactory(username="localreader")
            client.force_login(user)
        elif role == "social":
            user = UserFactory(username="tw-nettie")
            social_session(client, user)
        elif role == "author":
            user = published.author
            client.force_login(user)
        elif role == "editor":
            user = AuthorFactory(username="eddie", groups=["Editor"])
            client.force_login(user)
        elif role == "moderator":
            user = UserFactory(username="mod", is_staff=True)
            user.groups.add(Group.objects.get(name="Moderator"))
            client.force_login(user)
        elif role == "superuser":
            user = UserFactory(username="root", superuser=True)
            client.force_login(user)
        return client, user

    return make
