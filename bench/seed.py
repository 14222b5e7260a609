"""The benchmark's content: the demo blog, plus two long reads with long discussions.

Both long posts are laid out like the reference page (blog.demo's builders: lead-in,
lists of 8, 57 and 63 links, author box); the first gets 200 approved threaded
comments, the second 1,000 (paged by the discussion settings' per_page). Keyed on
slugs, so seeding an already seeded database adds nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from blog import demo
from blog.models import Category, Post
from comments.identity import Kind, guest_identity
from comments.models import Comment, CommentSettings, render_comment_text
from likes.models import Like

SEED = 9
SECOND_LONG_READ_SLUG = "the-week-after"
SECOND_LONG_READ = dataclasses.replace(
    demo.LONG_READ,
    title="The week after: a mediator, the ferries and the night buses – and what next",
)
# Threads on the page: the 200 comments fit on one page of 50 threads; the 1,000
# need five pages, the first of which is measured.
SHORT_DISCUSSION = (200, 40)
LONG_DISCUSSION = (1000, 240)
LIKES_PER_POST = 14
MAX_DEPTH = 5
# Guest submissions during the bench come from this address (never approved, so
# their comments are held and the pages readers see do not change).
BENCH_GUEST_EMAIL = "bench-guest@example.com"

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Chiara",
    "Dmitri",
    "Esther",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Katya",
    "Liam",
    "Marta",
    "Nikolai",
    "Olga",
    "Pavel",
    "Rosa",
    "Sven",
    "Tomás",
    "Ulla",
]
LAST_NAMES = [
    "Andersen",
    "Baker",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
]
SENTENCES = [
    "Thank you for putting all the documents in one place.",
    "I live on the east bank and the power was out for nineteen hours, not twelve.",
    "The union's letter from July is worth reading in full; the link is in the post.",
    "I am not sure the substation and the strike are as connected as you suggest.",
    "Who exactly decided to make the pilot shift system permanent?",
    "The night bus cut is the part nobody talks about, and it will hurt the most.",
    "Good piece, but the vote was 27 to 22, not 26 to 23 as the Herald said.",
    "My father worked the harbour for thirty years; he says this has happened before.",
    "Is there a recording of the council session anywhere?",
    "The ministry's press release contradicts its own figures from last month.",
    "I would add the ferry operator's statement to the reading list.",
    "Correction: the maintenance report was published in October, not September.",
    "This is the first explanation of the budget that I actually understood.",
    "Two days' notice for shift changes is not much to ask for.",
    "The mediator was appointed on Friday, so we will know more next week.",
    "Not everyone on the east bank blames the council; some blame the operator.",
    "Спасибо за подробный разбор, особенно за ссылки на документы.",
    "Голосование в шесть утра — это само по себе ответ на все вопросы.",
    "Where can I find the full text of the emergency budget? See "
    "https://www.example.org/documents/budget for the draft.",
    "I disagree with the conclusion, but the sources are all here, which I respect.",
]


@dataclass(frozen=True)
class SeededPost:
    pk: int
    url: str
    comments: int
    threads: int


@dataclass(frozen=True)
class Seeded:
    reference: SeededPost  # 200 comments
    long_discussion: SeededPost  # 1,000 comments
    other_urls: list[str]
    per_page: int


def seed() -> Seeded:
    """Load what is missing and return where the measured pages are."""
    demo.load_demo()
    with transaction.atomic():
        discussion, _created = CommentSettings.objects.get_or_create(pk=1)
        # Guest submissions all come from 127.0.0.1: no flood refusal in the bench.
        discussion.flood_seconds = 0
        discussion.save()
        reference = Post.objects.get(slug=demo.LONG_READ_SLUG)
        second = _second_long_read()
        for post, (count, threads) in (
            (reference, SHORT_DISCUSSION),
            (second, LONG_DISCUSSION),
        ):
            if not post.comments.exists():
                _discussion(post, count=count, threads=threads)
            if not post.likes.exists():
                _likes(post)
    others = (
        Post.objects.published()
        .exclude(pk__in=[reference.pk, second.pk])
        .order_by("-published_at")[:6]
    )
    return Seeded(
        reference=_seeded(reference),
        long_discussion=_seeded(second),
        other_urls=[post.get_absolute_url() for post in others],
        per_page=discussion.per_page,
    )


def _seeded(post: Post) -> SeededPost:
    comments = list(post.comments.approved().values_list("parent_id", flat=True))
    return SeededPost(
        pk=post.pk,
        url=post.get_absolute_url(),
        comments=len(comments),
        threads=sum(1 for parent in comments if parent is None),
    )


def _second_long_read() -> Post:
    """A second post laid out like the reference page, a day older."""
    existing = Post.objects.filter(slug=SECOND_LONG_READ_SLUG).first()
    if existing is not None:
        return existing
    authors = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in=[spec["username"] for spec in demo.AUTHORS]
        )
    }
    categories = {category.slug: category for category in Category.objects.all()}
    earlier = {post.slug: post for post in Post.objects.all()}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    post = demo._post(
        SECOND_LONG_READ,
        authors,
        categories,
        now - dt.timedelta(days=1, hours=8),
        demo.DemoReport(),
        slug=SECOND_LONG_READ_SLUG,
        body=demo.LONG_READ_BODY,
    )
    demo._long_read_links(post, [earlier[spec.slug] for spec in demo.POSTS])
    return post


def _commenter(rng: random.Random) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{first} {last}"
    handle = f"{first}{last}".lower().encode("ascii", "ignore").decode()
    roll = rng.random()
    if roll < 0.7:
        identity = guest_identity(
            name=name,
            email=f"{handle}@example.com",
            url=f"https://{handle}.example.net/" if rng.random() < 0.3 else "",
        )
        return {
            "identity_kind": identity.kind,
            "identity_key": identity.key,
            "author_name": identity.name,
            "author_email": identity.email,
            "author_url": identity.url,
        }
    kind = Kind.TWITTER if roll < 0.85 else Kind.FACEBOOK
    uid = str(rng.randint(10**8, 10**9))
    host = "x.example.com" if kind == Kind.TWITTER else "facebook.example.com"
    return {
        "identity_kind": kind,
        "identity_key": f"{kind}:{uid}",
        "author_name": name,
        "author_url": f"https://{host}/{handle}",
        "avatar_url": f"https://{host}/avatars/{uid}.jpg",
        "network_uid": uid,
    }


def _body(rng: random.Random) -> str:
    sentences = rng.sample(SENTENCES, rng.randint(1, 4))
    if len(sentences) > 2 and rng.random() < 0.4:
        return " ".join(sentences[:2]) + "\n\n" + " ".join(sentences[2:])
    return " ".join(sentences)


def _discussion(post: Post, *, count: int, threads: int) -> None:
    """`count` approved comments in `threads` threads, nested up to MAX_DEPTH."""
    rng = random.Random(f"{SEED}:{post.slug}")
    tops = {0, *rng.sample(range(1, count), threads - 1)}
    depth: list[int] = []
    parent_of: list[int | None] = []
    for index in range(count):
        if index in tops:
            parent = None
        else:
            # Replies go to recent comments, as in a live discussion.
            candidates = [
                i for i in range(max(0, index - 12), index) if depth[i] < MAX_DEPTH
            ]
            parent = rng.choice(candidates) if candidates else None
        parent_of.append(parent)
        depth.append(1 if parent is None else depth[parent] + 1)

    start = post.published_at + dt.timedelta(minutes=30)
    span = max(dt.timedelta(hours=1), timezone.now() - start)
    comments = []
    for index in range(count):
        body = _body(rng)
        comments.append(
            Comment(
                post=post,
                body=body,
                body_html=render_comment_text(body),
                status=Comment.Status.APPROVED,
                created_at=start + span * (index / count),
                ip_address=f"192.0.2.{rng.randint(1, 254)}",
                user_agent="Mozilla/5.0 (bench seed)",
                **_commenter(rng),
            )
        )
    # Parents first, so each level's rows have ids before their replies point at them.
    for level in range(1, MAX_DEPTH + 1):
        batch = [c for i, c in enumerate(comments) if depth[i] == level]
        for index, comment in enumerate(comments):
            if depth[index] == level and parent_of[index] is not None:
                comment.parent = comments[parent_of[index]]
        Comment.objects.bulk_create(batch, batch_size=500)


def _likes(post: Post) -> None:
    rng = random.Random(f"{SEED}:likes:{post.slug}")
    likes = []
    for number in range(LIKES_PER_POST):
        kind = Kind.TWITTER if number % 2 else Kind.FACEBOOK
        uid = str(rng.randint(10**8, 10**9))
        likes.append(
            Like(
                post=post,
                identity_kind=kind,
                identity_key=f"{kind}:{uid}",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                profile_url=f"https://{kind}.example.com/{uid}",
                avatar_url=f"https://{kind}.example.com/avatars/{uid}.jpg",
            )
        )
    Like.objects.bulk_create(likes)
