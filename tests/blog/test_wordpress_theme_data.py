"""The WordPress theme unit test export (WXR 1.2, WordPress.com), read in place.

Expected numbers are counted here from the file with ElementTree, independently
of the importer; the tests skip when ../shared is absent.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from urllib.parse import unquote

import pytest
from taggit.models import Tag

from accounts.models import User
from blog.models import Category, Post
from blog.wordpress import WXRError, import_wxr
from comments.models import Comment
from tests.blog.wordpress_support import files_under, row_counts, theme_data, write

pytestmark = pytest.mark.django_db

POST_STATUS = {"publish": "published", "future": "scheduled", "draft": "draft"}
POST_STATUS |= {"pending": "draft", "private": "draft"}
COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def child_text(element, name: str) -> str:
    for child in element:
        if local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def children(element, name: str):
    return [child for child in element if local(child.tag) == name]


@cache
def expected() -> dict:
    """What the file holds, counted without the importer."""
    channel = ET.parse(theme_data()).getroot().find("channel")  # noqa: S314
    items = children(channel, "item")
    imported = [
        i
        for i in items
        if child_text(i, "post_type") in ("post", "page")
        and child_text(i, "status") in POST_STATUS
    ]
    logins = {child_text(a, "author_login") for a in children(channel, "author")}
    logins |= {child_text(i, "creator") for i in imported}
    categories = {
        unquote(child_text(c, "category_nicename")): unquote(
            child_text(c, "category_parent")
        )
        for c in children(channel, "category")
    }
    used_categories = {
        unquote(c.get("nicename"))
        for i in imported
        for c in children(i, "category")
        if c.get("domain") == "category"
    }
    tag_names = {
        child_text(t, "tag_slug"): child_text(t, "tag_name")
        for t in children(channel, "tag")
    }
    for i in imported:
        for c in children(i, "category"):
            if c.get("domain") == "post_tag":
                tag_names.setdefault(c.get("nicename"), c.text.strip())
    statuses = Counter()
    for i in imported:
        if child_text(i, "post_type") == "post":
            status = POST_STATUS[child_text(i, "status")]
            statuses["draft" if child_text(i, "post_password") else status] += 1
    comments = [c for i in imported for c in children(i, "comment")]
    return {
        "users": len(logins),
        "categories": set(categories) | used_categories | {"pages"},
        "parents": {slug: parent for slug, parent in categories.items() if parent},
        # taggit keeps one tag per name: two slugs of one name make one tag.
        "tags": len(set(tag_names.values())),
        "post_statuses": statuses,
        "pages": sum(child_text(i, "post_type") == "page" for i in imported),
        "comment_statuses": Counter(
            COMMENT_STATUS[child_text(c, "comment_approved")] for c in comments
        ),
        "replies": {
            int(child_text(c, "comment_id")): int(child_text(c, "comment_parent"))
            for c in comments
            if child_text(c, "comment_parent") != "0"
        },
        "comment_types": Counter(child_text(c, "comment_type") for c in comments),
    }


@pytest.fixture
def imported():
    return import_wxr(source=theme_data())


def test_users_match_the_authors(imported):
    assert User.objects.count() == expected()["users"]


def test_categories_match_the_file(imported):
    assert (
        set(Category.objects.values_list("slug", flat=True))
        == (expected()["categories"])
    )


def test_category_parents_match_the_file(imported):
    parents = dict(
        Category.objects.filter(parent__isnull=False).values_list(
            "slug", "parent__slug"
        )
    )

    assert parents == expected()["parents"]


def test_tags_match_the_file(imported):
    assert Tag.objects.count() == expected()["tags"]


def test_posts_by_status_match_the_file(imported):
    statuses = Counter(
        Post.objects.exclude(categories__slug="pages").values_list("status", flat=True)
    )

    assert statuses == expected()["post_statuses"]


def test_pages_match_the_file(imported):
    assert Post.objects.filter(categories__slug="pages").count() == expected()["pages"]


def test_comments_by_status_match_the_file(imported):
    statuses = Counter(Comment.objects.values_list("status", flat=True))

    assert statuses == expected()["comment_statuses"]


def test_comment_threads_match_the_file(imported):
    replies = dict(
        Comment.objects.filter(parent__isnull=False).values_list(
            "wordpress_id", "parent__wordpress_id"
        )
    )

    assert replies == expected()["replies"]


def test_pingbacks_and_trackbacks_are_kept(imported):
    types = Counter(Comment.objects.values_list("comment_type", flat=True))

    assert types["pingback"] == expected()["comment_types"]["pingback"]
    assert types["trackback"] == expected()["comment_types"]["trackback"]


def test_the_sticky_post_field_by_field(imported):
    sticky = Post.objects.get(wordpress_id=1241)

    assert sticky.title == "Template: Sticky"
    assert sticky.slug == "template-sticky"
    assert sticky.status == Post.Status.PUBLISHED
    assert sticky.sticky
    assert sticky.published_at == dt.datetime(2012, 1, 7, 14, 7, 21, tzinfo=dt.UTC)
    assert sticky.author.username == "themedemos"
    assert sticky.author.profile.display_name == "Theme Buster"
    assert set(sticky.categories.values_list("slug", flat=True)) == {
        "classic",
        "uncategorized",
    }
    assert set(sticky.tags.values_list("slug", flat=True)) == {"sticky-2", "template"}
    assert "<p>This is a sticky post.</p>" in sticky.body_html


def test_scheduled_draft_and_protected_posts(imported):
    assert Post.objects.get(wordpress_id=1153).status == Post.Status.SCHEDULED
    assert Post.objects.get(wordpress_id=1164).status == Post.Status.DRAFT
    assert Post.objects.get(wordpress_id=1168).status == Post.Status.DRAFT


def test_a_greek_page_has_its_decoded_slug(imported):
    page = Post.objects.get(wordpress_id=1811)

    assert page.slug == "επίπεδο-2"
    assert page.title == "Επίπεδο 2 -Second Greek level"


def test_comments_closed_on_the_comments_disabled_post(imported):
    assert not Post.objects.get(wordpress_id=1150).comments_open
    assert Post.objects.get(wordpress_id=1148).comments_open


def test_a_held_reply_field_by_field(imported):
    reply = Comment.objects.get(wordpress_id=1017)

    assert reply.status == "pending"
    assert reply.parent.wordpress_id == 168
    assert reply.post.wordpress_id == 155
    assert (reply.author_name, reply.author_email) == (
        "themereviewteam",
        "themereviewteam@gmail.com",
    )
    assert reply.created_at == dt.datetime(2014, 12, 10, 8, 56, 24, tzinfo=dt.UTC)
    assert reply.body == "nothing useful to say"


def test_a_trackback_field_by_field(imported):
    ping = Comment.objects.get(wordpress_id=921)

    assert ping.comment_type == "trackback"
    assert ping.author_name == "Ping 1 \u00ab What\u2019s a tellyworth?"
    assert ping.author_url == "http://tellyworth.wordpress.com/2007/11/21/ping-1/"
    assert ping.ip_address is None


def test_posts_render_sensibly(imported):
    caption = Post.objects.get(wordpress_id=1163).body_html
    blocks = Post.objects.get(wordpress_id=163).body_html
    lists = Post.objects.get(wordpress_id=1000).body_html

    assert "<figcaption>Bell on wharf in San Francisco</figcaption>" in caption
    assert "[caption" not in caption
    assert "wp:" not in blocks
    assert "<h2>Small H2 Heading</h2>" in blocks
    assert "<ol>" in lists and "<ul>" in lists


def test_old_links_redirect(imported, client):
    about = client.get("/about/")
    gallery = client.get("/2010/09/09/post-format-gallery-tiled/")

    assert about.status_code == gallery.status_code == 301
    assert about["Location"] == Post.objects.get(wordpress_id=2).get_absolute_url()
    assert gallery["Location"] == "/2010/09/10/post-format-gallery-tiled/"
    assert client.get("/?p=1241")["Location"] == "/2012/01/07/template-sticky/"


def test_running_the_file_again_changes_no_counts(imported):
    before = row_counts()

    report = import_wxr(source=theme_data())

    assert row_counts() == before
    assert all(created == updated == 0 for _k, created, updated, *_ in report.rows())


def test_a_truncated_copy_fails_naming_the_line_and_writes_nothing(tmp_path, settings):
    text = theme_data().read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    path = write(tmp_path, cut, "half.xml")
    before = row_counts()

    with pytest.raises(WXRError, match=rf"at line {cut.count(chr(10)) + 1},"):
        import_wxr(source=path)

    assert row_counts() == before
    assert files_under(settings.MEDIA_ROOT) == []
