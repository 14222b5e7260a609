"""Every form is protected by CSRF, and no `next`-like parameter leads off the site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.adapters import AccountAdapter
from comments.models import Subscription
from comments.signing import moderation_token
from comments.views import safe_next
from tests.factories import CommentFactory, UserFactory
from tests.security.conftest import comment_form

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"

EVIL_NEXT = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "////evil.example",
    "https://evil.example",
    "http://evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    " //evil.example",
    "\t//evil.example",
    "\n//evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "%5C%5Cevil.example",
    "//evil.example%2F@testserver",
    "//testserver@evil.example",
    "https://testserver.evil.example/",
    "https://evil.example\\@testserver/",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "//%65vil.example",
    "/\t/evil.example",
    "//evil。example",
    "ftp://evil.example/",
]


def stays_on_site(location: str) -> bool:
    """Whether a redirect target is on this site (as a browser would read it)."""
    cleaned = location.replace("\\", "/").strip()
    for char in "\t\n\r":
        cleaned = cleaned.replace(char, "")
    parts = urlsplit(cleaned)
    if parts.scheme not in ("", "http", "https"):
        return False
    return parts.netloc in ("", "testserver") and not cleaned.startswith("//")


# --- CSRF --------------------------------------------------------------------


@pytest.fixture
def csrf_targets(published, writer):
    """(name, path, data, log-in as) for every POST endpoint."""
    moderator = UserFactory(username="mod", is_staff=True, superuser=True)
    comment = CommentFactory(post=published, pending=True)
    subscription = Subscription.objects.create(post=published, email="s@example.net")
    token = moderation_token(
        comment_id=comment.pk, action="approve", moderator_id=moderator.pk
    )
    reader = UserFactory(username="reader")
    return [
        (
            "comment",
            reverse("comments:submit", args=[published.pk]),
            comment_form(published),
            None,
        ),
        (
            "connect local",
            reverse("comments:connect", args=[published.pk, "local"]),
            comment_form(published),
            None,
        ),
        (
            "connect twitter",
            reverse("comments:connect", args=[published.pk, "twitter_oauth2"]),
            comment_form(published),
            None,
        ),
        ("like", reverse("likes:like", args=[published.pk]), {}, reader),
        ("moderate", reverse("comments:moderate", args=[token]), {}, None),
        (
            "confirm follow-ups",
            reverse("comments:confirm_subscription", args=[subscription.token]),
            {},
            None,
        ),
        (
            "stop follow-ups",
            reverse("comments:unsubscribe", args=[subscription.token]),
            {},
            None,
        ),
        (
            "profile",
            reverse("accounts:profile"),
            {"display_name": "x", "bio": "", "website": ""},
            writer,
        ),
        (
            "log in",
            reverse("account_login"),
            {"login": "reader", "password": PASSWORD},
            None,
        ),
        ("log out", reverse("account_logout"), {}, reader),
        (
            "sign up",
            reverse("account_signup"),
            {
                "email": "n@example.net",
                "username": "n",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            None,
        ),
        (
            "password reset",
            reverse("account_reset_password"),
            {"email": "reader@example.com"},
            None,
        ),
        (
            "twitter log-in",
            reverse("twitter_oauth2_login"),
            {"process": "login"},
            None,
        ),
        ("facebook token log-in", reverse("facebook_login_by_token"), {}, None),
        ("admin log-in", "/admin/login/", {"username": "mod", "password": "x"}, None),
        (
            "admin action",
            "/admin/comments/comment/",
            {"action": "mark_approved", "_selected_action": [comment.pk]},
            moderator,
        ),
        (
            "admin change",
            f"/admin/blog/post/{published.pk}/change/",
            {"title": "Hijacked"},
            moderator,
        ),
        ("admin log-out", "/admin/logout/", {}, moderator),
    ]


def test_every_post_endpoint_refuses_a_request_without_a_csrf_token(
    csrf_targets, no_rate_limits
):
    for name, path, data, user in csrf_targets:
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)

        response = client.post(path, data)

        assert response.status_code == 403, name
        assert "The form could not be sent" in response.content.decode(), name


def test_the_same_posts_with_a_token_are_not_refused_for_csrf(
    csrf_targets, no_rate_limits, published
):
    """The 403s above come from the missing token, not from the requests."""
    for name, path, data, user in csrf_targets:
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        client.get(published.get_absolute_url())
        token = client.cookies["csrftoken"].value

        response = client.post(path, {**data, "csrfmiddlewaretoken": token})

        assert "The form could not be sent" not in response.content.decode(), name


def test_a_token_from_another_session_is_refused(published):
    other = Client(enforce_csrf_checks=True)
    other.get(published.get_absolute_url())
    stolen = other.cookies["csrftoken"].value
    victim = Client(enforce_csrf_checks=True)

    response = victim.post(
        reverse("comments:submit", args=[published.pk]),
        {**comment_form(published), "csrfmiddlewaretoken": stolen},
    )

    assert response.status_code == 403


# --- Open redirects ----------------------------------------------------------


@pytest.fixture
def reader():
    user = UserFactory(username="reader", email="reader@example.com")
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_log_in_never_follows_an_outside_next(reader, target):
    client = Client()

    response = client.post(
        f"{reverse('account_login')}?next={target}",
        {"login": "reader", "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_log_out_never_follows_an_outside_next(reader, target):
    client = Client()
    client.force_login(reader)

    response = client.post(
        f"{reverse('account_logout')}?next={target}", {"next": target}
    )

    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_admin_log_in_never_follows_an_outside_next(target):
    UserFactory(username="root", superuser=True)
    client = Client()

    response = client.post(
        f"/admin/login/?next={target}",
        {"username": "root", "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_next_checks_refuse_every_outside_address(rf, target):
    request = rf.get("/", {"next": target})
    adapter = AccountAdapter(request)

    # Percent-encoded slashes are a path on this site: safe as they are.
    assert not adapter.is_safe_url(target) or stays_on_site(target)
    assert stays_on_site(safe_next(request, "/fallback/"))


@pytest.mark.parametrize("target", ["/", "/2024/01/02/a-post/#respond", "/?s=x"])
def test_next_checks_accept_addresses_on_this_site(rf, target):
    request = rf.get("/", {"next": target})

    assert AccountAdapter(request).is_safe_url(target)
    assert safe_next(request, "/fallback/") == target


def test_likes_and_comment_returns_come_back_to_the_post(published, reader):
    client = Client()
    evil = {"next": "//evil.example", "return": "//evil.example"}

    chose = client.get(reverse("likes:choose", args=[published.pk]), evil)
    liked = client.post(reverse("likes:like", args=[published.pk]), evil)
    client.force_login(reader)
    done = client.get(reverse("likes:complete", args=[published.pk]), evil)
    connect = client.post(
        reverse("comments:connect", args=[published.pk, "local"]),
        {**comment_form(published), **evil},
    )

    assert chose.status_code == 200
    for response in (liked, done, connect):
        assert response.status_code == 302
        assert stays_on_site(response["Location"]), response["Location"]
    assert done["Location"] == f"{published.get_absolute_url()}#likes"
