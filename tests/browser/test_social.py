"""Commenting with a Twitter identity in a real browser (issue 5).

A fake OAuth2 server on 127.0.0.1 plays X: allauth's Twitter adapter is pointed at it
(the live server runs in this process), so Chromium does the whole round trip, the
"Connecting to Twitter" status included, and never talks to any other machine.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter
from playwright.sync_api import expect

from comments.models import Comment
from config.env import social_providers
from config.security import DEFAULT_POLICY
from tests.browser.fake_oauth import FakeOAuth2Server
from tests.factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
CLIENT_ID = "browser-test-client"
CLIENT_SECRET = "browser-test-secret"  # noqa: S105 - a fake server's fake secret


@pytest.fixture
def fake_x(settings, monkeypatch):
    """X, played by a local server, configured as the environment would do it."""
    server = FakeOAuth2Server(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        profile={},
    ).start()
    server.profile = {
        "id": "1480000000000000001",
        "name": "Ada Lovelace",
        "username": "ada_l",
        "profile_image_url": f"{server.url}/avatar.png",
        "verified": False,
    }
    monkeypatch.setattr(
        TwitterOAuth2Adapter, "authorize_url", f"{server.url}/authorize"
    )
    monkeypatch.setattr(TwitterOAuth2Adapter, "access_token_url", f"{server.url}/token")
    monkeypatch.setattr(TwitterOAuth2Adapter, "profile_url", f"{server.url}/2/users/me")
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(
        {"TWITTER_CLIENT_ID": CLIENT_ID, "TWITTER_CLIENT_SECRET": CLIENT_SECRET}
    )
    # Real avatars are https: (allowed); this one is plain http on loopback.
    settings.COLOPHON_CSP = {
        **DEFAULT_POLICY,
        "img-src": [*DEFAULT_POLICY["img-src"], server.url],
    }
    yield server
    server.stop()


@pytest.fixture
def post(migrated_data):
    post = PostFactory(title="Harbour strike: what the sources say")
    CommentFactory(post=post, author_name="Pat Parent", author_email="")
    return post


def csp_violations(page) -> list[str]:
    """Console reports of anything the Content-Security-Policy blocked."""
    seen: list[str] = []

    def keep(message):
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", keep)
    return seen


RECORD_STATUS_ON_LEAVING = """() => {
  const status = document.querySelector(".connecting-status");
  window.addEventListener("pagehide", () => {
    const shown = status && !status.hidden && status.offsetParent !== null;
    sessionStorage.setItem("status-when-leaving", shown ? status.textContent : "");
  });
}"""


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


def test_comment_with_a_twitter_identity_then_log_out(
    page, post, fake_x, save_screenshot
):
    refused = local_only(page)
    blocked = csp_violations(page)
    page.goto(post.get_absolute_url())
    respond = page.locator("#respond")
    text = "Typed before logging in with Twitter: the second source is paywalled."
    respond.get_by_role("textbox", name="Comment").fill(text)

    # What the reader sees while the browser is away at the network: the page's
    # status line as the page is left, kept in this tab's sessionStorage.
    page.evaluate(RECORD_STATUS_ON_LEAVING)
    respond.get_by_role("button", name="Log in with Twitter").click()

    expect(page.locator(".logged-in-as")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('status-when-leaving')") == (
        "Connecting to Twitter\u2026"
    )
    assert urlsplit(page.url).path == post.get_absolute_url()
    assert urlsplit(page.url).fragment == "respond"
    identity = page.locator(".logged-in-as")
    assert "You are commenting using your Twitter account." in identity.inner_text()
    assert "Ada Lovelace" in identity.inner_text()
    avatar = identity.locator("img.avatar")
    assert avatar.get_attribute("src") == f"{fake_x.url}/avatar.png"
    assert avatar.evaluate("img => img.complete && img.naturalWidth > 0")
    assert respond.get_by_role("textbox", name="Comment").input_value() == text
    assert respond.get_by_role("textbox", name="Email").count() == 0
    save_screenshot(page, "social-identity")

    respond.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()

    comment = Comment.objects.get(body=text)
    assert (comment.identity_kind, comment.network_uid, comment.author_name) == (
        "twitter",
        "1480000000000000001",
        "Ada Lovelace",
    )
    assert comment.author_url == "https://x.com/ada_l"
    mine = page.locator(f"#comment-{comment.pk}")
    expect(mine).to_contain_text("Your comment is awaiting moderation.")

    page.locator("#respond").get_by_role("button", name="Log Out").click()

    guest = page.locator("#respond")
    expect(guest.get_by_role("textbox", name="Name")).to_be_visible()
    expect(guest.get_by_role("textbox", name="Email")).to_be_visible()
    assert page.locator(".logged-in-as").count() == 0
    expect(
        page.locator("#respond").get_by_role("button", name="Log in with Twitter")
    ).to_be_visible()

    paths = fake_x.paths()
    assert paths[:3] == ["/authorize", "/token", "/2/users/me"]
    assert set(paths[3:]) == {"/avatar.png"}  # the browser fetched the picture
    authorize = fake_x.calls[0][2]
    assert authorize["client_id"] == CLIENT_ID
    assert authorize["code_challenge_method"] == "S256"
    assert urlsplit(authorize["redirect_uri"]).path == (
        "/accounts/twitter_oauth2/login/callback/"
    )
    assert refused == []
    assert blocked == []
    assert page.errors == []


def test_a_reply_begun_before_logging_in_is_still_a_reply(page, post, fake_x):
    parent = Comment.objects.get(post=post)
    refused = local_only(page)
    page.goto(post.get_absolute_url())
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    respond = page.locator(f"#comment-{parent.pk} #respond")
    respond.get_by_role("textbox", name="Comment").fill("Which source, exactly?")

    respond.get_by_role("button", name="Log in with Twitter").click()

    # Back on the page, the form is under the comment being answered again.
    moved = page.locator(f"#comment-{parent.pk} #respond")
    expect(moved.locator(".logged-in-as")).to_be_visible()
    assert moved.locator(".reply-title-text").inner_text() == "Reply to Pat Parent"
    assert moved.locator("input[name='parent']").input_value() == str(parent.pk)
    assert moved.get_by_role("textbox", name="Comment").input_value() == (
        "Which source, exactly?"
    )
    moved.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()

    reply = Comment.objects.get(body="Which source, exactly?")
    assert (reply.parent, reply.identity_kind) == (parent, "twitter")
    expect(page.locator(f"#comment-{reply.pk}")).to_have_class(re.compile("depth-2"))
    assert refused == []
    assert page.errors == []


def test_the_log_in_page_wears_the_site_look(page, migrated_data, save_screenshot):
    blocked = csp_violations(page)

    page.goto("/accounts/login/")

    assert page.locator("header.site-header").is_visible()
    assert page.get_by_role("heading", name="Sign In", level=1).is_visible()
    assert page.get_by_role("textbox", name="Login").is_visible()
    submit = page.get_by_role("button", name="Sign In")
    assert "btn-primary" in submit.get_attribute("class")
    column = page.locator("#main").bounding_box()
    assert column["width"] <= 38 * 16 + 1  # accounts.css: one readable column
    assert blocked == []
    assert page.errors == []
    save_screenshot(page, "account-login")
