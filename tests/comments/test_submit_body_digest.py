"""Comment.body_digest, the key the duplicate check finds a text by (issue 9): every
writer stores it, the migration fills it in for older rows, and the check is one
lookup in the comment_duplicate_check index however many comments the commenter
has on the post."""

from __future__ import annotations

import hashlib
import importlib

import pytest
from django.apps import apps
from django.db import connection

from blog.wordpress import import_wxr
from comments import services
from comments.identity import guest_identity
from comments.models import Comment, CommentSettings, body_digest
from tests.blog.wordpress_support import SELF_HOSTED
from tests.conftest import reseed_data_migrations
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

GRACE = guest_identity(name="Grace Guest", email="grace@example.net")

digest_migration = importlib.import_module("comments.migrations.0006_body_digest")


def stored_digests() -> dict[str, str]:
    return dict(Comment.objects.values_list("body", "body_digest"))


def test_the_digest_is_a_short_hex_sha256_of_the_text():
    expected = hashlib.sha256("Déjà vu.".encode()).hexdigest()[:16]

    assert body_digest("Déjà vu.") == expected
    assert digest_migration.digest("Déjà vu.") == expected  # the migration's copy
    assert body_digest("Déjà vu!") != expected


def test_every_way_of_writing_a_comment_stores_its_digest(post):
    made = CommentFactory(post=post, body="Made with save().")
    Comment.objects.bulk_create(
        [CommentFactory.build(post=post, body="Made with bulk_create().")]
    )
    edited = CommentFactory(post=post, body="Before the edit.")
    edited.body = "After the edit."
    edited.save()
    narrow = CommentFactory(post=post, body="Before a narrow save.")
    narrow.body = "After a narrow save."
    narrow.save(update_fields=["body"])

    digests = stored_digests()
    assert len(digests) == 4
    assert all(digest == body_digest(body) for body, digest in digests.items())
    assert made.body_digest == body_digest("Made with save().")


def test_a_submitted_comment_stores_the_digest_of_its_stripped_text(post):
    comment = services.submit_comment(post=post, identity=GRACE, body="  Hello.\n")

    comment.refresh_from_db()
    assert (comment.body, comment.body_digest) == ("Hello.", body_digest("Hello."))


def test_imported_comments_keep_their_digest_when_imported_again():
    import_wxr(source=SELF_HOSTED)
    first = Comment.objects.order_by("pk").first()
    Comment.objects.filter(pk=first.pk).update(body="Changed here.")

    import_wxr(source=SELF_HOSTED)

    assert Comment.objects.get(pk=first.pk).body == first.body
    digests = stored_digests()
    assert digests
    assert all(digest == body_digest(body) for body, digest in digests.items())


def test_the_migration_fills_missing_digests_in_batches(post, monkeypatch):
    monkeypatch.setattr(digest_migration, "BATCH_SIZE", 2)
    CommentFactory.create_batch(5, post=post)
    Comment.objects.update(body_digest="")

    digest_migration.fill_body_digests(apps, None)

    digests = stored_digests()
    assert len(digests) == 5
    assert all(digest == body_digest(body) for body, digest in digests.items())


def test_running_the_data_migrations_again_changes_no_digest(post):
    """tests/conftest.py reseed_data_migrations runs every RunPython again."""
    missing, kept, changed = CommentFactory.create_batch(3, post=post)
    Comment.objects.filter(pk=missing.pk).update(body_digest="")
    Comment.objects.filter(pk=changed.pk).update(body_digest="0" * 16)

    reseed_data_migrations()

    digests = dict(Comment.objects.values_list("pk", "body_digest"))
    assert digests[missing.pk] == body_digest(missing.body)  # filled in
    assert digests[kept.pk] == body_digest(kept.body)
    assert digests[changed.pk] == "0" * 16  # had one: left alone


def _duplicate_check_sql(post) -> tuple[str, list]:
    """The statement submit_comment runs for its checks, with its parameters."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        services.submit_comment(post=post, identity=GRACE, body="One more.")
    return next(
        (sql, params)
        for sql, params in statements
        if sql.startswith("SELECT EXISTS") and "body_digest" in sql
    )


def test_the_duplicate_check_is_one_lookup_in_its_index(post):
    CommentSettings.objects.update_or_create(pk=1, defaults={"flood_seconds": 0})
    CommentSettings.load()
    Comment.objects.bulk_create(
        CommentFactory.build(
            post=post, body=f"Comment {n}.", author_email=GRACE.email, pending=True
        )
        for n in range(300)
    )
    sql, params = _duplicate_check_sql(post)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE comments_comment")
            # As tests/scale/test_indexes.py: with sequential scans priced out, the
            # index that serves the lookup is the one the planner takes.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row) for row in cursor.fetchall())

    duplicate_part = plan.split("InitPlan 2")[0].split("SUBQUERY 2")[0]
    assert "comment_duplicate_check" in duplicate_part, plan
