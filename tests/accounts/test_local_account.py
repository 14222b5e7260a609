"""A local account of this site: sign up, confirm, log in, comment, log out, reset."""

from __future__ import annotations

import re

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings

from comments.forms import security_token
from comments.models import Comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def link_in(message, pattern: str) -> str:
    match = re.search(
        rf"https?://testserver(/accounts/{pattern}/[^\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def verified_user(**kwargs):
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def log_in(client, login, password=PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"login": login, "password": password, **extra}
    )


def test_sign_up_confirm_log_in_comment_and_log_out(client, post, mailoutbox):
    site_name = django_settings.COLOPHON_SITE_NAME

    signed_up = client.post(
        "/accounts/signup/",
        {
            "email": "nora@example.org",
            "username": "nora",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert signed_up.status_code == 302
    assert signed_up["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert [message.to for message in mailoutbox] == [["nora@example.org"]]
    assert mailoutbox[0].subject.startswith(f"[{site_name}] ")
    assert f"Hello from {site_name}!" in mailoutbox[0].body
    confirm_url = link_in(mailoutbox[0], "confirm-email")

    assert "Confirm" in client.get(confirm_url).content.decode()
    confirmed = client.post(confirm_url)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="nora@example.org").verified

    logged_in = log_in(client, "nora", next=f"{post.get_absolute_url()}#respond")

    assert logged_in["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert f"You are commenting using your {site_name} account." in page
    assert 'name="email"' not in page

    client.post(
        f"/comments/post/{post.pk}/",
        {"comment": "As a member.", "security": security_token(post.pk)},
        HTTP_USER_AGENT="tests",
    )
    comment = Comment.objects.get()
    assert (comment.identity_kind, comment.user.username, comment.author_name) == (
        "local",
        "nora",
        "nora",
    )

    logged_out = client.post(
        "/accounts/logout/", {"next": f"{post.get_absolute_url()}#respond"}
    )

    assert logged_out["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using" not in page
    assert 'name="email"' in page


def test_an_unconfirmed_address_cannot_log_in_yet(client, mailoutbox):
    UserFactory(username="newbie", email="newbie@example.org")

    response = log_in(client, "newbie")

    assert "_auth_user_id" not in client.session
    assert response["Location"] == "/accounts/confirm-email/"
    assert mailoutbox[-1].to == ["newbie@example.org"]


def test_the_local_icon_keeps_the_draft_through_the_log_in_page(client, post):
    verified_user(username="lena", email="lena@example.com")

    sent = client.post(
        f"/comments/post/{post.pk}/connect/local/",
        {"comment": "Half a thought.", "security": security_token(post.pk)},
    )

    assert sent.status_code == 302
    assert sent["Location"].startswith("/accounts/login/?next=")
    login_page = client.get(sent["Location"]).content.decode()
    assert "Sign In" in login_page
    assert "site-header" in login_page

    back = log_in(client, "lena", next=f"{post.get_absolute_url()}#respond")

    assert back["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your" in page
    assert "Half a thought.</textarea>" in page


def test_password_reset_mail_sets_a_new_password(client, mailoutbox):
    verified_user(username="forgetful", email="forgetful@example.org")

    client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})

    assert [message.to for message in mailoutbox] == [["forgetful@example.org"]]
    reset_url = link_in(mailoutbox[0], "password/reset/key")
    form_page = client.get(reset_url, follow=True)
    form_url = (
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url
    )
    changed = client.post(
        form_url,
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
    )
    assert changed.status_code == 302

    assert "_auth_user_id" not in client.session
    log_in(client, "forgetful", "a brand new passphrase")
    assert "_auth_user_id" in client.session


def test_password_reset_for_an_unknown_address_reveals_nothing(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    # allauth tells the address that it has no account here, and nobody else.
    assert [message.to for message in mailoutbox] in ([], [["nobody@example.org"]])


def failed_logins_allowed() -> int:
    """allauth's configured limit of failed log-ins per account ("5/300s/key")."""
    rule = account_settings.RATE_LIMITS["login_failed"]
    per_key = next(part for part in rule.split(",") if part.endswith("/key"))
    return int(per_key.split("/")[0])


def test_log_in_is_refused_after_too_many_failures(client):
    verified_user(username="target", email="target@example.org")
    allowed = failed_logins_allowed()

    for _attempt in range(allowed):
        assert log_in(client, "target", "wrong password").status_code == 200
    refused = log_in(client, "target")

    assert refused.status_code == 200
    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "https:evil.example"]
)
def test_log_in_never_returns_to_another_site(client, target):
    verified_user(username="lena", email="lena@example.com")

    response = log_in(client, "lena", next=target)

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == django_settings.LOGIN_REDIRECT_URL


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_log_out_never_returns_to_another_site(client, target):
    user = verified_user(username="lena", email="lena@example.com")
    client.force_login(user)

    response = client.post("/accounts/logout/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_log_out_by_get_asks_first(client):
    user = verified_user(username="lena", email="lena@example.com")
    client.force_login(user)

    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert "Are you sure you want to sign out?" in response.content.decode()
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
    ],
)
def test_account_pages_wear_the_site_frame(client, url):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert "bootstrap.min.css" in html
    assert f"&middot; {django_settings.COLOPHON_SITE_NAME}</title>" in html
    assert "<h1 class=" in html
    if "<form" in html.split("</header>", 1)[1]:
        assert 'class="allauth-form' in html
        assert "btn btn-primary" in html
