"""What a comment POST decides with its hand-written queries (issue 9): the flood,
duplicate and "approved before" checks, and the page the redirect lands on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from comments import services
from comments.identity import guest_identity
from comments.models import Comment, CommentSettings, body_digest
from comments.views import OWN_COMMENTS_SESSION_KEY
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

GRACE = guest_identity(name="Grace Guest", email="grace@example.net")
OTHER = guest_identity(name="Otto Other", email="otto@example.net")


def discussion(**values) -> CommentSettings:
    settings_row = CommentSettings.load()
    for name, value in values.items():
        setattr(settings_row, name, value)
    settings_row.save()
    return settings_row


def submit(post, identity=GRACE, body="Words.", ip_address=None, **kwargs):
    return services.submit_comment(
        post=post, identity=identity, body=body, ip_address=ip_address, **kwargs
    )


def refusal(post, **kwargs) -> str | None:
    try:
        submit(post, **kwargs)
    except services.CommentRefused as refused:
        return refused.code
    return None


# --- Flood, duplicate, approved before -----------------------------------------


def test_flood_counts_the_commenter_without_an_address(post):
    discussion(flood_seconds=15)
    submit(post, body="First.")

    assert refusal(post, body="Second.") == "flood"
    assert refusal(post, identity=OTHER, body="Someone else.") is None


def test_flood_counts_the_address_for_another_commenter(post):
    discussion(flood_seconds=15)
    submit(post, body="First.", ip_address="198.51.100.4")

    assert refusal(post, identity=OTHER, body="Hi.", ip_address="198.51.100.4") == (
        "flood"
    )
    assert refusal(post, identity=OTHER, body="Hi.", ip_address="198.51.100.5") is (
        None
    )


def test_flood_looks_back_only_over_its_interval(post):
    discussion(flood_seconds=15)
    CommentFactory(
        post=post,
        author_email=GRACE.email,
        ip_address="198.51.100.4",
        created_at=timezone.now() - dt.timedelta(seconds=20),
    )

    assert refusal(post, body="Later.", ip_address="198.51.100.4") is None


def test_flood_off_lets_comments_follow_each_other(post):
    discussion(flood_seconds=0)
    submit(post, body="First.", ip_address="198.51.100.4")

    assert refusal(post, body="Second.", ip_address="198.51.100.4") is None


def test_duplicates_are_per_post_and_commenter_and_ignore_the_trash(post, author):
    from tests.factories import PostFactory

    discussion(flood_seconds=0)
    other_post = PostFactory(author=author)
    trashed = submit(post, body="Same words.")
    Comment.objects.filter(pk=trashed.pk).update(status=Comment.Status.TRASH)

    assert refusal(post, body="Same words.") is None  # the trashed one is gone
    assert refusal(post, body="Same words.") == "duplicate"
    assert refusal(other_post, body="Same words.") is None
    assert refusal(post, identity=OTHER, body="Same words.") is None


def test_a_duplicate_is_the_same_text_as_stored(post):
    """The text is compared as stored (stripped), and exactly: no other difference
    is forgiven."""
    discussion(flood_seconds=0)
    submit(post, body="Same words.")

    assert refusal(post, body="  Same words.\n") == "duplicate"
    assert refusal(post, body="Same words!") is None
    assert refusal(post, body="same words.") is None


def test_a_duplicate_is_found_among_many_comments_of_its_commenter(post):
    discussion(flood_seconds=0)
    Comment.objects.bulk_create(
        CommentFactory.build(
            post=post, body=f"Comment {n}.", author_email=GRACE.email, pending=True
        )
        for n in range(50)
    )

    assert refusal(post, body="Comment 37.") == "duplicate"
    assert refusal(post, body="Comment 50.") is None


def test_the_same_digest_with_other_words_is_no_duplicate(post):
    """The digest only finds candidates; the body decides (a hash collision)."""
    discussion(flood_seconds=0)
    stored = submit(post, body="Stored words.")
    Comment.objects.filter(pk=stored.pk).update(body_digest=body_digest("New words."))

    assert refusal(post, body="New words.") is None


def test_a_flood_is_reported_before_a_duplicate(post):
    discussion(flood_seconds=15)
    submit(post, body="Same words.")

    assert refusal(post, body="Same words.") == "flood"


@pytest.mark.parametrize(
    ("earlier", "status"),
    [
        (None, Comment.Status.PENDING),
        (Comment.Status.PENDING, Comment.Status.PENDING),
        (Comment.Status.SPAM, Comment.Status.PENDING),
        (Comment.Status.APPROVED, Comment.Status.APPROVED),
    ],
)
def test_only_an_approved_comment_lets_the_next_one_through(post, earlier, status):
    discussion(flood_seconds=0)
    if earlier:
        CommentFactory(author_email=GRACE.email, status=earlier)  # on another post

    assert submit(post).status == status


def test_the_settings_passed_in_are_the_ones_used(post):
    stored = discussion(flood_seconds=0, hold_mode=CommentSettings.Hold.ALWAYS)
    CommentFactory(author_email=GRACE.email)
    stored.hold_mode = CommentSettings.Hold.UNLESS_APPROVED  # not saved

    assert submit(post, discussion=stored).status == Comment.Status.APPROVED
    assert submit(post, body="Again.").status == Comment.Status.PENDING


def _landing(response) -> str:
    assert response.status_code == 302
    return response["Location"]


def test_a_new_comment_lands_on_the_page_of_its_thread(post, post_comment):
    discussion(per_page=2, flood_seconds=0)
    CommentFactory(post=post, author_email="grace@example.net")  # approved before
    first, _second, third = (
        CommentFactory(post=post, created_at=timezone.now() - dt.timedelta(hours=n))
        for n in (3, 2, 1)
    )

    top_level = _landing(post_comment(post, comment="A new thread."))
    reply = _landing(post_comment(post, comment="A reply.", parent=first.pk))
    late_reply = _landing(post_comment(post, comment="Another.", parent=third.pk))

    url = post.get_absolute_url()
    new = Comment.objects.get(body="A new thread.")
    assert top_level == f"{url}?cpage=3#comment-{new.pk}"
    assert reply == f"{url}#comment-{Comment.objects.get(body='A reply.').pk}"
    late = Comment.objects.get(body="Another.")
    assert late_reply == f"{url}?cpage=2#comment-{late.pk}"


def test_a_held_comment_lands_where_its_author_sees_it(post, post_comment, client):
    discussion(per_page=1, flood_seconds=0)
    CommentFactory(post=post)
    earlier_own = CommentFactory(post=post, pending=True)
    session = client.session
    session[OWN_COMMENTS_SESSION_KEY] = [earlier_own.pk]
    session.save()

    landing = _landing(post_comment(post, comment="Held for now."))

    held = Comment.objects.get(body="Held for now.")
    assert held.status == Comment.Status.PENDING
    # Page 1: the approved one; page 2: the earlier held one; page 3: this one.
    assert landing == f"{post.get_absolute_url()}?cpage=3#comment-{held.pk}"
    assert client.session[OWN_COMMENTS_SESSION_KEY] == [earlier_own.pk, held.pk]


def test_with_every_comment_on_one_page_there_is_no_page_number(post, post_comment):
    discussion(per_page=0, flood_seconds=0)
    for _ in range(3):
        CommentFactory(post=post)

    landing = _landing(post_comment(post))

    new = Comment.objects.get(body="What a thoughtful post.")
    assert landing == f"{post.get_absolute_url()}#comment-{new.pk}"


def test_a_refused_post_keeps_the_post_page_for_the_form(post, post_comment):
    discussion(flood_seconds=15)
    post_comment(post)

    landing = _landing(post_comment(post, comment="Too soon.", client=Client()))

    assert landing == f"{post.get_absolute_url()}#respond"
