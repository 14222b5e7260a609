"""The WordPress import service on small hand-written exports (WXR 1.1 and 1.2)."""

import datetime as dt

import pytest
from taggit.models import Tag

from accounts.models import User
from blog.models import Category, Post
from blog.wordpress import WXRError, import_wxr
from comments.identity import guest_identity
from comments.models import Comment
from tests.blog.wordpress_support import (
    SELF_HOSTED,
    WORDPRESS_COM,
    author,
    item,
    row_counts,
    write,
    wxr,
)
from tests.factories import AuthorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def import_file(path=SELF_HOSTED, **options):
    return import_wxr(source=path, **options)


def post(wp_id: int) -> Post:
    return Post.objects.get(wordpress_id=wp_id)


def comment(wp_id: int) -> Comment:
    return Comment.objects.get(wordpress_id=wp_id)


# --- Users ---------------------------------------------------------------------


def test_authors_become_users_with_their_names():
    import_file()

    alice = User.objects.get(username="alice")
    assert (alice.email, alice.first_name, alice.last_name) == (
        "alice@oldblog.example.com",
        "Alice",
        "Anders",
    )
    assert alice.profile.display_name == "Alice A. Author"


def test_imported_authors_cannot_log_in_and_are_not_staff():
    import_file()

    alice = User.objects.get(username="alice")
    assert not alice.has_usable_password()
    assert not alice.is_staff


def test_display_names_lose_wordpress_entities():
    import_file()

    assert User.objects.get(username="bob").profile.display_name == "Bob & Co"


def test_an_existing_user_with_the_same_login_is_reused_and_not_overwritten():
    existing = AuthorFactory(username="alice", email="alice@here.example")

    report = import_file()

    existing.refresh_from_db()
    assert existing.email == "alice@here.example"
    assert existing.is_staff
    assert post(101).author == existing
    assert User.objects.filter(username="alice").count() == 1
    assert report.get("users", "created") == 1


def test_an_author_missing_from_the_list_is_created_and_reported(tmp_path):
    path = write(tmp_path, wxr(author("alice") + item(1, creator="ghost")))

    report = import_file(path)

    assert post(1).author.username == "ghost"
    assert (
        "post 1 'A post': author 'ghost' is not listed in the export; user created"
        in (report.problems)
    )


# --- Categories and tags -------------------------------------------------------


def test_categories_keep_their_parents_even_when_a_child_comes_first():
    import_file()

    assert Category.objects.get(slug="world").parent.slug == "news"
    assert Category.objects.get(slug="uncategorized").parent is None


def test_category_names_descriptions_and_encoded_slugs_are_imported():
    import_file()

    news = Category.objects.get(slug="news")
    assert (news.name, news.description) == (
        "News & Views",
        "What happened, and what it means.",
    )
    assert Category.objects.get(slug="новости").name == "Новости"


def test_tags_are_taggit_tags_with_the_export_slugs():
    import_file()

    assert set(Tag.objects.values_list("slug", "name")) == {
        ("elections", "Elections"),
        ("tea-cakes", "Tea & Cakes"),
    }


def test_an_existing_category_with_the_same_slug_is_updated():
    Category.objects.create(slug="news", name="Old name")

    report = import_file()

    assert Category.objects.get(slug="news").name == "News & Views"
    assert report.get("categories", "updated") == 1


# --- Posts -----------------------------------------------------------------------


def test_a_published_post_keeps_its_fields():
    import_file()

    hello = post(101)
    assert hello.title == "Hello & welcome"
    assert hello.slug == "hello-world"
    assert hello.author.username == "alice"
    assert hello.status == Post.Status.PUBLISHED
    assert hello.published_at == dt.datetime(2012, 1, 8, 9, 0, tzinfo=UTC)
    assert hello.excerpt == "A short summary."
    assert hello.sticky
    assert hello.comments_open
    assert hello.body_format == Post.BodyFormat.HTML


def test_a_post_is_filed_under_its_categories_and_tags():
    import_file()

    hello = post(101)
    assert set(hello.categories.values_list("slug", flat=True)) == {"world", "news"}
    assert set(hello.tags.values_list("slug", flat=True)) == {"elections", "tea-cakes"}


def test_the_wordpress_body_renders_captions_and_paragraphs():
    import_file()

    html = post(101).body_html
    assert html.startswith("<p>First paragraph of the first post.</p>")
    assert "<figcaption>The lake at dawn</figcaption>" in html
    assert "<p>Second paragraph,<br>\nwith a line break.</p>" in html
    assert "[caption" not in html
    assert "more" not in html


def test_block_editor_comments_and_gallery_shortcodes_are_removed():
    import_file(WORDPRESS_COM)

    html = post(301).body_html
    assert "wp:" not in html
    assert "[gallery" not in html
    assert "<p>Morning light on a sleeping cat.</p>" in html


def test_a_percent_encoded_slug_is_decoded():
    import_file()

    assert post(102).slug == "привет"


def test_closed_comments_stay_closed():
    import_file()

    assert not post(102).comments_open


def test_a_future_post_is_scheduled():
    import_file()

    coming = post(103)
    assert coming.status == Post.Status.SCHEDULED
    assert coming.published_at == dt.datetime(2099, 5, 1, 8, 0, tzinfo=UTC)


def test_a_draft_without_a_gmt_date_takes_the_local_date_in_the_site_time_zone(
    settings,
):
    settings.TIME_ZONE = "Europe/Berlin"

    import_file()

    draft = post(104)
    assert draft.status == Post.Status.DRAFT
    assert draft.published_at == dt.datetime(2012, 3, 1, 11, 0, tzinfo=UTC)


def test_a_draft_without_a_slug_gets_one_from_its_title():
    import_file()

    assert post(104).slug == "half-written"


@pytest.mark.parametrize("wp_id", [105, 107])
def test_private_and_pending_posts_become_drafts(wp_id):
    import_file()

    assert post(wp_id).status == Post.Status.DRAFT


def test_a_private_post_is_reported():
    report = import_file()

    assert "post 105 'For my eyes only': private; imported as a draft" in (
        report.problems
    )


def test_a_trashed_post_is_skipped_and_reported():
    report = import_file()

    assert not Post.objects.filter(wordpress_id=106).exists()
    assert report.get("posts", "skipped") == 1
    assert "post 106 'Thrown away': in the trash; not imported" in report.problems


def test_the_comments_of_a_trashed_post_are_counted_as_skipped(tmp_path):
    comment_xml = """<wp:comment><wp:comment_id>5</wp:comment_id>
    <wp:comment_author>Ann</wp:comment_author>
    <wp:comment_content>Hi</wp:comment_content>
    <wp:comment_approved>1</wp:comment_approved></wp:comment>"""
    path = write(
        tmp_path, wxr(author("alice") + item(1, status="trash", extra=comment_xml))
    )

    report = import_file(path)

    assert not Comment.objects.exists()
    assert report.get("comments", "skipped") == 1


def test_a_password_protected_post_becomes_a_reported_draft():
    report = import_file(WORDPRESS_COM)

    assert post(311).status == Post.Status.DRAFT
    assert "post 311 'Members only': password-protected; imported as a draft" in (
        report.problems
    )


def test_pages_are_posts_in_the_pages_category():
    report = import_file()

    about = post(110)
    assert list(about.categories.values_list("slug", flat=True)) == ["pages"]
    assert about.status == Post.Status.PUBLISHED
    assert not about.comments_open
    assert report.get("pages", "created") == 1


def test_other_item_types_are_counted_and_not_imported():
    report = import_file()

    assert report.other_items == {"nav_menu_item": 1}
    assert not Post.objects.filter(wordpress_id=120).exists()


def test_a_post_id_that_appears_twice_is_imported_once(tmp_path):
    path = write(tmp_path, wxr(author("alice") + item(1) + item(1, title="Again")))

    report = import_file(path)

    assert post(1).title == "A post"
    assert report.get("posts", "skipped") == 1


def test_the_report_counts_every_kind():
    report = import_file()

    assert report.rows() == [
        ("users", 2, 0, 0, 0),
        ("categories", 5, 0, 0, 0),
        ("tags", 2, 0, 0, 0),
        ("posts", 7, 0, 0, 1),
        ("pages", 1, 0, 0, 0),
        ("comments", 6, 0, 0, 0),
        ("attachments", 0, 0, 0, 2),
        ("redirects", 2, 0, 0, 0),
    ]


# --- Comments --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wp_id", "status"),
    [(201, "approved"), (202, "pending"), (204, "spam"), (205, "trash")],
)
def test_comment_statuses_are_mapped(wp_id, status):
    import_file()

    assert comment(wp_id).status == status


def test_a_comment_trashed_with_its_post_is_in_the_trash():
    import_file(WORDPRESS_COM)

    assert comment(404).status == "trash"


def test_replies_point_at_their_parents_even_when_listed_first():
    import_file()

    assert comment(203).parent == comment(202)
    assert comment(202).parent == comment(201)
    assert comment(201).parent is None


def test_a_comment_keeps_its_commenter_and_date():
    import_file()

    carol = comment(201)
    assert carol.post == post(101)
    assert (carol.author_name, carol.author_email, carol.author_url) == (
        "Carol",
        "Carol@Example.net",
        "https://carol.example.net/",
    )
    assert carol.ip_address == "192.0.2.1"
    assert carol.created_at == dt.datetime(2012, 1, 9, 8, 0, tzinfo=UTC)
    assert carol.comment_type == "comment"


def test_an_ipv6_address_is_kept_and_a_broken_one_dropped():
    import_file()

    assert comment(203).ip_address == "2001:db8::1"
    assert comment(202).ip_address is None


def test_comment_html_becomes_our_plain_text_with_rendered_html():
    import_file()

    carol = comment(201)
    assert carol.body == (
        "Great post. See this story (https://news.example.com/story), it is "
        "relevant.\nSecond line."
    )
    assert 'href="https://news.example.com/story"' in carol.body_html


def test_pingbacks_and_trackbacks_are_kept_as_such():
    import_file()
    import_file(WORDPRESS_COM)

    assert comment(206).comment_type == "pingback"
    assert comment(206).author_name == "Another Blog \u00bb A post about yours"
    assert comment(403).comment_type == "trackback"


def test_imported_commenters_have_a_guest_identity():
    import_file()

    carol = comment(201)
    identity = guest_identity(name="Carol", email="carol@example.net")
    assert (carol.identity_kind, carol.identity_key) == ("guest", identity.key)


def test_an_imported_approved_commenter_counts_as_already_approved():
    import_file()

    key = guest_identity(name="Carol", email="CAROL@example.net").key
    assert Comment.objects.by_identity(key).approved().exists()


def test_a_reply_to_a_comment_missing_from_the_export_is_shown_at_the_top(tmp_path):
    orphan = """<wp:comment><wp:comment_id>9</wp:comment_id>
    <wp:comment_author>Ann</wp:comment_author>
    <wp:comment_author_email>ann@example.com</wp:comment_author_email>
    <wp:comment_date_gmt>2014-05-07 07:08:09</wp:comment_date_gmt>
    <wp:comment_content>Hi</wp:comment_content>
    <wp:comment_approved>1</wp:comment_approved>
    <wp:comment_parent>8</wp:comment_parent></wp:comment>"""
    path = write(tmp_path, wxr(author("alice") + item(1, extra=orphan)))

    report = import_file(path)

    assert comment(9).parent is None
    assert any(
        "replies to comment 8, which is not in the export" in p
        for p in (report.problems)
    )


# --- Running again -----------------------------------------------------------------


def test_running_the_same_file_again_changes_no_counts():
    import_file()
    import_file(WORDPRESS_COM)
    before = row_counts()

    import_file()
    import_file(WORDPRESS_COM)

    assert row_counts() == before


def test_running_the_same_file_again_reports_everything_unchanged():
    import_file()

    report = import_file()

    assert report.rows() == [
        ("users", 0, 0, 2, 0),
        ("categories", 0, 0, 5, 0),
        ("tags", 0, 0, 2, 0),
        ("posts", 0, 0, 7, 1),
        ("pages", 0, 0, 1, 0),
        ("comments", 0, 0, 6, 0),
        ("attachments", 0, 0, 0, 2),
        ("redirects", 0, 0, 2, 0),
    ]


def test_running_again_puts_back_what_the_export_says():
    import_file()
    Post.objects.filter(wordpress_id=101).update(title="Changed here")
    Comment.objects.filter(wordpress_id=202).update(status="approved", parent=None)

    report = import_file()

    assert post(101).title == "Hello & welcome"
    assert comment(202).status == "pending"
    assert comment(202).parent == comment(201)
    assert report.get("posts", "updated") == 1
    assert report.get("comments", "updated") == 1


def test_a_comment_changed_by_running_again_is_marked_changed():
    # Its row on the post page is kept under its last change (comments.rendering).
    import_file()
    Comment.objects.filter(wordpress_id=202).update(author_name="Changed here")
    before = comment(202).updated_at

    import_file()

    assert comment(202).author_name != "Changed here"
    assert comment(202).updated_at > before


def test_a_numbered_slug_given_on_a_clash_is_kept_when_running_again():
    PostFactory(
        title="Other",
        slug="hello-world",
        published_at=dt.datetime(2012, 1, 8, 20, 0, tzinfo=UTC),
    )
    import_file()
    assert post(101).slug == "hello-world-2"

    report = import_file()

    assert post(101).slug == "hello-world-2"
    assert report.get("posts", "updated") == 0


# --- Author map and dry run -------------------------------------------------------


def test_the_author_map_gives_posts_to_an_existing_user():
    editor = UserFactory(username="editor-in-chief")

    report = import_file(author_map={"alice": "editor-in-chief"})

    assert post(101).author == editor
    assert not User.objects.filter(username="alice").exists()
    assert "Author 'alice' is mapped to the existing user 'editor-in-chief'." in (
        report.notes
    )


def test_the_author_map_refuses_an_unknown_user_before_writing():
    before = row_counts()

    with pytest.raises(WXRError, match="there is no user 'nobody'"):
        import_file(author_map={"alice": "nobody"})

    assert row_counts() == before


def test_a_dry_run_writes_nothing_and_reports_what_it_would_do():
    before = row_counts()

    report = import_file(dry_run=True)

    assert row_counts() == before
    assert report.dry_run
    assert report.get("posts", "created") == 7


def test_a_database_error_names_the_item_and_leaves_nothing(monkeypatch):
    from django.db import DatabaseError

    from blog.wordpress import importer

    def broken(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(importer._Importer, "add_redirects", broken)
    before = row_counts()

    with pytest.raises(WXRError, match=r"post 101 'Hello & welcome': cannot be"):
        import_file()

    assert row_counts() == before
