"""Issue 9: every reader page runs a fixed number of queries whatever the data, and
the post page renders no more than one page of comment threads.

Pages are asked for by an anonymous reader with every cache empty, so the site and
the discussion settings are looked up each time and the counts are exact.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Link, LinkList, Post
from comments.models import Comment, CommentSettings, render_comment_text
from likes.models import Like
from tests.factories import AuthorFactory, CategoryFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

# One exact number per page, the same on SQLite and PostgreSQL; a change to any of
# them should be deliberate. A list of posts costs 4 (count, posts with author and
# profile, their categories, their tags) plus the category navigation; a feed
# costs the site, the posts and their categories and tags.
QUERIES = {
    "home": 5,
    "home_page_2": 5,
    # The post, its categories and tags, its shown links with their linked posts;
    # previous and next; navigation; the likers with the like count; discussion
    # settings, the comments' outline, the shown comments in full; site and social
    # apps (the log-in buttons).
    "post": 11,
    "post_comment_page_2": 11,
    "category": 7,  # + the category and the category tree
    "tag": 6,  # + the tag
    "author": 6,  # + the author
    "archive_year": 6,  # + the months with posts
    "archive_month": 6,  # + the days with posts
    "archive_day": 5,
    "search": 5,
    "feed_rss": 4,
    "feed_atom": 4,
    "category_feed": 6,  # + the category and the category tree
    "category_feed_atom": 6,
    "tag_feed": 5,  # + the tag
    "tag_feed_atom": 5,
    "author_feed": 5,  # + the author
    "author_feed_atom": 5,
    "post_comment_feed": 3,  # site, post, comments
    "comment_feed": 2,  # site, comments with their posts
    # Site; count and page of posts; categories and those with posts; tags;
    # authors; months.
    "sitemap": 8,
}


@dataclass(frozen=True)
class Size:
    posts: int
    comments: int  # on the newest post, threaded, a fifth held or spam
    likes: int  # on the newest post
    tags: int  # on every post
    categories: int  # on every post
    links: int  # under the newest post


# Everything grows together, from nothing to more than a page of everything.
SIZES = {
    "empty": Size(posts=1, comments=0, likes=0, tags=0, categories=0, links=0),
    "one": Size(posts=11, comments=1, likes=1, tags=1, categories=1, links=1),
    "some": Size(posts=20, comments=200, likes=30, tags=8, categories=5, links=60),
    "many": Size(posts=25, comments=1000, likes=30, tags=8, categories=5, links=60),
}

MARCH_2 = dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC)


def build_categories(count: int) -> list:
    """Up to five categories in two trees; the archives look at the first."""
    world = CategoryFactory(slug="world", name="World")
    science = CategoryFactory(slug="science", name="Science")
    tree = [
        world,
        CategoryFactory(slug="europe", name="Europe", parent=world),
        CategoryFactory(slug="asia", name="Asia", parent=world),
        science,
        CategoryFactory(slug="physics", name="Physics", parent=science),
    ]
    return tree[:count]


def add_links(post, count: int, targets: list, hidden) -> None:
    """`count` links under `post` in lists of 20: in turn to a published post,
    to another site and to `hidden`, an unpublished post readers must not see."""
    lists = [
        LinkList.objects.create(post=post, position=n, lead_in="Read more")
        for n in range(max(1, count // 20))
    ]
    links = []
    for index in range(count):
        link = Link(link_list=lists[index % len(lists)], position=index)
        if index % 3 == 0:
            link.target_post = targets[index % len(targets)]
        elif index % 3 == 1:
            link.url = f"https://news.example.com/story-{index}"
            link.title = f"External story {index}"
        else:
            link.target_post = hidden
        links.append(link)
    Link.objects.bulk_create(links)


def add_likes(post, count: int) -> None:
    """Half by local accounts (some with an author profile), half by a network."""
    likes = []
    for index in range(count):
        if index % 2:
            likes.append(
                Like(
                    post=post,
                    identity_kind="twitter",
                    identity_key=f"twitter:{index}",
                    name=f"Tweeter {index:02d}",
                    profile_url=f"https://x.example/tweeter{index:02d}",
                    avatar_url=f"https://pbs.example/tweeter{index:02d}.jpg",
                )
            )
            continue
        user = AuthorFactory() if index % 4 == 0 else UserFactory()
        likes.append(
            Like(
                post=post,
                user=user,
                identity_kind="local",
                identity_key=f"local:{user.pk}",
                name=user.username,
            )
        )
    Like.objects.bulk_create(likes)


def add_comments(post, count: int, *, threads: int = 0, mixed: bool = True) -> None:
    """`count` comments on `post` in `threads` top-level threads (default: about a
    quarter of them), replies six deep at most, one past the default nesting depth.

    With `mixed`, one in ten is held and one in ten spam: readers see neither.
    Each generation of replies is one insert, answering the one before.
    """
    if not count:
        return
    rng = random.Random(count)
    threads = threads or max(1, round(count * 0.24))
    replies = count - threads
    generations = [threads, *(round(replies * s) for s in (0.4, 0.25, 0.15, 0.12))]
    generations.append(count - sum(generations))
    created = post.published_at + dt.timedelta(hours=1)
    previous: list = [None]
    index = 0
    for size in generations:
        batch = []
        for _ in range(size):
            status = Comment.Status.APPROVED
            if mixed and index % 10 == 3:
                status = Comment.Status.PENDING
            elif mixed and index % 10 == 7:
                status = Comment.Status.SPAM
            # Bodies and names of one length, so every comment weighs the same.
            body = f"Comment {index:04d} on the post, with a few words to read."
            reader = f"reader{index % 50:02d}"
            batch.append(
                Comment(
                    post=post,
                    parent=rng.choice(previous),
                    body=body,
                    body_html=render_comment_text(body),
                    status=status,
                    created_at=created + dt.timedelta(seconds=index),
                    author_name=reader.title(),
                    author_email=f"{reader}@example.net",
                    identity_kind="guest",
                    identity_key=f"guest:{reader}",
                    ip_address="192.0.2.10",
                )
            )
            index += 1
        previous = Comment.objects.bulk_create(batch) or previous


def build_world(size: Size) -> Post:
    """Posts by alice, all on 2 March 2024; returns the newest, which has the
    comments, likes and links."""
    author = AuthorFactory(username="alice")
    categories = build_categories(size.categories) if size.categories else []
    tags = ["politics", *(f"topic-{n}" for n in range(1, size.tags))][: size.tags]
    posts = [
        PostFactory(
            author=author,
            title=f"Zeppelin report {index:02d}",
            published_at=MARCH_2 + dt.timedelta(minutes=index),
            categories=categories,
            tags=tags,
        )
        for index in range(size.posts)
    ]
    post = posts[-1]
    if size.links:
        hidden = PostFactory(author=author, draft=True)
        add_links(post, size.links, posts[:-1], hidden)
    add_likes(post, size.likes)
    add_comments(post, size.comments)
    return post


def page_url(name: str, post) -> str:
    permalink = post.get_absolute_url()
    return {
        "home": "/",
        "home_page_2": "/?page=2",
        "post": permalink,
        "post_comment_page_2": f"{permalink}?cpage=2",
        "category": "/category/world/",
        "tag": "/tag/politics/",
        "author": "/author/alice/",
        "archive_year": "/2024/",
        "archive_month": "/2024/03/",
        "archive_day": "/2024/03/02/",
        "search": "/?s=zeppelin",
        "feed_rss": "/feed/",
        "feed_atom": "/feed/atom/",
        "category_feed": "/category/world/feed/",
        "category_feed_atom": "/category/world/feed/atom/",
        "tag_feed": "/tag/politics/feed/",
        "tag_feed_atom": "/tag/politics/feed/atom/",
        "author_feed": "/author/alice/feed/",
        "author_feed_atom": "/author/alice/feed/atom/",
        "post_comment_feed": f"{permalink}feed/",
        "comment_feed": "/comments/feed/",
        "sitemap": "/sitemap.xml",
    }[name]


def applies(page: str, size: Size) -> bool:
    """A category or tag page needs posts filed there; page 2 needs 11 posts."""
    if page.startswith("category"):
        return size.categories > 0
    if page.startswith("tag"):
        return size.tags > 0
    if page == "home_page_2":
        return size.posts > 10
    return True


CASES = [
    pytest.param(page, size_name, id=f"{page}-{size_name}")
    for page in QUERIES
    for size_name, size in SIZES.items()
    if applies(page, size)
]


def get_cold(client, url: str):
    """The response and the SQL it ran, every cache emptied first."""
    cache.clear()
    Site.objects.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [query["sql"] for query in captured.captured_queries]


def describe(sql: list[str]) -> str:
    """Statements run more than once (numbers folded), then all of them."""
    shapes = Counter(re.sub(r"\b\d+\b", "N", statement) for statement in sql)
    repeated = [f"{n} x {shape}" for shape, n in shapes.most_common() if n > 1]
    listing = [f"{number}. {statement}" for number, statement in enumerate(sql, 1)]
    return "\n".join(["repeated:", *repeated, "all:", *listing])


@pytest.mark.parametrize(("page", "size_name"), CASES)
def test_reader_page_runs_a_fixed_number_of_queries(client, page, size_name):
    post = build_world(SIZES[size_name])

    response, sql = get_cold(client, page_url(page, post))

    assert response.status_code == 200
    expected = QUERIES[page]
    assert len(sql) == expected, f"{page}, {size_name}: {len(sql)}\n{describe(sql)}"


# --- What one page of comments renders ---------------------------------------


def comment_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="comment-(\d+)"', html)]


def threads_of(post) -> list[list[int]]:
    """Ids of the comments readers see, by top-level thread, oldest thread first.

    A reply to a comment readers do not see starts a thread of its own.
    """
    rows = list(
        Comment.objects.filter(post=post, status=Comment.Status.APPROVED)
        .order_by("created_at", "pk")
        .values_list("pk", "parent_id")
    )
    parent_of = dict(rows)
    threads: dict[int, list[int]] = {}
    for pk, _parent in rows:
        root = pk
        while parent_of[root] in parent_of:
            root = parent_of[root]
        threads.setdefault(root, []).append(pk)
    return list(threads.values())


def flatten(threads: list[list[int]]) -> list[int]:
    return [pk for thread in threads for pk in thread]


def set_comments_per_page(per_page: int) -> None:
    discussion = CommentSettings.load()
    discussion.per_page = per_page
    discussion.save()


@pytest.fixture
def crowded_post(author):
    """A post with 1,000 approved comments in 240 threads, 50 threads a page."""
    set_comments_per_page(50)
    post = PostFactory(author=author)
    add_comments(post, 1000, threads=240, mixed=False)
    return post


def test_the_largest_data_set_is_on_the_post_page(client):
    post = build_world(SIZES["many"])

    html = client.get(post.get_absolute_url()).content.decode()

    links = html[html.index('class="post-links"') : html.index("<aside")]
    assert html.count('rel="tag"') == 8
    assert html.count('rel="category"') == 5
    assert links.count("<li><a") == 40  # a third point to an unpublished post
    assert "30 bloggers like this" in html
    assert len(comment_ids(html)) == len(flatten(threads_of(post)[:50]))


def test_the_largest_data_set_fills_a_list_page(client):
    build_world(SIZES["many"])

    html = client.get("/").content.decode()

    assert html.count('class="post-summary-title"') == 10
    assert html.count('rel="tag"') == 10 * 8


def test_first_comment_page_shows_exactly_the_first_fifty_threads(client, crowded_post):
    expected = flatten(threads_of(crowded_post)[:50])

    html = client.get(crowded_post.get_absolute_url()).content.decode()

    assert html.count('id="comment-') == len(expected)
    assert sorted(comment_ids(html)) == sorted(expected)


def test_second_comment_page_shows_exactly_the_next_fifty_threads(client, crowded_post):
    expected = flatten(threads_of(crowded_post)[50:100])

    html = client.get(f"{crowded_post.get_absolute_url()}?cpage=2").content.decode()

    assert html.count('id="comment-') == len(expected)
    assert sorted(comment_ids(html)) == sorted(expected)


def test_a_comment_page_is_no_bigger_than_a_post_with_only_its_threads(
    client, crowded_post
):
    url = crowded_post.get_absolute_url()
    crowded = len(client.get(url).content)
    shown = flatten(threads_of(crowded_post)[:50])
    Comment.objects.filter(post=crowded_post).exclude(pk__in=shown).update(
        status=Comment.Status.SPAM
    )

    alone = len(client.get(url).content)

    # Left over: the links to other comment pages and a longer count heading.
    assert abs(crowded - alone) < 2048


# --- Growth without paging (sizes, not timings) -------------------------------


def unpaged_growth(client, author, count: int) -> tuple[int, int]:
    """The bytes and the <li> elements `count` comments add to a new post's page."""
    post = PostFactory(author=author)
    url = post.get_absolute_url()
    before = client.get(url).content
    add_comments(post, count, mixed=False)
    after = client.get(url).content
    return len(after) - len(before), after.count(b"<li") - before.count(b"<li")


def test_unpaged_thread_renders_one_list_item_per_comment(client, author):
    set_comments_per_page(0)

    items = [unpaged_growth(client, author, count)[1] for count in (250, 1000)]

    assert items == [250, 1000]


def test_unpaged_thread_grows_by_the_same_bytes_per_comment(client, author):
    set_comments_per_page(0)

    small = unpaged_growth(client, author, 250)[0] / 250
    large = unpaged_growth(client, author, 1000)[0] / 1000

    # Same markup for every comment; only ids and the mix of depths differ a bit.
    assert large == pytest.approx(small, rel=0.03)
