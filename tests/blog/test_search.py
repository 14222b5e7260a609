import re

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, PostFactory

pytestmark = pytest.mark.django_db

# Count and page of results, their categories and tags, and the navigation.
SEARCH_QUERIES = 5


def titles_in(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="post-summary-title"><a href="[^"]+">([^<]+)</a>', html
    )


def search(client, words, **params):
    return client.get(reverse("blog:home"), {"s": words, **params})


def test_search_finds_posts_by_title_and_body(client, author):
    PostFactory(author=author, title="Election day")
    PostFactory(author=author, title="Other", body="The election was close.")
    PostFactory(author=author, title="Sport", body="A match.")

    response = search(client, "election")

    assert response.status_code == 200
    assert sorted(titles_in(response.content.decode())) == ["Election day", "Other"]


def test_search_results_page_names_the_words(client, author):
    PostFactory(author=author, title="Election day")

    html = search(client, "election").content.decode()

    assert "Search results for: “election”" in html
    assert "1 post found" in html


def test_search_words_are_escaped(client, db):
    html = search(client, '<script>alert("x")</script>').content.decode()

    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_search_leaves_out_drafts_and_scheduled_posts(client, author):
    PostFactory(author=author, title="Election draft", draft=True)
    PostFactory(author=author, title="Election later", scheduled=True)

    html = search(client, "election").content.decode()

    assert titles_in(html) == []


def test_search_without_results_says_nothing_was_found(client, author):
    PostFactory(author=author, title="Election day")

    html = search(client, "zebra").content.decode()

    assert "Nothing found" in html
    assert "Sorry, but nothing matched your search terms." in html


def test_search_fills_the_search_box_with_the_words(client, db):
    html = search(client, "budget vote").content.decode()

    assert 'name="s" value="budget vote"' in html


def test_search_results_are_not_indexed(client, db):
    html = search(client, "anything").content.decode()

    assert '<meta name="robots" content="noindex">' in html


def test_blank_search_shows_the_home_page(client, author):
    PostFactory(author=author, title="A post")

    response = search(client, "   ")

    assert titles_in(response.content.decode()) == ["A post"]
    assert "Search results" not in response.content.decode()


def test_search_pages_keep_the_words_in_their_links(client, author):
    PostFactory.create_batch(11, author=author, title="Election news")

    first = search(client, "election").content.decode()
    second = search(client, "election", page=2).content.decode()

    assert 'href="/?s=election&amp;page=2" rel="next"' in first
    assert len(titles_in(second)) == 1


@pytest.mark.parametrize("count", [1, 10])
def test_search_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, author, count
):
    categories = CategoryFactory.create_batch(2)
    for _ in range(count):
        PostFactory(author=author, title="Election", categories=categories, tags=["a"])

    with django_assert_num_queries(SEARCH_QUERIES):
        response = search(client, "election")

    assert len(titles_in(response.content.decode())) == count
