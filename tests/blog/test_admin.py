import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Category, Link, LinkList, Post, Redirect
from tests.factories import (
    AuthorFactory,
    CategoryFactory,
    LinkFactory,
    LinkListFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_post_changelist")
ADD = reverse("admin:blog_post_add")


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def post_form(*, link_lists=(), **fields):
    """The post change form as the browser sends it, link lists included.

    nested_admin names a link list's links "<list prefix>-links": the add page
    renders "link_lists-empty-links-…", which its script renames to
    "link_lists-0-links-…" for the first list added (see the rendering test).
    """
    data = {
        "title": "A new post",
        "slug": "",
        "body": "Some *words*.",
        "body_format": "markdown",
        "excerpt": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "tags": "",
        "featured_image_alt": "",
        "comments_open": "on",
        "likes_enabled": "on",
        "link_lists-TOTAL_FORMS": str(len(link_lists)),
        "link_lists-INITIAL_FORMS": "0",
        "link_lists-MIN_NUM_FORMS": "0",
        "link_lists-MAX_NUM_FORMS": "1000",
    }
    for i, link_list in enumerate(link_lists):
        prefix = f"link_lists-{i}"
        links = link_list.get("links", [])
        data |= {
            f"{prefix}-id": "",
            f"{prefix}-heading": link_list.get("heading", ""),
            f"{prefix}-lead_in": link_list.get("lead_in", ""),
            f"{prefix}-position": str(link_list.get("position", i)),
            f"{prefix}-links-TOTAL_FORMS": str(len(links)),
            f"{prefix}-links-INITIAL_FORMS": "0",
            f"{prefix}-links-MIN_NUM_FORMS": "0",
            f"{prefix}-links-MAX_NUM_FORMS": "1000",
        }
        for j, link in enumerate(links):
            data |= {
                f"{prefix}-links-{j}-id": "",
                f"{prefix}-links-{j}-target_post": link.get("target_post", ""),
                f"{prefix}-links-{j}-url": link.get("url", ""),
                f"{prefix}-links-{j}-title": link.get("title", ""),
                f"{prefix}-links-{j}-position": str(link.get("position", j)),
            }
    data |= fields
    return data


@pytest.fixture
def other_author(db):
    return AuthorFactory(username="bob")


# --- Who sees and edits what -------------------------------------------------


def test_author_sees_only_own_posts_in_the_changelist(client, author, other_author):
    PostFactory(author=author, title="Mine to edit")
    PostFactory(author=other_author, title="Bob wrote this")
    client.force_login(author)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert "Mine to edit" in response.text
    assert "Bob wrote this" not in response.text


def test_author_cannot_open_another_authors_post(client, author, other_author):
    post = PostFactory(author=other_author)
    client.force_login(author)

    response = client.get(change_url(post))

    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")


def test_author_cannot_change_another_authors_post(client, author, other_author):
    post = PostFactory(author=other_author, title="Bob's title")
    client.force_login(author)

    client.post(change_url(post), post_form(title="Taken over"))

    post.refresh_from_db()
    assert post.title == "Bob's title"


def test_editor_can_edit_any_authors_post(client, editor, other_author):
    post = PostFactory(author=other_author, draft=True)
    client.force_login(editor)

    response = client.post(
        change_url(post), post_form(title="Edited by eddie", author=other_author.pk)
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.author) == ("Edited by eddie", other_author)


def test_author_creating_a_post_becomes_its_author_whatever_was_posted(
    client, author, other_author
):
    client.force_login(author)

    response = client.post(ADD, post_form(title="Mine", author=other_author.pk))

    assert response.status_code == 302
    assert Post.objects.get(title="Mine").author == author


def test_author_form_has_no_author_field(client, author):
    client.force_login(author)

    response = client.get(ADD)

    assert 'name="author"' not in response.text


def test_editor_may_choose_another_author(client, editor, other_author):
    client.force_login(editor)

    client.post(ADD, post_form(title="For Bob", author=other_author.pk))

    assert Post.objects.get(title="For Bob").author == other_author


# --- List columns and links to the site --------------------------------------


def test_status_column_says_scheduled_for_a_future_post(client, author):
    PostFactory(author=author, scheduled=True)
    client.force_login(author)

    response = client.get(CHANGELIST)

    assert '<td class="field-state">Scheduled</td>' in response.text


def test_published_post_links_to_the_site(client, author):
    post = PostFactory(author=author)
    client.force_login(author)

    response = client.get(change_url(post))

    assert f'href="{post.get_absolute_url()}" class="viewsitelink"' in response.text


def test_draft_offers_a_preview_link(client, author):
    post = PostFactory(author=author, draft=True)
    client.force_login(author)

    response = client.get(change_url(post))

    preview = reverse("blog:preview", kwargs={"pk": post.pk})
    assert f'href="{preview}" class="viewsitelink">Preview</a>' in response.text


# --- Bulk actions ------------------------------------------------------------


def test_publish_now_publishes_the_selected_drafts(client, author):
    post = PostFactory(author=author, draft=True)
    client.force_login(author)

    client.post(CHANGELIST, {"action": "publish_now", ACTION_CHECKBOX_NAME: [post.pk]})

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.is_published


def test_unpublish_moves_posts_back_to_draft(client, author):
    post = PostFactory(author=author)
    client.force_login(author)

    client.post(CHANGELIST, {"action": "unpublish", ACTION_CHECKBOX_NAME: [post.pk]})

    post.refresh_from_db()
    assert (post.status, post.published_at) == (Post.Status.DRAFT, None)


def test_author_bulk_action_leaves_other_authors_posts_alone(
    client, author, other_author
):
    theirs = PostFactory(author=other_author, draft=True)
    client.force_login(author)

    client.post(
        CHANGELIST, {"action": "publish_now", ACTION_CHECKBOX_NAME: [theirs.pk]}
    )

    theirs.refresh_from_db()
    assert theirs.status == Post.Status.DRAFT


# --- Link lists, edited on the post's own page -------------------------------


def test_add_page_renders_nested_link_formsets(client, author):
    client.force_login(author)

    response = client.get(ADD)

    assert 'name="link_lists-TOTAL_FORMS"' in response.text
    assert 'name="link_lists-empty-links-TOTAL_FORMS"' in response.text
    assert 'name="link_lists-empty-links-__prefix__-target_post"' in response.text


def test_link_lists_are_saved_with_the_post_in_order(client, author):
    earlier = PostFactory(author=author, title="Earlier")
    client.force_login(author)

    response = client.post(
        ADD,
        post_form(
            title="With links",
            link_lists=[
                {
                    "lead_in": "Read more about what happened in the previous days",
                    "links": [{"target_post": earlier.pk}],
                },
                {
                    "heading": "Additional reading",
                    "links": [
                        {"url": "https://news.example.com/a", "title": "Первая"},
                        {"target_post": earlier.pk},
                        {"url": "https://news.example.org/c", "title": "«Third» —"},
                    ],
                },
            ],
        ),
    )

    assert response.status_code == 302
    post = Post.objects.get(title="With links")
    lists = list(post.link_lists.all())
    assert [(ll.lead_in != "", ll.heading) for ll in lists] == [
        (True, ""),
        (False, "Additional reading"),
    ]
    assert [link.display_title for link in lists[1].links.all()] == [
        "Первая",
        "Earlier",
        "«Third» —",
    ]


def test_links_follow_their_positions_not_the_form_order(client, author):
    client.force_login(author)
    links = [
        {"url": f"https://example.com/{n}", "title": f"Link {n}", "position": 2 - n}
        for n in range(3)
    ]

    client.post(ADD, post_form(title="Reordered", link_lists=[{"links": links}]))

    link_list = LinkList.objects.get(post__title="Reordered")
    assert [link.title for link in link_list.links.all()] == [
        "Link 2",
        "Link 1",
        "Link 0",
    ]


def test_existing_link_list_keeps_its_links_when_the_post_is_saved(client, author):
    post = PostFactory(author=author, draft=True)
    link_list = LinkListFactory(post=post, heading="Sources", position=0)
    first = LinkFactory(link_list=link_list, position=0, title="One")
    second = LinkFactory(link_list=link_list, position=1, title="Two")
    client.force_login(author)
    data = post_form(title=post.title)
    data |= {
        "link_lists-TOTAL_FORMS": "1",
        "link_lists-INITIAL_FORMS": "1",
        "link_lists-0-id": str(link_list.pk),
        "link_lists-0-post": str(post.pk),
        "link_lists-0-heading": "Sources",
        "link_lists-0-lead_in": "",
        "link_lists-0-position": "0",
        "link_lists-0-links-TOTAL_FORMS": "2",
        "link_lists-0-links-INITIAL_FORMS": "2",
        "link_lists-0-links-MIN_NUM_FORMS": "0",
        "link_lists-0-links-MAX_NUM_FORMS": "1000",
    }
    # Swapped by drag and drop: the second link now comes first.
    for index, (link, position) in enumerate([(first, 1), (second, 0)]):
        data |= {
            f"link_lists-0-links-{index}-id": str(link.pk),
            f"link_lists-0-links-{index}-link_list": str(link_list.pk),
            f"link_lists-0-links-{index}-target_post": "",
            f"link_lists-0-links-{index}-url": link.url,
            f"link_lists-0-links-{index}-title": link.title,
            f"link_lists-0-links-{index}-position": str(position),
        }

    response = client.post(change_url(post), data)

    assert response.status_code == 302
    assert [link.title for link in link_list.links.all()] == ["Two", "One"]


def test_link_to_a_post_and_a_url_at_once_shows_an_error(client, author):
    earlier = PostFactory(author=author)
    client.force_login(author)
    both = {
        "target_post": earlier.pk,
        "url": "https://example.com/x",
        "title": "X",
    }

    response = client.post(ADD, post_form(link_lists=[{"links": [both]}]))

    assert response.status_code == 200
    assert "Choose a post of this blog or enter a URL, not both." in response.text
    assert "link_is_internal_or_external" not in response.text


def test_external_link_without_a_title_shows_an_error(client, author):
    client.force_login(author)
    untitled = {"url": "https://example.com/x"}

    response = client.post(ADD, post_form(link_lists=[{"links": [untitled]}]))

    assert response.status_code == 200
    assert "An external link needs a title." in response.text


def test_link_row_added_and_left_empty_is_ignored(client, author):
    client.force_login(author)
    # The drag-and-drop script numbers every row, the empty one too.
    empty = {"position": 3}

    response = client.post(
        ADD, post_form(title="Empty row", link_lists=[{"links": [empty]}])
    )

    assert response.status_code == 302
    assert not Link.objects.filter(link_list__post__title="Empty row").exists()


def test_link_autocomplete_offers_other_authors_published_posts(
    client, author, other_author
):
    PostFactory(author=other_author, title="Bob's published piece")
    client.force_login(author)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "blog",
            "model_name": "link",
            "field_name": "target_post",
            "term": "piece",
        },
    )

    assert [r["text"] for r in response.json()["results"]] == ["Bob's published piece"]


def test_link_autocomplete_hides_other_authors_drafts(client, author, other_author):
    PostFactory(author=other_author, title="Bob's draft piece", draft=True)
    client.force_login(author)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "blog",
            "model_name": "link",
            "field_name": "target_post",
            "term": "piece",
        },
    )

    assert response.json()["results"] == []


# --- Categories and redirects ------------------------------------------------


def test_category_list_shows_the_parent(client, editor):
    parent = CategoryFactory(name="News", slug="news")
    CategoryFactory(name="Local news", slug="local-news", parent=parent)
    client.force_login(editor)

    response = client.get(reverse("admin:blog_category_changelist"))

    assert '<td class="field-parent nowrap">News</td>' in response.text


def test_editor_adds_a_child_category(client, editor):
    parent = CategoryFactory(name="News", slug="news")
    client.force_login(editor)

    client.post(
        reverse("admin:blog_category_add"),
        {
            "name": "Local news",
            "slug": "local-news",
            "parent": parent.pk,
            "description": "",
        },
    )

    assert Category.objects.get(slug="local-news").parent == parent


def test_author_cannot_add_categories(client, author):
    client.force_login(author)

    response = client.get(reverse("admin:blog_category_add"))

    assert response.status_code == 403


def test_redirects_are_read_only_for_editors(client, editor, author):
    post = PostFactory(author=author)
    redirect = Redirect.objects.create(old_path="/2020/01/01/old/", post=post)
    client.force_login(editor)

    listed = client.get(reverse("admin:blog_redirect_changelist"))
    change = client.post(
        reverse("admin:blog_redirect_change", args=[redirect.pk]),
        {"old_path": "/elsewhere/", "post": post.pk},
    )

    assert "/2020/01/01/old/" in listed.text
    assert change.status_code == 403


def test_change_page_queries_do_not_grow_with_the_number_of_links(client, author):
    def queries_for(link_count):
        post = PostFactory(author=author)
        link_list = LinkListFactory(post=post)
        for position in range(link_count):
            LinkFactory(link_list=link_list, position=position, internal=True)
        with CaptureQueriesContext(connection) as context:
            assert client.get(change_url(post)).status_code == 200
        return len(context.captured_queries)

    client.force_login(author)
    queries_for(1)  # warm the per-process caches (content types, site)

    assert queries_for(2) == queries_for(12)


def test_changelist_queries_do_not_grow_with_the_number_of_posts(client, editor):
    category = CategoryFactory()

    def queries_for(post_count):
        for _ in range(post_count):
            PostFactory(author=AuthorFactory(), categories=[category])
        with CaptureQueriesContext(connection) as context:
            assert client.get(CHANGELIST).status_code == 200
        return len(context.captured_queries)

    client.force_login(editor)
    queries_for(1)  # warm the per-process caches (content types, site)

    assert queries_for(2) == queries_for(10)


def test_post_linking_to_a_since_unpublished_post_can_still_be_saved(
    client, author, other_author
):
    post = PostFactory(author=author, draft=True)
    link_list = LinkListFactory(post=post, position=0)
    target = PostFactory(author=other_author, title="Withdrawn")
    link = LinkFactory(
        link_list=link_list, position=0, url="", title="", target_post=target
    )
    target.status, target.published_at = Post.Status.DRAFT, None
    target.save()
    client.force_login(author)
    data = post_form(title="Still saves")
    data |= {
        "link_lists-TOTAL_FORMS": "1",
        "link_lists-INITIAL_FORMS": "1",
        "link_lists-0-id": str(link_list.pk),
        "link_lists-0-post": str(post.pk),
        "link_lists-0-heading": "",
        "link_lists-0-lead_in": "",
        "link_lists-0-position": "0",
        "link_lists-0-links-TOTAL_FORMS": "1",
        "link_lists-0-links-INITIAL_FORMS": "1",
        "link_lists-0-links-MIN_NUM_FORMS": "0",
        "link_lists-0-links-MAX_NUM_FORMS": "1000",
        "link_lists-0-links-0-id": str(link.pk),
        "link_lists-0-links-0-link_list": str(link_list.pk),
        "link_lists-0-links-0-target_post": str(target.pk),
        "link_lists-0-links-0-url": "",
        "link_lists-0-links-0-title": "",
        "link_lists-0-links-0-position": "0",
    }

    response = client.post(change_url(post), data)

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Still saves"
