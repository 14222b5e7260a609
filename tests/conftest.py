import io

import pytest
from django.db import connection
from PIL import Image

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
