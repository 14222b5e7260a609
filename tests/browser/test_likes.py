"""Liking and unliking the demo post in Chromium, with JavaScript on."""

import pytest
from django.core.management import call_command

from blog.models import Post
from likes.models import Like
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def demo_post(migrated_data):
    call_command("load_demo")
    return Post.objects.get(slug="the-long-read")


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_reader_likes_and_unlikes_without_a_reload(page, demo_post, save_screenshot):
    user = UserFactory(username="liker", email="liker@example.net")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    log_in(page, "liker")
    page.goto(demo_post.get_absolute_url() + "#likes")
    button = page.locator("#likes .like-button")
    assert button.get_attribute("aria-pressed") == "false"
    assert (
        page.locator("#likes .like-count").inner_text() == "Be the first to like this."
    )
    # The page must not reload: a marker set on window survives only without one.
    page.evaluate("window.__noReload = true")

    button.click()
    page.wait_for_selector("#likes .like-button[aria-pressed=true]")

    assert page.evaluate("window.__noReload") is True
    assert page.locator("#likes .like-count").inner_text() == "One blogger likes this."
    assert page.locator("#likes .likers img").count() == 1
    assert Like.objects.filter(post=demo_post, user=user).count() == 1
    save_screenshot(page, "likes-liked")

    page.locator("#likes .like-button").click()
    page.wait_for_selector("#likes .like-button[aria-pressed=false]")

    assert page.evaluate("window.__noReload") is True
    assert (
        page.locator("#likes .like-count").inner_text() == "Be the first to like this."
    )
    assert not Like.objects.filter(post=demo_post).exists()
    assert page.errors == []


def test_the_like_button_works_from_the_keyboard(page, demo_post):
    user = UserFactory(username="keys", email="keys@example.net")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    log_in(page, "keys")
    page.goto(demo_post.get_absolute_url())

    page.locator("#likes .like-button").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#likes .like-button[aria-pressed=true]")

    assert Like.objects.filter(post=demo_post, user=user).exists()
