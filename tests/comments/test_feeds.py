import feedparser
import pytest

from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_comments_feed_lists_approved_comments_only(client, post):
    CommentFactory(post=post, body="visible words")
    CommentFactory(post=post, pending=True, body="held words")

    feed = feedparser.parse(client.get("/comments/feed/").content)

    assert not feed.bozo
    assert len(feed.entries) == 1
    assert "visible words" in feed.entries[0].description


def test_post_comments_feed_lives_under_the_permalink(client, post, author):
    CommentFactory(post=post, body="on this post")
    CommentFactory(body="elsewhere")

    feed = feedparser.parse(client.get(post.get_absolute_url() + "feed/").content)

    assert not feed.bozo
    assert [e.description for e in feed.entries] == ["<p>on this post</p>"]
