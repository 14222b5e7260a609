"""Large data sets for the scale tests, written with bulk_create in seconds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from accounts.models import AuthorProfile, User
from blog.models import Category, Post
from comments.models import Comment
from likes.models import Like


@dataclass(frozen=True)
class Size:
    posts: int
    comments: int
    likes: int
    hours_apart: int = 3


# "small" still has a second page of each list (50 posts, 50 comments, 100 likes).
SIZES = {
    "small": Size(posts=60, comments=120, likes=120),
    "large": Size(posts=10_000, comments=100_000, likes=20_000),
}
WRITERS = 20
CATEGORIES = 30
TAGS = 50
BATCH = 2_000


def seeded_post(n: int, writer: User, published_at: dt.datetime) -> Post:
    """Mostly published posts, one in twenty a draft and one a scheduled post."""
    if n % 20 == 0:
        status, published_at = Post.Status.DRAFT, None
    elif n % 20 == 1:
        status = Post.Status.SCHEDULED
        published_at = timezone.now() + dt.timedelta(days=n % 30)
    else:
        status = Post.Status.PUBLISHED
    body = f"Seeded words about topic {n}."
    return Post(
        title=f"Seeded post {n}",
        slug=f"seeded-post-{n}",
        author=writer,
        body=body,
        body_html=f"<p>{body}</p>",
        body_text=body,
        status=status,
        published_at=published_at,
        published_on=timezone.localdate(published_at) if published_at else None,
        sticky=n % 1000 == 7,
    )


def seed(size: Size) -> None:
    """Writers, categories, tags, posts and their comments and likes, in bulk."""
    now = timezone.now()
    writers = User.objects.bulk_create(
        User(
            username=f"writer{n}",
            email=f"writer{n}@example.com",
            password="!",
            is_staff=True,
        )
        for n in range(WRITERS)
    )
    AuthorProfile.objects.bulk_create(
        AuthorProfile(user=writer, display_name=f"Writer {n}")
        for n, writer in enumerate(writers)
    )
    categories = Category.objects.bulk_create(
        Category(name=f"Topic {n}", slug=f"topic-{n}") for n in range(CATEGORIES)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=f"tag {n}", slug=f"tag-{n}") for n in range(TAGS)
    )
    posts = Post.objects.bulk_create(
        (
            seeded_post(
                n, writers[n % WRITERS], now - dt.timedelta(hours=size.hours_apart * n)
            )
            for n in range(size.posts)
        ),
        batch_size=BATCH,
    )
    Post.categories.through.objects.bulk_create(
        (
            Post.categories.through(post_id=post.pk, category_id=categories[k].pk)
            for n, post in enumerate(posts)
            for k in {n % CATEGORIES, n * 7 % CATEGORIES}
        ),
        batch_size=BATCH,
    )
    post_type = ContentType.objects.get_for_model(Post)
    TaggedItem.objects.bulk_create(
        (
            TaggedItem(content_type=post_type, object_id=post.pk, tag=tags[k])
            for n, post in enumerate(posts)
            for k in {n % TAGS, n * 3 % TAGS}
        ),
        batch_size=BATCH,
    )
    published = [post for post in posts if post.status == Post.Status.PUBLISHED]
    statuses = [Comment.Status.APPROVED] * 16 + [
        Comment.Status.PENDING,
        Comment.Status.PENDING,
        Comment.Status.SPAM,
        Comment.Status.TRASH,
    ]
    Comment.objects.bulk_create(
        (
            Comment(
                post=published[n % len(published)],
                body=f"Comment {n} with some thoughts.",
                body_html=f"<p>Comment {n} with some thoughts.</p>",
                status=statuses[n % len(statuses)],
                created_at=published[n % len(published)].published_at
                + dt.timedelta(minutes=n // len(published) + 1),
                author_name=f"Reader {n % 5000}",
                author_email=f"reader{n % 5000}@example.net",
                identity_kind="guest",
                identity_key=f"guest:{n % 5000}",
                ip_address=f"192.0.2.{n % 250 + 1}",
            )
            for n in range(size.comments)
        ),
        batch_size=BATCH,
    )
    Like.objects.bulk_create(
        (
            Like(
                post=published[n % len(published)],
                identity_key=f"local:{n}",
                identity_kind="local",
                name=f"Liker {n}",
            )
            for n in range(size.likes)
        ),
        batch_size=BATCH,
    )
