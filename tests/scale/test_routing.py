"""Reads from a replica, writes and read-your-own-writes on the primary, over HTTP.

The replica here is a second connection to the test database (what the settings'
TEST MIRROR does), so which connection ran each query shows the routing.
"""

import contextlib

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Post
from config import replica
from config.routers import PrimaryReplicaRouter
from config.sql import statement_text
from tests.factories import AuthorFactory, PostFactory

ALIAS = "replica_1"

pytestmark = [
    pytest.mark.scale,
    pytest.mark.django_db(transaction=True, databases=["default", ALIAS]),
]


@pytest.fixture(scope="module", autouse=True)
def _replica_connection(django_db_setup):
    """A replica alias on the test database, as DATABASE_REPLICA_URLS would add.

    Module-scoped so it exists before each test declares its databases.
    """
    default = connections["default"].settings_dict
    connections.settings[ALIAS] = {
        **default,
        "TEST": {**default["TEST"], "MIRROR": "default"},
    }
    yield
    connections[ALIAS].close()
    with contextlib.suppress(AttributeError):
        del connections[ALIAS]
    del connections.settings[ALIAS]


@pytest.fixture
def replica_alias(settings):
    settings.COLOPHON_DATABASE_REPLICAS = [ALIAS]
    return ALIAS


@contextlib.contextmanager
def queries_on_each():
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[ALIAS]) as copy,
    ):
        yield primary, copy


def selects(captured, table):
    texts = [statement_text(q["sql"]) for q in captured.captured_queries]
    return [
        sql
        for sql in texts
        if sql.lstrip().upper().startswith("SELECT") and f'"{table}"' in sql
    ]


@pytest.fixture
def published(replica_alias, seeded_roles):
    return PostFactory(author=AuthorFactory(username="writer"), title="Routed post")


def test_an_anonymous_page_reads_from_the_replica(published, client):
    with queries_on_each() as (primary, copy):
        response = client.get(published.get_absolute_url())

    assert response.status_code == 200
    assert selects(copy, "blog_post")
    assert not selects(primary, "blog_post")


def test_a_post_request_reads_and_writes_on_the_primary_and_pins_the_visitor(
    published, client, comment_data
):
    with queries_on_each() as (primary, copy):
        response = client.post(
            reverse("comments:submit", args=[published.pk]),
            comment_data(published),
            HTTP_USER_AGENT="Mozilla/5.0 (tests)",
        )

    assert response.status_code == 302
    assert copy.captured_queries == []
    assert selects(primary, "blog_post")
    cookie = response.cookies[replica.PIN_COOKIE]
    assert cookie["max-age"] == 15
    assert cookie["httponly"]


def test_a_visitor_with_the_pin_cookie_reads_the_primary(published, client):
    client.cookies[replica.PIN_COOKIE] = "1"

    with queries_on_each() as (primary, copy):
        response = client.get(published.get_absolute_url())

    assert response.status_code == 200
    assert copy.captured_queries == []
    assert selects(primary, "blog_post")


def test_a_logged_in_reader_always_reads_the_primary(published, client):
    client.force_login(published.author)

    with queries_on_each() as (primary, copy):
        response = client.get(published.get_absolute_url())
        admin = client.get(reverse("admin:blog_post_change", args=[published.pk]))

    assert (response.status_code, admin.status_code) == (200, 200)
    assert copy.captured_queries == []
    # The session itself is read from the primary: a replica may not have it yet.
    assert selects(primary, "django_session")


def test_an_author_sees_a_post_they_just_saved_while_the_replica_would_not(
    published, client
):
    client.force_login(published.author)
    draft = PostFactory(author=published.author, title="Fresh draft", draft=True)

    response = client.get(reverse("blog:preview", args=[draft.pk]))

    assert response.status_code == 200
    assert b"Fresh draft" in response.content


def test_a_request_without_replicas_sets_no_pin_cookie(client, settings, seeded_roles):
    settings.COLOPHON_DATABASE_REPLICAS = []
    post = PostFactory(author=AuthorFactory(username="solo"))

    response = client.post(reverse("comments:submit", args=[post.pk]), {"comment": ""})

    assert replica.PIN_COOKIE not in response.cookies


def test_outside_a_request_everything_reads_the_primary(published):
    with queries_on_each() as (primary, copy):
        assert Post.objects.get(pk=published.pk).title == "Routed post"

    assert copy.captured_queries == []
    assert selects(primary, "blog_post")


def test_a_transaction_reads_what_it_wrote_even_in_an_anonymous_request(published):
    router = PrimaryReplicaRouter()

    with replica.reading_from(ALIAS):
        assert router.db_for_read(Post) == ALIAS
        with transaction.atomic():
            assert router.db_for_read(Post) == "default"
        assert Post.objects.filter(pk=published.pk).db == ALIAS
        # Locking reads and get_or_create count as writes.
        assert Post.objects.select_for_update().db == "default"


def test_writes_and_migrations_only_ever_touch_the_primary():
    router = PrimaryReplicaRouter()

    with replica.reading_from(ALIAS):
        assert router.db_for_write(Post) == "default"
    assert router.allow_migrate("default", "blog") is True
    assert router.allow_migrate(ALIAS, "blog") is False
    assert router.allow_relation(object(), object()) is True
