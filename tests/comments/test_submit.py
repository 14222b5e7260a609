"""Leaving a reply as a guest or local user, through HTTP."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from comments.forms import security_token
from comments.models import Comment, CommentSettings
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_guest_comment_lands_on_its_permalink(post, post_comment):
    response = post_comment(post)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_first_guest_comment_is_held_and_shown_only_to_its_author(
    post, post_comment, client
):
    post_comment(post, comment="My first words here.")

    own_view = client.get(post.get_absolute_url())
    stranger_view = Client().get(post.get_absolute_url())

    assert Comment.objects.get().status == Comment.Status.PENDING
    assert "Your comment is awaiting moderation." in own_view.content.decode()
    assert "My first words here." in own_view.content.decode()
    assert "My first words here." not in stranger_view.content.decode()


def test_commenter_with_an_approved_comment_is_published_at_once(post, post_comment):
    CommentFactory(post=post, author_email="grace@example.net")

    post_comment(post, comment="Second time round.")

    assert Comment.objects.get(body="Second time round.").status == "approved"


def test_missing_email_keeps_the_typed_text_and_says_why(post, post_comment):
    response = post_comment(
        post, email="", comment="Words I do not want to lose.", follow=True
    )

    page = response.content.decode()
    assert Comment.objects.count() == 0
    assert "Words I do not want to lose." in page
    assert "Please fill in your email address." in page


def test_invalid_email_is_refused_next_to_the_field(post, post_comment):
    response = post_comment(post, email="not-an-address", follow=True)

    assert "Please enter a valid email address." in response.content.decode()
    assert Comment.objects.count() == 0


def test_empty_comment_is_refused(post, post_comment):
    response = post_comment(post, comment="   ", follow=True)

    assert "Please type your comment." in response.content.decode()


def test_comment_on_closed_post_is_refused_and_text_kept(author, post_comment):
    post = PostFactory(author=author, comments_open=False)

    response = post_comment(post, comment="Too late?", follow=True)

    assert Comment.objects.count() == 0
    assert "Comments are closed." in response.content.decode()


def test_comment_on_unpublished_post_is_not_found(author, post_comment):
    draft = PostFactory(author=author, draft=True)

    assert post_comment(draft).status_code == 404


def test_comments_close_on_old_posts_when_configured(author, post_comment):
    CommentSettings.objects.update_or_create(pk=1, defaults={"close_after_days": 14})
    old = PostFactory(
        author=author, published_at=timezone.now() - dt.timedelta(days=30)
    )

    post_comment(old)

    assert Comment.objects.count() == 0


def test_flood_protection_refuses_a_second_comment_within_15_seconds(
    post, post_comment
):
    post_comment(post, comment="One.")
    response = post_comment(post, comment="Two.", follow=True)

    assert Comment.objects.count() == 1
    assert "too quickly" in response.content.decode()


def test_duplicate_comment_is_refused_with_wordpress_wording(post, post_comment):
    CommentSettings.objects.update_or_create(pk=1, defaults={"flood_seconds": 0})
    post_comment(post, comment="Same words.")
    response = post_comment(post, comment="Same words.", follow=True)

    assert Comment.objects.count() == 1
    assert "Duplicate comment detected" in response.content.decode()


def test_honeypot_filled_in_is_refused(post, post_comment):
    post_comment(post, homepage="http://bot.example")

    assert Comment.objects.count() == 0


def test_tampered_security_token_is_refused(post, post_comment):
    other = PostFactory(author=post.author)

    response = post_comment(post, security=security_token(other.pk), follow=True)

    assert Comment.objects.count() == 0
    assert "tampered" in response.content.decode()


def test_comment_longer_than_the_maximum_is_refused(post, post_comment):
    CommentSettings.objects.update_or_create(pk=1, defaults={"max_length": 20})

    post_comment(post, comment="x" * 21)

    assert Comment.objects.count() == 0


def test_remember_me_sets_a_cookie_only_when_ticked(post, post_comment, client):
    not_ticked = post_comment(post, comment="No cookie please.")
    assert (
        "colophon_commenter" not in not_ticked.cookies
        or not not_ticked.cookies["colophon_commenter"].value
    )

    CommentSettings.objects.update_or_create(pk=1, defaults={"flood_seconds": 0})
    ticked = post_comment(post, comment="Remember me.", remember="on")
    assert ticked.cookies["colophon_commenter"].value

    page = client.get(post.get_absolute_url()).content.decode()
    assert 'value="Grace Guest"' in page


def test_logged_in_user_comments_with_their_account(post, client, comment_data):
    user = UserFactory(username="lena", email="lena@example.com")
    client.force_login(user)

    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your" in page
    assert 'name="email"' not in page

    data = comment_data(post, name=None, email=None)
    client.post(f"/comments/post/{post.pk}/", data, HTTP_USER_AGENT="tests")
    comment = Comment.objects.get()
    assert (comment.identity_kind, comment.user, comment.author_email) == (
        "local",
        user,
        "lena@example.com",
    )


def test_reply_is_stored_under_its_parent(post, post_comment):
    parent = CommentFactory(post=post)

    post_comment(post, parent=str(parent.pk))

    assert Comment.objects.get(parent=parent).post == post


def test_reply_to_a_held_comment_is_refused(post, post_comment):
    held = CommentFactory(post=post, pending=True)

    post_comment(post, parent=str(held.pk))

    assert not Comment.objects.filter(parent=held).exists()


def test_urls_in_comments_become_ugc_links_and_markup_is_escaped(post):
    comment = CommentFactory(
        post=post, body="See https://example.org/x <script>alert(1)</script>\n\nBye"
    )

    assert 'rel="nofollow ugc noopener"' in comment.body_html
    assert "<script>" not in comment.body_html
    assert "&lt;script&gt;" in comment.body_html
    assert comment.body_html.count("<p>") == 2
