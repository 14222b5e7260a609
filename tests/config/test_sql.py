"""The post page's hand-written reads (config.sql): the same objects the ORM gives,
and on PostgreSQL statements prepared once per connection."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from blog.post_page import published_post
from config.sql import statement_text
from tests.conftest import reseed_data_migrations
from tests.factories import AuthorFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="prepared statements are PostgreSQL's: run with DATABASE_URL=postgres://...",
)


def test_the_post_read_by_hand_equals_the_orms(post):
    orm = Post.objects.select_related("author__profile").get(pk=post.pk)

    read = published_post(post.published_on, post.slug)

    fields = [f.attname for f in Post._meta.concrete_fields if f.name != "body"]
    fields.remove("body_text")
    assert [getattr(read, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert read.published_at.tzinfo is not None
    assert read.author.username == orm.author.username
    assert read.author.profile.bio == orm.author.profile.bio


def test_a_post_without_an_author_profile_reads_as_the_orm_reads_it(post):
    post.author.profile.delete()

    read = published_post(post.published_on, post.slug)

    assert read.author.display_name == post.author.get_username()


@postgres_only
def test_the_post_page_executes_statements_prepared_once(post):
    CommentFactory(post=post)
    Client().get(post.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        Client().get(post.get_absolute_url())

    executed = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("EXECUTE")
    ]
    assert len(executed) >= 6
    assert all(statement_text(sql).startswith("SELECT") for sql in executed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT name) FROM pg_prepared_statements"
            " WHERE name LIKE 'colophon%%'"
        )
        count, distinct = cursor.fetchone()
    assert count == distinct >= 6


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statements_again():
    # A transactional test: closing the connection must not lose the post.
    reseed_data_migrations()  # an earlier transactional test's flush removed them
    post = PostFactory(author=AuthorFactory())
    Client().get(post.get_absolute_url())
    connection.close()  # what CONN_MAX_AGE or a failed health check does

    response = Client().get(post.get_absolute_url())

    assert response.status_code == 200
    assert post.title in response.content.decode()
