"""What the post page shows around the post: its categories and tags, its link lists
and the previous and next posts, each read in one short query (config.sql).

A reference post has four link lists of over a hundred links; read through the ORM
with prefetches and model instances, these took longer than drawing the page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from taggit.models import Tag, TaggedItem

from accounts.models import AuthorProfile
from blog.markup import web_url
from blog.models import Category, Link, LinkList, Post, permalink
from config.sql import ModelColumns, read_rows, table

# Inside <script> the HTML parser ends at "</script>" whatever JSON thinks, so
# markup characters are written as JSON escapes (as Django's json_script does).
_SCRIPT_SAFE_JSON = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


class Term(NamedTuple):
    """A category or tag as a post shows it."""

    name: str
    url: str


@dataclass(frozen=True)
class PostTerms:
    categories: list[Term]
    tags: list[Term]

    @classmethod
    def of(cls, post) -> PostTerms:
        """From the post's prefetched categories and tags (lists of posts)."""
        return cls(
            categories=[
                Term(category.name, category.get_absolute_url())
                for category in post.categories.all()
            ],
            tags=[Term(tag.name, _tag_url(tag.slug)) for tag in post.tags.all()],
        )


class ShownLink(NamedTuple):
    address: str
    text: str
    is_internal: bool


@dataclass(frozen=True)
class ShownLinkList:
    """A link list with only the links readers may follow. A single link with a
    lead-in reads as one sentence (`inline`); the rest are numbered lists."""

    pk: int
    heading: str
    lead_in: str
    links: list[ShownLink]

    @property
    def inline(self) -> bool:
        return len(self.links) == 1 and bool(self.lead_in)


class Neighbour(NamedTuple):
    title: str
    url: str


def published_post(published_on: dt.date, slug: str) -> Post | None:
    """The published post at this address with its author and the author's profile,
    as Post.objects.published().for_page() reads it, without compiling that query
    on every request (one query)."""
    rows = read_rows(
        Post,
        _published_post_sql(),
        [
            published_on,
            slug,
            Post.Status.PUBLISHED,
            Post.Status.SCHEDULED,
            timezone.now(),
        ],
        prepared=True,
    )
    if not rows:
        return None
    db = router.db_for_read(Post)
    post_columns, author_columns, profile_columns = _page_post_columns()
    values = list(rows[0])
    ends = (
        len(post_columns.fields),
        len(post_columns.fields) + len(author_columns.fields),
    )
    post = post_columns.instance(db, values[: ends[0]])
    author = author_columns.instance(db, values[ends[0] : ends[1]])
    profile = None
    if values[ends[1]] is not None:
        profile = profile_columns.instance(db, values[ends[1] :])
        AuthorProfile.user.field.set_cached_value(profile, author)
    # What select_related() would have cached, a missing profile included.
    Post.author.field.set_cached_value(post, author)
    AuthorProfile.user.field.remote_field.set_cached_value(author, profile)
    return post


def post_terms(post) -> PostTerms:
    """The post's categories and tags, each by name (one query)."""
    categories, tags = [], []
    for is_tag, name, slug in read_rows(
        Post, _terms_sql(), [post.pk, post.pk, _post_type_id()], prepared=True
    ):
        if is_tag:
            tags.append(Term(name, _tag_url(slug)))
        else:
            categories.append(Term(name, reverse("blog:category", args=[slug])))
    return PostTerms(categories, tags)


def shown_link_lists(post) -> list[ShownLinkList]:
    """The post's link lists in order, each with the links readers may follow:
    external ones, and those to posts of this blog that are published (one query).
    Lists left without a link are left out."""
    lists: list[ShownLinkList] = []
    rows = read_rows(
        Link,
        _links_sql(),
        [post.pk, Post.Status.PUBLISHED, Post.Status.SCHEDULED, timezone.now()],
        prepared=True,
    )
    for list_id, heading, lead_in, url, title, target, target_title, slug, day in rows:
        if not lists or lists[-1].pk != list_id:
            lead_in = lead_in.strip().rstrip(":").rstrip()
            lists.append(ShownLinkList(list_id, heading, lead_in, []))
        if target is not None:
            link = ShownLink(permalink(_date(day), slug), target_title, True)
        else:
            link = ShownLink(web_url(url), title or url, False)
        lists[-1].links.append(link)
    return lists


def neighbours(post) -> tuple[Neighbour | None, Neighbour | None]:
    """The published posts before and after `post` (one query)."""
    if post.published_at is None:
        return None, None
    published = [Post.Status.PUBLISHED, Post.Status.SCHEDULED, timezone.now()]
    at, pk = post.published_at, post.pk
    found: list[Neighbour | None] = [None, None]
    for is_next, title, slug, day in read_rows(
        Post,
        _neighbours_sql(),
        [*published, at, at, pk, *published, at, at, pk],
        prepared=True,
    ):
        found[is_next] = Neighbour(title, permalink(_date(day), slug))
    return found[0], found[1]


def json_ld(request, post, terms: PostTerms, site_name: str) -> str:
    """A schema.org BlogPosting for `post`, in a script element safe from injection."""
    author = post.author
    author_url = reverse("blog:author", kwargs={"username": author.get_username()})
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.summary,
        "dateModified": post.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": author.display_name,
            "url": request.build_absolute_uri(author_url),
        },
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": request.build_absolute_uri(post.get_absolute_url()),
        },
        "publisher": {"@type": "Organization", "name": site_name},
        "articleSection": [category.name for category in terms.categories],
        "keywords": [tag.name for tag in terms.tags],
    }
    if post.published_at is not None:
        data["datePublished"] = post.published_at.isoformat()
    if post.page_image:
        data["image"] = [request.build_absolute_uri(post.page_image.url)]
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_SCRIPT_SAFE_JSON)),  # noqa: S308  # nosec B308 B703
    )


def _tag_url(slug: str) -> str:
    return reverse("blog:tag", args=[slug])


def _date(value) -> dt.date:
    # SQLite may hand a date column back as text in a hand-written query.
    return parse_date(value) if isinstance(value, str) else value


def _post_type_id() -> int:
    # ContentType keeps its own per-process cache.
    return ContentType.objects.get_for_model(Post).pk


@cache
def _page_post_columns() -> tuple[ModelColumns, ModelColumns, ModelColumns]:
    """The post (without its source and search text), its author and the profile."""
    author = Post._meta.get_field("author").related_model
    return (
        ModelColumns(Post, leave_out=("body", "body_text")),
        ModelColumns(author),
        ModelColumns(AuthorProfile),
    )


@cache
def _published_post_sql() -> str:
    post, author, profile = _page_post_columns()
    user = author.model._meta
    selected = ", ".join(post.select("p") + author.select("u") + profile.select("a"))
    author_id = Post._meta.get_field("author").column
    profile_user = AuthorProfile._meta.get_field("user").column
    return (
        f"SELECT {selected} FROM {table(Post)} p"  # noqa: S608  # nosec B608
        f" JOIN {table(author.model)} u ON u.{user.pk.column} = p.{author_id}"
        f" LEFT JOIN {table(AuthorProfile)} a"
        f" ON a.{profile_user} = u.{user.pk.column}"
        " WHERE p.published_on = %s AND p.slug = %s"
        " AND p.status IN (%s, %s) AND p.published_at <= %s"
    )


@cache
def _terms_sql() -> str:
    through = Post.categories.through
    return (
        # Categories in their model's order (by name), then tags by name.
        "SELECT 0, c.name, c.slug"  # noqa: S608  # nosec B608
        f" FROM {table(Category)} c JOIN {table(through)} pc"
        " ON pc.category_id = c.id WHERE pc.post_id = %s"
        " UNION ALL SELECT 1, t.name, t.slug"
        f" FROM {table(Tag)} t JOIN {table(TaggedItem)} ti ON ti.tag_id = t.id"
        " WHERE ti.object_id = %s AND ti.content_type_id = %s"
        " ORDER BY 1, 2"
    )


@cache
def _links_sql() -> str:
    return (
        "SELECT ll.id, ll.heading, ll.lead_in, l.url, l.title, l.target_post_id,"  # noqa: S608  # nosec B608
        " t.title, t.slug, t.published_on"
        f" FROM {table(LinkList)} ll"
        f" JOIN {table(Link)} l ON l.link_list_id = ll.id"
        f" LEFT JOIN {table(Post)} t ON t.id = l.target_post_id"
        " WHERE ll.post_id = %s AND (l.target_post_id IS NULL"
        " OR (t.status IN (%s, %s) AND t.published_at <= %s))"
        " ORDER BY ll.position, ll.id, l.position, l.id"
    )


@cache
def _neighbours_sql() -> str:
    # Nearest first on each side; posts published at the same moment by id.
    side = (
        "SELECT {is_next}, title, slug, published_on FROM {table}"  # nosec B608
        " WHERE status IN (%s, %s) AND published_at <= %s"
        " AND (published_at {op} %s OR (published_at = %s AND id {op} %s))"
        " ORDER BY published_at {order}, id {order} LIMIT 1"
    )
    posts = table(Post)
    before = side.format(is_next=0, table=posts, op="<", order="DESC")
    after = side.format(is_next=1, table=posts, op=">", order="ASC")
    return f"SELECT * FROM ({before}) b UNION ALL SELECT * FROM ({after}) a"  # noqa: S608  # nosec B608
