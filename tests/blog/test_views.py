import datetime as dt
import re
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from blog.views import HomeView, server_error
from tests.conftest import image_bytes
from tests.factories import AuthorFactory, CategoryFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

# Count and page of posts, their categories and tags, and the navigation.
LIST_PAGE_QUERIES = 5


def titles_in(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="post-summary-title"><a href="[^"]+">([^<]+)</a>', html
    )


# --- Home -------------------------------------------------------------------


def test_home_lists_published_posts_newest_first(client, author):
    now = timezone.now()
    PostFactory(author=author, title="Older", published_at=now - dt.timedelta(days=2))
    PostFactory(author=author, title="Newer", published_at=now - dt.timedelta(days=1))

    response = client.get(reverse("blog:home"))

    assert response.status_code == 200
    assert titles_in(response.content.decode()) == ["Newer", "Older"]


def test_home_leaves_out_drafts_and_scheduled_posts(client, author):
    PostFactory(author=author, title="Visible")
    PostFactory(author=author, title="Draft", draft=True)
    PostFactory(author=author, title="Scheduled", scheduled=True)

    html = client.get(reverse("blog:home")).content.decode()

    assert titles_in(html) == ["Visible"]


def test_sticky_posts_come_first(client, author):
    now = timezone.now()
    PostFactory(
        author=author,
        title="Sticky",
        sticky=True,
        published_at=now - dt.timedelta(days=9),
    )
    PostFactory(author=author, title="Fresh", published_at=now - dt.timedelta(hours=1))

    html = client.get(reverse("blog:home")).content.decode()

    assert titles_in(html) == ["Sticky", "Fresh"]
    assert '<p class="sticky-label">Featured</p>' in html


def test_home_shows_date_author_and_excerpt(client, author):
    post = PostFactory(author=author, excerpt="A short summary.")

    html = client.get(reverse("blog:home")).content.decode()

    assert f'datetime="{post.published_at.isoformat()[:19]}' in html
    assert f">{author.profile.display_name}</a>" in html
    assert '<p class="post-summary-excerpt">A short summary.</p>' in html


def test_list_image_alt_text_is_the_description_or_the_title(client, author):
    described = PostFactory(author=author, featured_image_alt="Two cats")
    plain = PostFactory(author=author, title="Untitled image post")
    for post in (described, plain):
        post.featured_image.save("photo.png", ContentFile(image_bytes()), save=True)

    html = client.get(reverse("blog:home")).content.decode()

    assert 'alt="Two cats" loading="lazy"' in html
    assert 'alt="Untitled image post" loading="lazy"' in html


def test_home_is_paginated_by_ten(client, author):
    PostFactory.create_batch(12, author=author)

    first = client.get(reverse("blog:home"))
    second = client.get(reverse("blog:home"), {"page": 2})

    assert len(titles_in(first.content.decode())) == 10
    assert len(titles_in(second.content.decode())) == 2
    assert 'href="/?page=2" rel="next"' in first.content.decode()
    assert 'href="/" rel="prev"' in second.content.decode()


def test_a_page_past_the_end_is_not_found(client, author):
    PostFactory(author=author)

    response = client.get(reverse("blog:home"), {"page": 5})

    assert response.status_code == 404


def test_empty_home_says_nothing_was_found(client, db):
    html = client.get(reverse("blog:home")).content.decode()

    assert "Nothing found" in html


@pytest.mark.parametrize("count", [1, 10])
def test_home_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, author, count
):
    categories = CategoryFactory.create_batch(2)
    for _ in range(count):
        PostFactory(author=author, categories=categories, tags=["a", "b"])

    with django_assert_num_queries(LIST_PAGE_QUERIES):
        response = client.get(reverse("blog:home"))

    assert len(titles_in(response.content.decode())) == count


# --- Visibility of a post ---------------------------------------------------


def test_published_post_is_served_at_its_permalink(client, post):
    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert f'<h1 class="post-title" id="post-title">{post.title}</h1>' in response.text


def test_draft_is_not_found_for_readers(client, author):
    draft = PostFactory(author=author, draft=True)

    response = client.get(reverse("blog:preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 404


def test_scheduled_post_is_not_found_before_its_time(client, author):
    scheduled = PostFactory(author=author, scheduled=True)

    response = client.get(scheduled.get_absolute_url())

    assert response.status_code == 404


def test_scheduled_post_is_served_once_its_time_has_come(client, author):
    scheduled = PostFactory(author=author, scheduled=True)
    later = scheduled.published_at + dt.timedelta(minutes=1)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(scheduled.get_absolute_url())

    assert response.status_code == 200
    assert "Preview" not in response.content.decode()


def test_wrong_date_in_the_permalink_is_not_found(client, post):
    kwargs = post.permalink_kwargs() | {
        "day": "28" if post.published_on.day != 28 else "27"
    }

    response = client.get(reverse("blog:post_detail", kwargs=kwargs))

    assert response.status_code == 404


def test_impossible_date_is_not_found(client, post):
    response = client.get(f"/2024/02/31/{post.slug}/")

    assert response.status_code == 404


def test_unicode_slug_is_served(client, author):
    post = PostFactory(author=author, title="Протесты в Минске")

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200


# --- Preview ----------------------------------------------------------------


def test_author_previews_their_own_draft_with_a_banner(client, author):
    draft = PostFactory(author=author, draft=True, title="Work in progress")
    client.force_login(author)

    response = client.get(reverse("blog:preview", kwargs={"pk": draft.pk}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — this post is not published" in html
    assert '<meta name="robots" content="noindex">' in html


def test_editor_previews_another_authors_draft(client, author, editor):
    draft = PostFactory(author=author, draft=True)
    client.force_login(editor)

    response = client.get(reverse("blog:preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 200


def test_another_author_cannot_preview_a_draft(client, author):
    draft = PostFactory(author=author, draft=True)
    client.force_login(AuthorFactory(username="bob"))

    response = client.get(reverse("blog:preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 404


def test_logged_in_reader_cannot_preview_a_draft(client, author):
    draft = PostFactory(author=author, draft=True)
    client.force_login(UserFactory(username="reader"))

    response = client.get(reverse("blog:preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 404


def test_preview_of_a_published_post_redirects_to_its_permalink(client, post):
    response = client.get(reverse("blog:preview", kwargs={"pk": post.pk}))

    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()


def test_author_sees_a_scheduled_post_at_its_permalink_as_a_preview(client, author):
    scheduled = PostFactory(author=author, scheduled=True)
    client.force_login(author)

    response = client.get(scheduled.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — this post is not published" in html
    assert "Scheduled for" in html


def test_published_post_shows_no_preview_banner_to_its_author(client, post):
    client.force_login(post.author)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Preview —" not in html


# --- Layout, error pages ----------------------------------------------------


def test_header_has_navigation_with_categories_and_a_search_form(client, db):
    CategoryFactory(name="World", slug="world")
    CategoryFactory(name="Inner", slug="inner", parent=CategoryFactory(slug="outer"))

    html = client.get(reverse("blog:home")).content.decode()

    header = html[html.index("<header") : html.index("</header>")]
    assert '<a class="nav-link" href="/category/world/">World</a>' in header
    assert "/category/inner/" not in header
    assert '<form class="search-form search-form-compact" role="search"' in header
    assert (
        '<label for="header-search-input" class="visually-hidden">Search</label>'
        in (header)
    )
    assert 'name="s"' in header


def test_current_category_is_marked_in_the_navigation(client, db):
    CategoryFactory(name="World", slug="world")

    html = client.get("/category/world/").content.decode()

    assert 'href="/category/world/" aria-current="page">World</a>' in html


def test_footer_links_the_feeds(client, db):
    html = client.get(reverse("blog:home")).content.decode()

    footer = html[html.index("<footer") :]
    assert 'href="/feed/"' in footer
    assert 'href="/feed/atom/"' in footer


def test_unknown_address_gets_the_sites_404_page(client, db, settings):
    settings.DEBUG = False

    response = client.get("/no/such/page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Oops! That page can’t be found." in html
    assert 'class="site-header"' in html
    assert 'id="not-found-search-input"' in html


def test_server_error_page_renders_without_request_or_database(
    rf, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert 'class="site-title"' in html


def test_an_error_in_a_view_shows_the_500_page(client, db):
    client.raise_request_exception = False

    with mock.patch.object(HomeView, "get_queryset", side_effect=RuntimeError):
        response = client.get(reverse("blog:home"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
