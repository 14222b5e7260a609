"""How many SQL statements a comment POST runs (issue 9), so the count cannot creep.

Counted as production runs it: the discussion settings already in the cache (they
are read from it on every request) and tasks stored by the database backend (an
enqueue is one INSERT once the comment has committed). The test database wraps
each test in a transaction, so the request's transactions show up as SAVEPOINT and
RELEASE SAVEPOINT where production sends BEGIN and COMMIT: the same count.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentSettings
from comments.views import OWN_COMMENTS_SESSION_KEY
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

# A first comment from a new address, held for moderation:
#   the post; the comment's transaction (2); the flood, duplicate and "approved
#   before" checks (one query); the INSERT; the ids of the thread for the page the
#   redirect lands on; the session that remembers the held comment (an INSERT in a
#   transaction of its own, 3: config.sessions skips Django's existence check); the
#   task row.
# PostgreSQL adds one statement: the advisory locks that make the flood and
# duplicate checks safe against a rival request (comments.services), taken together.
HELD_COMMENT_QUERIES = {"sqlite": 10, "postgresql": 11}
# A commenter with an approved comment is published at once: no session is written.
APPROVED_COMMENT_QUERIES = {"sqlite": 7, "postgresql": 8}


@pytest.fixture
def production_like(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    CommentSettings.load()  # in the shared cache, as on every request but the first


def _post(client, post, data, capture_on_commit):
    # The on-commit hooks (the task INSERT) run inside the count.
    with (
        CaptureQueriesContext(connection) as queries,
        capture_on_commit(execute=True),
    ):
        response = client.post(reverse("comments:submit", args=[post.pk]), data)
    return response, [query["sql"] for query in queries.captured_queries]


def _explain(statements: list[str]) -> str:
    return "\n".join(f"{n}. {sql[:160]}" for n, sql in enumerate(statements, 1))


def test_a_held_guest_comment_runs_a_fixed_number_of_queries(
    post, comment_data, production_like, django_capture_on_commit_callbacks
):
    assert CommentSettings.load().flood_seconds  # the flood check is part of it
    client = Client()

    response, statements = _post(
        client, post, comment_data(post), django_capture_on_commit_callbacks
    )

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert client.session[OWN_COMMENTS_SESSION_KEY] == [comment.pk]
    assert len(statements) == HELD_COMMENT_QUERIES[connection.vendor], _explain(
        statements
    )


def test_a_new_guest_session_is_made_with_one_insert(
    post, comment_data, production_like, django_capture_on_commit_callbacks
):
    client = Client()

    _response, statements = _post(
        client, post, comment_data(post), django_capture_on_commit_callbacks
    )

    comment = Comment.objects.get()
    assert client.session[OWN_COMMENTS_SESSION_KEY] == [comment.pk]
    session_statements = [sql for sql in statements if "django_session" in sql]
    assert len(session_statements) == 1, _explain(statements)
    assert session_statements[0].startswith('INSERT INTO "django_session"')


def test_an_approved_commenter_runs_a_fixed_number_of_queries(
    post, comment_data, production_like, django_capture_on_commit_callbacks
):
    CommentFactory(post=post, author_email="grace@example.net")
    client = Client()

    response, statements = _post(
        client,
        post,
        comment_data(post, comment="Back again."),
        django_capture_on_commit_callbacks,
    )

    comment = Comment.objects.get(body="Back again.")
    assert comment.status == Comment.Status.APPROVED
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert len(statements) == APPROVED_COMMENT_QUERIES[connection.vendor], _explain(
        statements
    )


def test_the_post_body_is_not_read_to_take_a_comment(
    post, comment_data, production_like, django_capture_on_commit_callbacks
):
    """A long read's body and rendered HTML are many kilobytes nobody needs here."""
    _response, statements = _post(
        Client(), post, comment_data(post), django_capture_on_commit_callbacks
    )

    post_reads = [sql for sql in statements if 'FROM "blog_post"' in sql]
    assert len(post_reads) == 1
    assert '"blog_post"."body"' not in post_reads[0]
    assert '"blog_post"."body_html"' not in post_reads[0]
