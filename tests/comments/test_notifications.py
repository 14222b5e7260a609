"""Mail about comments: moderators, authors, follow-up subscribers."""

import re

import pytest
from django.core import signing

from comments.models import Comment, Subscription
from comments.signing import moderation_token
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def links_in(message):
    return re.findall(r"http://\S+", message.body)


def test_held_comment_mails_moderators_with_three_signed_links(
    post, post_comment, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(post)

    to_moderator = [m for m in mailoutbox if m.to == ["mod@example.com"]]
    assert len(to_moderator) == 1
    assert (
        len([u for u in links_in(to_moderator[0]) if "/comments/moderate/" in u]) == 3
    )


def test_moderation_link_asks_before_it_acts(client, post, moderator):
    comment = CommentFactory(post=post, pending=True)
    token = moderation_token(
        comment_id=comment.pk, action="approve", moderator_id=moderator.pk
    )

    response = client.get(f"/comments/moderate/{token}/")

    assert response.status_code == 200
    assert "Approve this comment" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "action, status", [("approve", "approved"), ("spam", "spam"), ("trash", "trash")]
)
def test_confirmed_moderation_link_changes_the_status(
    client, post, moderator, action, status
):
    comment = CommentFactory(post=post, pending=True)
    token = moderation_token(
        comment_id=comment.pk, action=action, moderator_id=moderator.pk
    )

    client.post(f"/comments/moderate/{token}/")

    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (status, moderator)


def test_forged_moderation_link_is_refused(client, post, moderator):
    comment = CommentFactory(post=post, pending=True)
    forged = signing.dumps(
        {"c": comment.pk, "a": "approve", "m": moderator.pk}, salt="another-salt"
    )

    response = client.post(f"/comments/moderate/{forged}/")

    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_expired_moderation_link_is_refused(client, post, moderator, monkeypatch):
    comment = CommentFactory(post=post, pending=True)
    token = moderation_token(
        comment_id=comment.pk, action="approve", moderator_id=moderator.pk
    )
    monkeypatch.setattr("comments.signing.MAX_AGE", -1)

    response = client.post(f"/comments/moderate/{token}/")

    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_link_of_a_user_who_lost_moderator_rights_is_refused(client, post, moderator):
    comment = CommentFactory(post=post, pending=True)
    token = moderation_token(
        comment_id=comment.pk, action="approve", moderator_id=moderator.pk
    )
    moderator.groups.clear()

    assert client.post(f"/comments/moderate/{token}/").status_code == 400


def test_approval_mails_the_post_author(
    client, post, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, pending=True)
    token = moderation_token(
        comment_id=comment.pk, action="approve", moderator_id=moderator.pk
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/comments/moderate/{token}/")

    assert [m.to for m in mailoutbox] == [[post.author.email]]
    assert f"#comment-{comment.pk}" in mailoutbox[0].body


def test_follow_up_needs_confirmation_then_mails_and_unsubscribes(
    client, post, post_comment, mailoutbox, django_capture_on_commit_callbacks
):
    CommentFactory(post=post, author_email="grace@example.net")  # known commenter
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(post, notify="on", comment="Tell me more.")
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    confirm = [m for m in mailoutbox if "Confirm" in m.subject]
    assert len(confirm) == 1

    client.post(f"/comments/follow/{subscription.token}/confirm/")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        other = CommentFactory(post=post, pending=True, author_email="zed@example.net")
        from comments.services import set_comment_status

        set_comment_status(comments=[other], status="approved", by=None)
    follow_ups = [m for m in mailoutbox if m.to == ["grace@example.net"]]
    assert len(follow_ups) == 1
    assert f"/comments/follow/{subscription.token}/stop/" in follow_ups[0].body

    client.post(f"/comments/follow/{subscription.token}/stop/")
    assert not Subscription.objects.exists()


def test_unconfirmed_subscriber_gets_no_follow_ups(
    post, mailoutbox, django_capture_on_commit_callbacks
):
    Subscription.objects.create(post=post, email="lurker@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        other = CommentFactory(post=post, pending=True)
        from comments.services import set_comment_status

        set_comment_status(comments=[other], status="approved", by=None)

    assert not [m for m in mailoutbox if m.to == ["lurker@example.net"]]
