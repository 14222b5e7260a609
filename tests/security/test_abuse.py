"""Abuse through HTTP: floods, duplicates, bots, request rates and oversized bodies."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from comments.forms import security_token
from comments.models import Comment, CommentSettings
from config import ratelimit
from likes.models import Like
from tests.conftest import image_bytes
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def reader_page(client, post) -> str:
    return client.get(post.get_absolute_url()).content.decode()


def comment_box_keeps(page: str, text: str) -> bool:
    return f">\n{text}</textarea>" in page


# --- Comment rules (exist; tested through HTTP) ------------------------------


def test_a_second_comment_within_the_flood_interval_is_refused_and_kept(
    published, send_comment, no_rate_limits
):
    discussion = CommentSettings.load()
    assert discussion.flood_seconds == 15
    client = Client()
    first = send_comment(client, published, comment="First thoughts.")
    second = send_comment(client, published, comment="Second, too soon.")

    page = client.get(second["Location"]).content.decode()

    assert first.status_code == second.status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == ["First thoughts."]
    assert "You are posting comments too quickly. Slow down." in page
    assert comment_box_keeps(page, "Second, too soon.")


def test_the_flood_rule_also_holds_for_another_name_from_the_same_address(
    published, send_comment, no_rate_limits
):
    send_comment(Client(), published, comment="One.", email="one@example.net")
    client = Client()
    response = send_comment(client, published, comment="Two.", email="two@example.net")

    assert Comment.objects.count() == 1
    assert "too quickly" in client.get(response["Location"]).content.decode()


def test_a_duplicate_comment_is_refused_and_kept(
    published, send_comment, open_discussion, no_rate_limits
):
    client = Client()
    send_comment(client, published, comment="Exactly the same words.")
    response = send_comment(client, published, comment="Exactly the same words.")

    page = client.get(response["Location"]).content.decode()

    assert Comment.objects.count() == 1
    assert "Duplicate comment detected" in page
    assert comment_box_keeps(page, "Exactly the same words.")


def test_the_honeypot_refuses_a_bot_and_stores_nothing(published, send_comment):
    client = Client()
    response = send_comment(
        client, published, comment="Buy now!", homepage="https://spam.example/"
    )

    page = client.get(response["Location"]).content.decode()

    assert Comment.objects.count() == 0
    # A person whose browser filled the hidden field gets the text back.
    assert comment_box_keeps(page, "Buy now!")


def test_a_mistake_can_be_corrected_and_the_comment_sent(published, send_comment):
    client = Client()
    response = send_comment(
        client, published, comment="Worth correcting.", email="not-an-address"
    )
    page = client.get(response["Location"]).content.decode()
    token = re.search(r'name="security" value="([^"]+)"', page)

    assert "Please enter a valid email address." in page
    assert "tampered" not in page
    assert token, "the form shown again has no security token"
    resent = send_comment(
        client, published, comment="Worth correcting.", security=token[1]
    )
    assert resent.status_code == 302
    assert Comment.objects.get().body == "Worth correcting."


def stale_token(post) -> str:
    """A token signed three days ago (forms live two)."""
    from unittest import mock

    three_days_ago = time.time() - 3 * 86400
    with mock.patch("django.core.signing.time.time", return_value=three_days_ago):
        return security_token(post.pk, now=three_days_ago)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "The form was tampered with."),
        ("forged.signature", "The form was tampered with."),
        (lambda post: security_token(post.pk + 1), "The form was tampered with."),
        (lambda post: stale_token(post), "This form has expired."),
    ],
)
def test_a_tampered_or_stale_form_is_refused_and_kept(
    published, send_comment, token, message
):
    client = Client()
    security = token(published) if callable(token) else token
    response = send_comment(
        client, published, comment="Words worth keeping.", security=security
    )

    page = client.get(response["Location"]).content.decode()

    assert Comment.objects.count() == 0
    assert message in page
    assert comment_box_keeps(page, "Words worth keeping.")


# --- Our rate limits ---------------------------------------------------------


def test_comment_posts_are_limited_per_address_and_the_text_is_kept(
    settings, published, send_comment, open_discussion
):
    settings.COLOPHON_RATE_LIMITS = {"comment": "10/m"}
    client = Client()
    answers = [
        send_comment(client, published, comment=f"Comment number {n}.").status_code
        for n in range(10)
    ]

    limited = send_comment(client, published, comment="The eleventh, kept.")
    page = client.get(published.get_absolute_url()).content.decode()
    elsewhere = send_comment(
        Client(REMOTE_ADDR="198.51.100.7"), published, comment="Another reader."
    )

    assert answers == [302] * 10
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert "You are posting comments too quickly" in limited.content.decode()
    assert f'href="{published.get_absolute_url()}#respond"' in limited.content.decode()
    assert comment_box_keeps(page, "The eleventh, kept.")
    assert elsewhere.status_code == 302
    assert Comment.objects.count() == 11


def test_the_limit_counts_in_windows(settings, monkeypatch, published, send_comment):
    settings.COLOPHON_RATE_LIMITS = {"comment": "2/m"}
    clock = [1_000_020.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    client = Client()

    first_window = [send_comment(client, published).status_code for _ in range(3)]
    clock[0] += 60
    next_window = send_comment(client, published).status_code

    assert first_window[-1] == 429
    assert next_window == 302


def test_likes_are_limited_per_identity(settings, published):
    settings.COLOPHON_RATE_LIMITS = {"like": "30/m"}
    fan, other = UserFactory(username="fan"), UserFactory(username="other")
    client, other_client = Client(), Client()
    client.force_login(fan)
    other_client.force_login(other)
    url = reverse("likes:like", args=[published.pk])
    json = {"HTTP_ACCEPT": "application/json"}

    answers = [
        client.post(url, {"action": "like" if n % 2 else "unlike"}, **json).status_code
        for n in range(30)
    ]
    limited = client.post(url, {"action": "like"}, **json)
    limited_page = client.post(url, {"action": "like"})
    others = other_client.post(url, {"action": "like"}, **json)

    assert answers == [200] * 30
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert limited_page.status_code == 429
    assert "Slow down" in limited_page.content.decode()
    assert others.status_code == 200
    assert Like.objects.filter(post=published).count() == 2


def test_a_cache_outage_lets_requests_through(settings, monkeypatch, published):
    settings.COLOPHON_RATE_LIMITS = {"comment": "1/m"}

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit.cache, "add", down)

    verdicts = [ratelimit.hit("comment", "ip:1", ratelimit.Rate(1, 60)) for _ in "ab"]

    assert all(verdict.allowed for verdict in verdicts)


def test_rates_are_read_as_written():
    assert ratelimit.Rate.parse("10/m") == ratelimit.Rate(10, 60)
    assert ratelimit.Rate.parse("20/5m") == ratelimit.Rate(20, 300)
    assert ratelimit.Rate.parse("3/h") == ratelimit.Rate(3, 3600)
    assert ratelimit.Rate.parse("0") is None
    assert ratelimit.Rate.parse("") is None
    with pytest.raises(ValueError, match="not a rate"):
        ratelimit.Rate.parse("ten per minute")


def test_the_limit_ignores_a_forged_forwarded_address(
    settings, published, send_comment
):
    settings.COLOPHON_RATE_LIMITS = {"comment": "1/m"}
    client = Client()
    send_comment(client, published)

    forged = client.post(
        reverse("comments:submit", args=[published.pk]),
        {"comment": "x"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )

    assert forged.status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "reader"),
    [
        ("192.0.2.1", "", [], "192.0.2.1"),
        # A header from a client that is not a trusted proxy is ignored.
        ("192.0.2.1", "203.0.113.5", [], "192.0.2.1"),
        ("192.0.2.1", "203.0.113.5", ["10.0.0.0/8"], "192.0.2.1"),
        # One proxy (nginx sets the header to the address it saw).
        ("10.0.0.2", "203.0.113.5", ["10.0.0.0/8"], "203.0.113.5"),
        # The client may write its own header first: only the proxy's entry counts.
        ("10.0.0.2", "198.51.100.66, 203.0.113.5", ["10.0.0.2"], "203.0.113.5"),
        # Two proxies in a row.
        ("10.0.0.2", "203.0.113.5, 10.0.0.9", ["10.0.0.0/8"], "203.0.113.5"),
        ("10.0.0.2", "garbage", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
    ],
)
def test_the_reader_s_address_behind_trusted_proxies(
    settings, rf, remote, forwarded, trusted, reader
):
    settings.COLOPHON_TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert ratelimit.client_address(request) == reader


def test_behind_a_trusted_proxy_readers_are_limited_one_by_one(
    settings, published, send_comment, open_discussion
):
    settings.COLOPHON_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.COLOPHON_RATE_LIMITS = {"comment": "1/m"}

    def via_proxy(reader):
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=reader)

    first = send_comment(via_proxy("203.0.113.5"), published, comment="One.")
    second = send_comment(via_proxy("203.0.113.6"), published, comment="Two.")
    again = send_comment(via_proxy("203.0.113.5"), published, comment="Three.")

    assert (first.status_code, second.status_code, again.status_code) == (
        302,
        302,
        429,
    )
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.5",
        "203.0.113.6",
    }


# --- allauth's limits --------------------------------------------------------


@pytest.fixture
def account():
    user = UserFactory(username="reader", email="reader@example.com")
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def test_five_failed_log_ins_lock_the_account_name_out(account):
    client = Client()
    url = reverse("account_login")
    failures = [
        client.post(url, {"login": "reader", "password": "wrong"}) for _ in range(5)
    ]

    locked = client.post(url, {"login": "reader", "password": PASSWORD})
    elsewhere = Client(REMOTE_ADDR="198.51.100.8").post(
        url, {"login": "reader", "password": PASSWORD}
    )

    assert all(r.status_code == 200 for r in failures)
    assert "The username and/or password you specified are not correct." in (
        failures[0].content.decode()
    )
    assert locked.status_code == 200
    assert "Too many failed login attempts. Try again later." in (
        locked.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # The lock is on the account name, from any address.
    assert "Too many failed login attempts." in elsewhere.content.decode()


def test_sign_ups_are_limited_per_address():
    client = Client()
    url = reverse("account_signup")
    answers = [
        client.post(
            url,
            {
                "email": f"new{n}@example.net",
                "username": f"new{n}",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        ).status_code
        for n in range(20)
    ]
    client.logout()

    limited = client.post(url, {"email": "x@example.net", "username": "x"})

    assert 429 not in answers
    assert limited.status_code == 429
    assert "Slow down" in limited.content.decode()


def test_password_reset_requests_are_limited_per_address_typed(account, mailoutbox):
    url = reverse("account_reset_password")
    client = Client()
    answers = [
        client.post(url, {"email": "reader@example.com"}).status_code for _ in range(6)
    ]

    assert answers[:5] == [302] * 5
    assert answers[5] == 429
    assert len(mailoutbox) == 5


def test_the_rate_limit_settings_are_spelled_out(settings):
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    assert settings.ACCOUNT_RATE_LIMITS["login"] == "30/m/ip"
    assert settings.ACCOUNT_RATE_LIMITS["signup"] == "20/m/ip"
    assert settings.COLOPHON_RATE_LIMITS == {"comment": "10/m", "like": "30/m"}


# --- Oversized requests ------------------------------------------------------


def test_a_3_mb_comment_is_refused_early_with_a_clear_page(published):
    body = "x" * (3 * 1024 * 1024)
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("comments:submit", args=[published.pk]),
        {"comment": body, "name": "Big", "email": "big@example.net"},
    )

    assert response.status_code == 413
    assert "That was too much to send" in response.content.decode()
    assert Comment.objects.count() == 0


def test_form_data_over_django_s_limit_inside_an_upload_is_a_413(published, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.COLOPHON_MAX_UPLOAD_BYTES = 50_000

    response = Client().post(
        reverse("comments:submit", args=[published.pk]),
        {"comment": "y" * 20_000, "file": SimpleUploadedFile("a.txt", b"a")},
    )

    assert response.status_code == 413
    assert Comment.objects.count() == 0


def test_too_many_form_fields_is_a_413(published):
    data = {f"field{n}": "x" for n in range(1100)}

    response = Client().post(reverse("comments:submit", args=[published.pk]), data)

    assert response.status_code == 413


def test_an_image_over_the_limit_is_a_form_error(settings, writer):
    settings.COLOPHON_MAX_IMAGE_BYTES = 50_000
    settings.COLOPHON_MAX_UPLOAD_BYTES = 50_000
    client = Client()
    client.force_login(writer)
    big = image_bytes(size=(64, 48)) + b"\0" * 60_000

    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Writer",
            "bio": "",
            "website": "",
            "avatar": SimpleUploadedFile("big.png", big, "image/png"),
        },
    )

    assert response.status_code == 200
    assert "The image is too large" in response.content.decode()


def test_an_upload_far_over_the_limit_is_refused_unread(settings, writer):
    settings.COLOPHON_MAX_UPLOAD_BYTES = 50_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client()
    client.force_login(writer)

    response = client.post(
        reverse("accounts:profile"),
        {"avatar": SimpleUploadedFile("huge.png", b"\0" * 200_000, "image/png")},
    )

    assert response.status_code == 413
    assert "That was too much to send" in response.content.decode()


def test_an_approved_commenter_cannot_flood_past_the_interval(
    published, send_comment, no_rate_limits
):
    CommentFactory(post=published, author_email="grace@example.net")
    client = Client()
    answers = [
        send_comment(client, published, comment=f"Auto-approved {n}.") for n in range(5)
    ]

    assert all(a.status_code == 302 for a in answers)
    assert Comment.objects.filter(body__startswith="Auto-approved").count() == 1
