"""The "Leave a Reply" form as the post page shows it."""

import re

import pytest
from django.core import signing
from django.test import Client

from comments.forms import SECURITY_SALT
from comments.models import Comment, CommentSettings
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def form_fields(html: str) -> dict[str, str]:
    """The named inputs of the comment form with their values."""
    form = re.search(r'<form[^>]*id="commentform".*?</form>', html, re.DOTALL)
    assert form, "the page has no comment form"
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def security_payload(post) -> dict:
    html = Client().get(post.get_absolute_url()).content.decode()
    return signing.loads(form_fields(html)["security"], salt=SECURITY_SALT)


def test_each_post_page_carries_a_security_token_for_its_own_post(author):
    first = PostFactory(author=author, title="First")
    second = PostFactory(author=author, title="Second")

    assert security_payload(first)["p"] == first.pk
    assert security_payload(second)["p"] == second.pk


def test_a_guest_posts_with_the_form_exactly_as_the_page_shows_it(post):
    client = Client()
    page = client.get(post.get_absolute_url()).content.decode()
    fields = form_fields(page)
    fields.update(
        comment="Typed into the form the page showed.",
        name="Ines",
        email="ines@example.com",
    )
    fields.pop("remember")
    fields.pop("notify")

    response = client.post(f"/comments/post/{post.pk}/", fields)

    assert response.status_code == 302
    assert "#comment-" in response["Location"]
    assert Comment.objects.get(post=post).body == "Typed into the form the page showed."


def test_the_length_limit_in_the_discussion_settings_reaches_the_form(post):
    Client().get(post.get_absolute_url())  # the form as drawn under the default
    discussion = CommentSettings.load()
    discussion.max_length = 500
    discussion.save()

    page = Client().get(post.get_absolute_url()).content.decode()

    assert 'maxlength="500"' in page
    assert 'maxlength="65525"' not in page


def test_a_reply_link_fills_in_the_parent_of_the_form(post):
    parent = CommentFactory(post=post, author_name="Rosa")

    page = Client().get(f"{post.get_absolute_url()}?replytocom={parent.pk}")

    assert form_fields(page.content.decode())["parent"] == str(parent.pk)
    assert "Reply to Rosa" in page.content.decode()
