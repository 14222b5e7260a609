"""Issue 9: the admin's post, comment and like lists run a fixed number of queries,
the same with 10,000 posts and 100,000 comments as with a few dozen.

Each size is written once with bulk_create inside a transaction that stays open for
the module and is rolled back after it; every test runs in a savepoint inside it.
Every test runs at both sizes against one expected count, so a count that grew
with the data fails at the large size.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from blog.models import Category, Post
from comments.models import Comment
from tests.factories import PostFactory
from tests.scale.seeding import SIZES, seed

pytestmark = [pytest.mark.scale, pytest.mark.django_db]

POSTS = "/admin/blog/post/"
COMMENTS = "/admin/comments/comment/"
LIKES = "/admin/likes/like/"


@pytest.fixture(scope="module", params=list(SIZES))
def seeded(request, django_db_setup, django_db_blocker):
    """One size of data for the whole module, rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed(SIZES[request.param])
            # Run the deferred foreign key checks once, here. Left pending, every
            # test's teardown would run them all inside its savepoint, and the
            # rollback to that savepoint would leave them pending again.
            connection.check_constraints()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield request.param
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client


def fill(query: str) -> str:
    """The query string with the ids and dates of seeded rows put in."""
    newest_comment = Comment.objects.latest("created_at")
    return query.format(
        category=Category.objects.get(slug="topic-3").pk,
        writer=User.objects.get(username="writer4").pk,
        post_year=timezone.localtime(
            Post.objects.get(slug="seeded-post-2").published_at
        ).year,
        comment_year=timezone.localtime(newest_comment.created_at).year,
    )


def assert_fixed_queries(client, url, expected, django_assert_num_queries):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


# --- Posts -------------------------------------------------------------------

# Session, user, the category and author filters' choices, the filtered and the
# unfiltered COUNT, one page of posts (with their comment and like counts), their
# categories, and the date hierarchy's range and steps. Within a year the range is
# known, so one query fewer.
POST_QUERIES = 10


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", POST_QUERIES, id="all"),
        pytest.param("state=published", POST_QUERIES, id="published"),
        pytest.param("state=scheduled", POST_QUERIES, id="scheduled"),
        pytest.param("q=topic", POST_QUERIES, id="search"),
        pytest.param("o=-6", POST_QUERIES, id="by-comment-count"),
        pytest.param("o=4", POST_QUERIES, id="by-author"),
        pytest.param("p=2", POST_QUERIES, id="page-2"),
        pytest.param("categories__id__exact={category}", POST_QUERIES, id="category"),
        pytest.param("author__id__exact={writer}", POST_QUERIES, id="author"),
        pytest.param("published_at__year={post_year}", POST_QUERIES - 1, id="year"),
    ],
)
def test_post_list_runs_fixed_queries(
    seeded, as_superuser, query, expected, django_assert_num_queries
):
    assert_fixed_queries(
        as_superuser, f"{POSTS}?{fill(query)}", expected, django_assert_num_queries
    )


@pytest.fixture
def own_posts(author):
    return [PostFactory(author=author, title=f"Alice's post {n}") for n in range(3)]


def test_author_sees_only_their_own_posts(seeded, client, author, own_posts):
    client.force_login(author)

    response = client.get(POSTS)

    assert response.context["cl"].result_count == len(own_posts)
    assert "Alice&#x27;s post 2" in response.text
    assert "Seeded post 2<" not in response.text


def test_author_post_list_runs_fixed_queries(
    seeded, client, author, own_posts, django_assert_num_queries
):
    client.force_login(author)

    # The superuser's list less the author filter, plus the author's two
    # permission queries and whether they may still add their profile.
    assert_fixed_queries(client, POSTS, POST_QUERIES + 2, django_assert_num_queries)


# --- Comments ----------------------------------------------------------------

# Session, user, the status filter's counts, the COUNT for the paginator, one page
# of comments with their posts, and the date hierarchy's range and steps.
COMMENT_QUERIES = 7


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", COMMENT_QUERIES, id="all"),
        pytest.param("status=pending", COMMENT_QUERIES, id="pending"),
        pytest.param("status=spam", COMMENT_QUERIES, id="spam"),
        pytest.param("identity_kind=guest", COMMENT_QUERIES, id="guests"),
        pytest.param("q=thoughts", COMMENT_QUERIES, id="search"),
        pytest.param("o=3", COMMENT_QUERIES, id="by-post"),
        pytest.param("p=2", COMMENT_QUERIES, id="page-2"),
        pytest.param("created_at__year={comment_year}", COMMENT_QUERIES - 1, id="year"),
    ],
)
def test_comment_list_runs_fixed_queries(
    seeded, as_superuser, query, expected, django_assert_num_queries
):
    assert_fixed_queries(
        as_superuser, f"{COMMENTS}?{fill(query)}", expected, django_assert_num_queries
    )


def test_moderation_queue_runs_fixed_queries(
    seeded, client, moderator, django_assert_num_queries
):
    client.force_login(moderator)

    # The superuser's list plus the moderator's two permission queries.
    assert_fixed_queries(
        client,
        f"{COMMENTS}?status=pending",
        COMMENT_QUERIES + 2,
        django_assert_num_queries,
    )


# --- Likes -------------------------------------------------------------------

# Session, user, the filtered and the unfiltered COUNT, one page of likes with
# their posts.
LIKE_QUERIES = 5


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("", id="all"),
        pytest.param("identity_kind=local", id="local"),
        pytest.param("q=Liker", id="search"),
        pytest.param("p=2", id="page-2"),
    ],
)
def test_like_list_runs_fixed_queries(
    seeded, as_superuser, query, django_assert_num_queries
):
    assert_fixed_queries(
        as_superuser, f"{LIKES}?{query}", LIKE_QUERIES, django_assert_num_queries
    )
