"""Moderation in the admin, and who may do it."""

import json

import pytest

from comments.models import Comment
from tests.factories import AuthorFactory, CommentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


def act(client, action, comments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


@pytest.mark.parametrize(
    "action, status",
    [
        ("mark_approved", "approved"),
        ("mark_pending", "pending"),
        ("mark_spam", "spam"),
        ("mark_trash", "trash"),
    ],
)
def test_moderator_changes_status_in_bulk(client, moderator, post, action, status):
    comments = CommentFactory.create_batch(
        2, post=post, status="approved" if status != "approved" else "pending"
    )
    client.force_login(moderator)

    act(client, action, comments)

    assert set(Comment.objects.values_list("status", flat=True)) == {status}


def test_trashed_comment_can_be_restored(client, moderator, post):
    comment = CommentFactory(post=post, status="trash")
    client.force_login(moderator)

    act(client, "mark_pending", [comment])

    comment.refresh_from_db()
    assert comment.status == "pending"


def test_status_filter_shows_counts(client, moderator, post):
    CommentFactory.create_batch(2, post=post, pending=True)
    CommentFactory(post=post)
    client.force_login(moderator)

    page = client.get(CHANGELIST).content.decode()

    assert "Pending (2)" in page
    assert "Approved (1)" in page


@pytest.mark.parametrize("term", ["needle words", "finder@example.net", "203.0.113.7"])
def test_moderator_searches_by_text_email_and_ip(client, moderator, post, term):
    CommentFactory(
        post=post,
        body="some needle words here",
        author_email="finder@example.net",
        ip_address="203.0.113.7",
    )
    CommentFactory(
        post=post, body="other", author_email="x@example.net", ip_address="192.0.2.1"
    )
    client.force_login(moderator)

    response = client.get(CHANGELIST, {"q": term})

    assert response.context["cl"].result_count == 1


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_author_cannot_moderate(client, post):
    comment = CommentFactory(post=post, pending=True)
    client.force_login(AuthorFactory(username="writer"))

    assert client.get(CHANGELIST).status_code == 403
    act(client, "mark_approved", [comment])
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_moderator_cannot_edit_posts(client, moderator, post):
    client.force_login(moderator)

    assert client.get(f"/admin/blog/post/{post.pk}/change/").status_code == 403


def test_personal_data_export_lists_everything_for_one_email(client, moderator, post):
    CommentFactory(post=post, author_email="who@example.net", body="mine")
    CommentFactory(post=post, author_email="else@example.net", body="not mine")
    client.force_login(moderator)

    response = client.post(
        "/admin/comments/comment/personal-data/",
        {"email": "who@example.net", "export": "Export"},
    )

    data = json.loads(response.content)
    assert [c["text"] for c in data["comments"]] == ["mine"]


def test_personal_data_erase_anonymises_the_commenter(client, moderator, post):
    comment = CommentFactory(
        post=post,
        author_email="who@example.net",
        author_name="Who",
        ip_address="192.0.2.5",
    )
    client.force_login(moderator)

    client.post(
        "/admin/comments/comment/personal-data/",
        {"email": "who@example.net", "erase": "Erase"},
    )

    comment.refresh_from_db()
    assert (comment.author_name, comment.author_email, comment.ip_address) == (
        "Anonymous",
        "",
        None,
    )


def test_discussion_settings_are_edited_in_the_admin(client, moderator):
    client.force_login(moderator)

    response = client.get("/admin/comments/commentsettings/", follow=True)

    assert response.status_code == 200
    assert "Hold unless the commenter already has an approved comment" in (
        response.content.decode()
    )
