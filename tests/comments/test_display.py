"""How the comments read under a post."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import CommentSettings
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def page_of(post, query=""):
    return Client().get(post.get_absolute_url() + query).content.decode()


def test_no_comments_no_count_heading(post):
    page = page_of(post)

    assert "thoughts on" not in page
    assert "One thought on" not in page
    assert "Leave a Reply" in page


def test_one_comment_heading_is_singular(post):
    CommentFactory(post=post)

    assert f"One thought on “{post.title}”" in page_of(post)


def test_many_comments_heading_counts_them(post):
    CommentFactory.create_batch(3, post=post)

    assert f"3 thoughts on “{post.title}”" in page_of(post)


def test_held_and_spam_comments_are_not_counted_or_shown(post):
    CommentFactory(post=post)
    CommentFactory(post=post, pending=True, body="held text")
    CommentFactory(post=post, spam=True, body="spam text")

    page = page_of(post)
    assert f"One thought on “{post.title}”" in page
    assert "held text" not in page
    assert "spam text" not in page


def test_comment_shows_name_linked_to_website_and_a_permalink(post):
    comment = CommentFactory(post=post, author_url="https://grace.example/")

    page = page_of(post)
    assert f'id="comment-{comment.pk}"' in page
    assert 'href="https://grace.example/" rel="external nofollow ugc noopener"' in page
    assert f'href="#comment-{comment.pk}"' in page


def test_email_is_never_shown(post):
    CommentFactory(post=post, author_email="secret@example.net")

    assert "secret@example.net" not in page_of(post)


def test_gravatar_by_default_and_local_avatar_when_external_is_off(post):
    CommentFactory(post=post)
    assert "gravatar.com/avatar/" in page_of(post)

    CommentSettings.objects.update_or_create(pk=1, defaults={"external_avatars": False})
    page = page_of(post)
    assert "gravatar.com" not in page
    assert "/comments/avatar/" in page


def test_replies_nest_up_to_the_configured_depth(post):
    CommentSettings.objects.update_or_create(pk=1, defaults={"thread_depth": 2})
    top = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=top)
    deeper = CommentFactory(post=post, parent=reply)

    page = page_of(post)
    assert f'id="comment-{top.pk}" class="comment depth-1' in page
    assert f'id="comment-{reply.pk}" class="comment depth-2' in page
    # Past the limit replies stay at the deepest level and offer no Reply link.
    assert f'id="comment-{deeper.pk}" class="comment depth-2' in page
    assert f"replytocom={reply.pk}" not in page


def test_top_level_comments_are_paged_oldest_first(post):
    CommentSettings.objects.update_or_create(pk=1, defaults={"per_page": 2})
    first, second, third = CommentFactory.create_batch(3, post=post)
    for offset, comment in enumerate([first, second, third]):
        comment.created_at = comment.created_at.replace(minute=offset)
        comment.save()

    page_one = page_of(post)
    page_two = page_of(post, "?cpage=2")
    assert f"comment-{first.pk}" in page_one and f"comment-{third.pk}" not in page_one
    assert f"comment-{third.pk}" in page_two
    assert "Newer Comments" in page_one


def test_reply_without_javascript_shows_reply_to_name(post):
    comment = CommentFactory(post=post, author_name="Hedy")

    page = page_of(post, f"?replytocom={comment.pk}")
    assert "Reply to Hedy" in page
    assert f'name="parent" value="{comment.pk}"' in page
    assert "Cancel reply" in page


def test_post_page_query_count_is_fixed_whatever_the_number_of_comments(post, client):
    CommentSettings.load()

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(post.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    count_queries()  # warm the per-process caches (site, settings)
    baseline = count_queries()
    parents = CommentFactory.create_batch(250, post=post)
    for parent in parents:
        CommentFactory(post=post, parent=parent)
    assert count_queries() == baseline
