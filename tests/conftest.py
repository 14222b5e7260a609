import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from PIL import Image

from comments.forms import security_token
from tests.factories import AuthorFactory, PostFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches, so query counts do not depend on order."""
    from django.contrib.sites.models import Site
    from django.core.cache import cache

    cache.clear()
    Site.objects.clear_cache()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads to its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")


@pytest.fixture
def author(db):
    return AuthorFactory(username="alice")


@pytest.fixture
def editor(db):
    return AuthorFactory(username="eddie", groups=["Editor"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", superuser=True)


@pytest.fixture
def post(author):
    return PostFactory(author=author, title="A post worth reading")


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def png_bytes():
    return image_bytes()


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod", email="mod@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


@pytest.fixture
def comment_data():
    """Form data for a guest comment on `post`, with a valid security token."""

    def make(post, **overrides):
        data = {
            "comment": "What a thoughtful post.",
            "name": "Grace Guest",
            "email": "grace@example.net",
            "url": "",
            "security": security_token(post.pk),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return make


@pytest.fixture
def post_comment(client, comment_data):
    """POST a comment as a browser would; returns the response (not followed)."""

    def send(post, follow=False, client=client, **overrides):
        return client.post(
            reverse("comments:submit", args=[post.pk]),
            comment_data(post, **overrides),
            follow=follow,
            HTTP_USER_AGENT="Mozilla/5.0 (tests)",
        )

    return send


OUR_APPS = {"accounts", "blog", "comments", "likes"}


def reseed_data_migrations() -> None:
    """Run our data migrations again (roles, settings row) after a transactional
    test's flush emptied the tables; they use get_or_create, so this is harmless."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    done = set()
    for leaf in sorted(graph.leaf_nodes()):
        for key in graph.forwards_plan(leaf):
            if key in done:
                continue
            done.add(key)
            for operation in graph.nodes[key].operations:
                if isinstance(operation, RunPython) and key[0] in OUR_APPS:
                    operation.code(apps, None)
