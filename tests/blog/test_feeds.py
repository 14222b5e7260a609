import feedparser
import pytest
from django.urls import reverse

from tests.factories import AuthorFactory, CategoryFactory, PostFactory

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def entry_titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


@pytest.fixture
def mixed_posts(author):
    world = CategoryFactory(name="World", slug="world")
    europe = CategoryFactory(name="Europe", slug="europe", parent=world)
    PostFactory(
        author=author,
        title="Published & “quoted”",
        excerpt="The summary.",
        categories=[europe],
        tags=["politics"],
    )
    PostFactory(author=author, title="Draft", draft=True, categories=[world])
    PostFactory(author=author, title="Scheduled", scheduled=True, tags=["politics"])
    PostFactory(author=AuthorFactory(username="bob"), title="Bob's post")


def test_site_feed_is_rss_with_published_posts_only(client, mixed_posts):
    feed = parse(client, reverse("blog:feed"))

    assert feed.version == "rss20"
    assert sorted(entry_titles(feed)) == ["Bob's post", "Published & “quoted”"]


def test_site_atom_feed_has_published_posts_only(client, mixed_posts):
    feed = parse(client, reverse("blog:feed_atom"))

    assert feed.version == "atom10"
    assert sorted(entry_titles(feed)) == ["Bob's post", "Published & “quoted”"]


def test_feed_entries_carry_link_summary_date_author_and_categories(
    client, mixed_posts, author
):
    feed = parse(client, reverse("blog:feed"))

    entry = next(e for e in feed.entries if e.title.startswith("Published"))
    assert entry.link.startswith("http://testserver/")
    assert entry.summary == "The summary."
    assert entry.published_parsed is not None
    assert entry.author_detail.name == author.profile.display_name
    assert {tag.term for tag in entry.tags} == {"Europe", "politics"}


def test_feed_holds_the_twenty_newest_posts(client, author):
    PostFactory.create_batch(22, author=author)

    feed = parse(client, reverse("blog:feed"))

    assert len(feed.entries) == 20


@pytest.mark.parametrize("suffix", ["feed", "feed_atom"])
def test_category_feed_includes_child_categories(client, mixed_posts, suffix):
    url = reverse(f"blog:category_{suffix}", kwargs={"slug": "world"})

    feed = parse(client, url)

    assert entry_titles(feed) == ["Published & “quoted”"]


@pytest.mark.parametrize("suffix", ["feed", "feed_atom"])
def test_tag_feed_has_the_tagged_published_posts(client, mixed_posts, suffix):
    feed = parse(client, reverse(f"blog:tag_{suffix}", kwargs={"slug": "politics"}))

    assert entry_titles(feed) == ["Published & “quoted”"]


@pytest.mark.parametrize("suffix", ["feed", "feed_atom"])
def test_author_feed_has_the_authors_published_posts(client, mixed_posts, suffix):
    feed = parse(client, reverse(f"blog:author_{suffix}", kwargs={"username": "bob"}))

    assert entry_titles(feed) == ["Bob's post"]


def test_feed_of_an_unknown_category_is_not_found(client, db):
    response = client.get(reverse("blog:category_feed", kwargs={"slug": "nope"}))

    assert response.status_code == 404


def test_pages_advertise_the_site_feeds(client, db):
    html = client.get(reverse("blog:home")).content.decode()

    assert (
        '<link rel="alternate" type="application/rss+xml" title="Colophon (RSS)" '
        'href="http://testserver/feed/">'
    ) in html
    assert 'type="application/atom+xml"' in html


def test_category_page_advertises_its_feed(client, mixed_posts):
    html = client.get(reverse("blog:category", kwargs={"slug": "world"})).content

    assert b'href="http://testserver/category/world/feed/"' in html


def test_feed_links_are_on_the_requested_host(client, mixed_posts):
    feed = parse(client, reverse("blog:feed_atom"))

    assert feed.feed.link == "http://testserver/"
    assert all(e.link.startswith("http://testserver/") for e in feed.entries)
    assert feed.entries[0].author_detail.href.startswith("http://testserver/author/")
