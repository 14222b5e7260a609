"""A conversation under the demo's long post: guests comment and reply, a moderator
approves in the admin, and new visitors see the thread (issue 4)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from blog.demo import LONG_READ_SLUG
from blog.models import Post
from comments.models import Comment, CommentSettings
from tests.browser.conftest import screenshot_dir
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


@pytest.fixture
def long_read(migrated_data):
    call_command("load_demo")
    CommentSettings.objects.update_or_create(
        pk=1,
        # Every browser here comes from 127.0.0.1, which the flood rule would
        # take for one commenter; avatars are drawn locally so no request
        # leaves the machine.
        defaults={"flood_seconds": 0, "external_avatars": False},
    )
    return Post.objects.get(slug=LONG_READ_SLUG)


@pytest.fixture
def moderator(migrated_data):
    return UserFactory(username="molly", staff=True, groups=["Moderator"])


def local_only(page) -> list[str]:
    """Refuse every request that would leave this machine; returns what was refused."""
    refused: list[str] = []

    def route(request_route):
        if urlsplit(request_route.request.url).hostname in LOCAL_HOSTS:
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    page.context.route("**/*", route)
    return refused


def leave_comment(page, *, text: str, name: str, email: str) -> None:
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Email").fill(email)
    form.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()


def approve_in_admin(page, comment: Comment) -> None:
    """The moderator's bulk action on the comments changelist."""
    page.goto("/admin/comments/comment/?status=pending")
    page.locator(f"input[name='_selected_action'][value='{comment.pk}']").check()
    page.locator("select[name='action']").select_option("mark_approved")
    page.locator("button[name='index']").click()
    page.wait_for_load_state()
    assert page.locator(".messagelist").inner_text().strip() == "1 comment(s) changed."


def test_guests_comment_and_reply_and_a_moderator_approves(
    new_page, long_read, moderator
):
    url = long_read.get_absolute_url()
    pages = []

    def fresh_visitor():
        visitor = new_page("desktop")
        pages.append((visitor, local_only(visitor)))
        return visitor

    # A guest leaves a comment; only they see it while it waits.
    grace = fresh_visitor()
    grace.goto(url)
    leave_comment(
        grace,
        text="Thank you for the sources, especially the second list.",
        name="Grace Guest",
        email="grace@example.net",
    )
    first = Comment.objects.get(post=long_read)
    assert first.status == Comment.Status.PENDING
    own = grace.locator(f"#comment-{first.pk}")
    assert own.is_visible()
    assert "Your comment is awaiting moderation." in own.inner_text()

    # The moderator logs in with a password and approves it in bulk.
    admin = fresh_visitor()
    admin.goto("/admin/login/?next=/admin/comments/comment/")
    admin.locator("#id_username").fill("molly")
    admin.locator("#id_password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.wait_for_url("**/admin/comments/comment/")
    approve_in_admin(admin, first)
    first.refresh_from_db()
    assert first.status == Comment.Status.APPROVED

    # A new visitor sees it under the count heading.
    reader = fresh_visitor()
    reader.goto(url)
    heading = reader.locator("h2.comments-title")
    assert heading.inner_text() == f"One thought on \u201c{long_read.title}\u201d"
    assert (
        "Thank you for the sources"
        in reader.locator(f"#comment-{first.pk}").inner_text()
    )

    # A second guest replies to it: the form moves under the comment.
    henry = fresh_visitor()
    henry.goto(url)
    henry.locator(f"#comment-{first.pk} .comment-reply-link").click()
    respond = henry.locator(f"#comment-{first.pk} #respond")
    assert respond.is_visible()
    assert henry.locator("#reply-title .reply-title-text").inner_text() == (
        "Reply to Grace Guest"
    )
    assert henry.locator("#commentform input[name='parent']").input_value() == str(
        first.pk
    )
    assert henry.locator("#cancel-comment-reply-link").is_visible()
    assert urlsplit(henry.url).path == url  # JavaScript did it, no reload
    leave_comment(
        henry,
        text="Agreed, and the third list deserves a post of its own.",
        name="Henry Reader",
        email="henry@example.org",
    )
    reply = Comment.objects.get(parent=first)
    assert (
        "Your comment is awaiting moderation."
        in henry.locator(f"#comment-{reply.pk}").inner_text()
    )

    approve_in_admin(admin, reply)

    # Everyone now sees the reply nested under the comment it answers.
    later = fresh_visitor()
    later.goto(url)
    assert later.locator("h2.comments-title").inner_text() == (
        f"2 thoughts on \u201c{long_read.title}\u201d"
    )
    nested = later.locator(f"#comment-{reply.pk}")
    assert "depth-2" in nested.get_attribute("class").split()
    assert (
        "depth-1"
        in later.locator(f"#comment-{first.pk}").get_attribute("class").split()
    )
    first_box = later.locator(f"#comment-{first.pk} .comment-body").bounding_box()
    reply_box = nested.locator(".comment-body").bounding_box()
    assert reply_box["x"] > first_box["x"]  # indented
    assert reply_box["y"] > first_box["y"]
    assert "Henry Reader" in nested.inner_text()

    later.locator("#comments").scroll_into_view_if_needed()
    later.locator("#comments").screenshot(
        path=str(screenshot_dir() / "comments-thread.png")
    )
    for visitor, refused in pages:
        assert visitor.errors == []
        assert refused == []
