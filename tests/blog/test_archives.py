import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import AuthorFactory, CategoryFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

# What each archive looks up before its posts (category: itself and the tree; tag and
# author: themselves; dates: the list of months or days), then the count and page of
# posts, their categories and tags, and the navigation.
BASE_LIST_QUERIES = 5
ARCHIVE_EXTRA_QUERIES = {
    "category": 2,
    "tag": 1,
    "author": 1,
    "archive_year": 1,
    "archive_month": 1,
    "archive_day": 0,
}

MARCH_2 = dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC)


def titles_in(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="post-summary-title"><a href="[^"]+">([^<]+)</a>', html
    )


def get_titles(client, url, **params) -> list[str]:
    response = client.get(url, params)
    assert response.status_code == 200
    return titles_in(response.content.decode())


# --- Category ---------------------------------------------------------------


def test_category_archive_lists_its_posts(client, author):
    world = CategoryFactory(name="World", slug="world")
    PostFactory(author=author, title="In world", categories=[world])
    PostFactory(author=author, title="Elsewhere")

    response = client.get(reverse("blog:category", kwargs={"slug": "world"}))

    html = response.content.decode()
    assert titles_in(html) == ["In world"]
    assert '<h1 class="page-title">World</h1>' in html


def test_category_archive_includes_posts_of_child_categories(client, author):
    world = CategoryFactory(slug="world")
    europe = CategoryFactory(slug="europe", parent=world)
    belarus = CategoryFactory(slug="belarus", parent=europe)
    PostFactory(author=author, title="Grandchild post", categories=[belarus])
    PostFactory(author=author, title="Both", categories=[world, europe])

    titles = get_titles(client, reverse("blog:category", kwargs={"slug": "world"}))

    assert sorted(titles) == ["Both", "Grandchild post"]


def test_child_category_archive_leaves_out_the_parents_posts(client, author):
    world = CategoryFactory(slug="world")
    europe = CategoryFactory(slug="europe", parent=world)
    PostFactory(author=author, title="Parent only", categories=[world])
    PostFactory(author=author, title="Child", categories=[europe])

    titles = get_titles(client, reverse("blog:category", kwargs={"slug": "europe"}))

    assert titles == ["Child"]


def test_category_archive_leaves_out_unpublished_posts(client, author):
    world = CategoryFactory(slug="world")
    PostFactory(author=author, title="Draft", draft=True, categories=[world])
    PostFactory(author=author, title="Later", scheduled=True, categories=[world])

    response = client.get(reverse("blog:category", kwargs={"slug": "world"}))

    assert titles_in(response.content.decode()) == []
    assert "Nothing found" in response.content.decode()


def test_unknown_category_is_not_found(client, db):
    response = client.get(reverse("blog:category", kwargs={"slug": "nope"}))

    assert response.status_code == 404


def test_category_with_unicode_slug_is_served(client, author):
    news = CategoryFactory(name="Новости", slug="новости")
    PostFactory(author=author, title="Post", categories=[news])

    assert get_titles(client, news.get_absolute_url()) == ["Post"]


# --- Tag --------------------------------------------------------------------


def test_tag_archive_lists_tagged_posts(client, author):
    PostFactory(author=author, title="Tagged", tags=["elections"])
    PostFactory(author=author, title="Other", tags=["sport"])
    PostFactory(author=author, title="Tagged draft", tags=["elections"], draft=True)

    titles = get_titles(client, reverse("blog:tag", kwargs={"slug": "elections"}))

    assert titles == ["Tagged"]


def test_unknown_tag_is_not_found(client, db):
    response = client.get(reverse("blog:tag", kwargs={"slug": "nope"}))

    assert response.status_code == 404


# --- Author -----------------------------------------------------------------


def test_author_archive_lists_the_authors_posts_with_their_bio(client, author):
    PostFactory(author=author, title="Mine")
    PostFactory(author=AuthorFactory(username="bob"), title="Bob's")

    response = client.get(reverse("blog:author", kwargs={"username": "alice"}))

    html = response.content.decode()
    assert titles_in(html) == ["Mine"]
    assert f'<h1 class="page-title">{author.profile.display_name}</h1>' in html
    assert "<p>Writes about things.</p>" in html


def test_author_without_posts_has_an_empty_archive(client, author):
    response = client.get(reverse("blog:author", kwargs={"username": "alice"}))

    assert response.status_code == 200
    assert "Nothing found" in response.content.decode()


def test_reader_accounts_have_no_author_archive(client, db):
    UserFactory(username="reader")

    response = client.get(reverse("blog:author", kwargs={"username": "reader"}))

    assert response.status_code == 404


def test_non_staff_user_with_published_posts_has_an_archive(client, db):
    former = UserFactory(username="former")
    PostFactory(author=former, title="Old post")

    titles = get_titles(client, reverse("blog:author", kwargs={"username": "former"}))

    assert titles == ["Old post"]


# --- Dates ------------------------------------------------------------------


def test_year_archive_lists_the_years_posts_and_months(client, author):
    PostFactory(author=author, title="March", published_at=MARCH_2)
    PostFactory(author=author, title="May", published_at=MARCH_2.replace(month=5))
    PostFactory(
        author=author, title="Last year", published_at=MARCH_2.replace(year=2023)
    )

    response = client.get(reverse("blog:archive_year", kwargs={"year": "2024"}))

    html = response.content.decode()
    assert titles_in(html) == ["May", "March"]
    assert '<a href="/2024/03/">March</a>' in html
    assert '<a href="/2024/05/">May</a>' in html


def test_month_archive_lists_the_months_posts(client, author):
    PostFactory(author=author, title="March", published_at=MARCH_2)
    PostFactory(author=author, title="April", published_at=MARCH_2.replace(month=4))

    titles = get_titles(client, "/2024/03/")

    assert titles == ["March"]


def test_day_archive_lists_the_days_posts(client, author):
    PostFactory(author=author, title="Morning", published_at=MARCH_2)
    PostFactory(author=author, title="Evening", published_at=MARCH_2.replace(hour=20))
    PostFactory(author=author, title="Next day", published_at=MARCH_2.replace(day=3))

    titles = get_titles(client, "/2024/03/02/")

    assert titles == ["Evening", "Morning"]


def test_date_archives_leave_out_unpublished_posts(client, author):
    PostFactory(author=author, title="Draft", draft=True)
    PostFactory(author=author, title="Scheduled", scheduled=True)

    html = client.get(reverse("blog:archive_year", kwargs={"year": "2024"})).content

    assert titles_in(html.decode()) == []


def test_empty_month_says_nothing_was_found(client, db):
    response = client.get("/2020/01/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing found" in html
    assert '<meta name="robots" content="noindex">' in html


def test_future_month_is_not_found(client, db):
    response = client.get("/2999/01/")

    assert response.status_code == 404


def test_invalid_month_is_not_found(client, db):
    response = client.get("/2024/13/")

    assert response.status_code == 404


# --- Shared behaviour -------------------------------------------------------


def test_archives_are_paginated(client, author):
    world = CategoryFactory(slug="world")
    PostFactory.create_batch(11, author=author, categories=[world])

    first = client.get("/category/world/")
    second = client.get("/category/world/", {"page": 2})

    assert len(titles_in(first.content.decode())) == 10
    assert len(titles_in(second.content.decode())) == 1
    assert 'href="/category/world/?page=2" rel="next"' in first.content.decode()


def archive_url(name: str, post) -> str:
    kwargs = {
        "category": {"slug": "world"},
        "tag": {"slug": "politics"},
        "author": {"username": "alice"},
        "archive_year": {"year": "2024"},
        "archive_month": {"year": "2024", "month": "03"},
        "archive_day": {"year": "2024", "month": "03", "day": "02"},
    }[name]
    return reverse(f"blog:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", list(ARCHIVE_EXTRA_QUERIES))
@pytest.mark.parametrize("count", [1, 10])
def test_archives_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, author, name, count
):
    world = CategoryFactory(slug="world")
    CategoryFactory(slug="europe", parent=world)
    for index in range(count):
        PostFactory(
            author=author,
            categories=[world, CategoryFactory()],
            tags=["politics", f"tag{index}"],
            published_at=MARCH_2 + dt.timedelta(minutes=index),
        )
    url = archive_url(name, None)

    with django_assert_num_queries(BASE_LIST_QUERIES + ARCHIVE_EXTRA_QUERIES[name]):
        response = client.get(url)

    assert len(titles_in(response.content.decode())) == count
