"""Hostile input in every field a reader (or an author) fills in, through HTTP.

For each payload of tests/security/payloads.py: the site never answers 500, what it
stores is shown as text (no script, no event handler, no script URL, no style in the
page), and a comment it refuses comes back with a clear error and the typed text.
"""

from __future__ import annotations

import html
import re
from xml.dom import minidom  # noqa: S408 - our own feeds

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from blog.models import Post
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.security.payloads import ALL, SHORT, assert_inert, payload_id

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("no_rate_limits", "open_discussion"),
]

ERROR_CLASSES = ("alert-danger", "invalid-feedback")
_COMMENT_BOX = re.compile(
    r'<textarea name="comment"[^>]*>\n?(?P<text>.*?)</textarea>', re.DOTALL
)


def _is_valid_url(value: str) -> bool:
    try:
        forms.URLField(assume_scheme="https", max_length=500).clean(value)
    except forms.ValidationError:
        return False
    return True


def storable(payload: str) -> str:
    """A payload as a database can hold it: PostgreSQL refuses NUL characters (and
    every form refuses them before that)."""
    return payload.replace("\x00", "")


def comment_box(page: str) -> str:
    match = _COMMENT_BOX.search(page)
    assert match, "the page has no comment box"
    return html.unescape(match.group("text"))


def normalised(text: str) -> str:
    # A browser sends line breaks as CRLF; forms read them back as LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_round_trip(client, post, response, typed: str) -> str:
    """After a comment POST: back on the post, stored and inert, or refused with an
    error and the typed text kept."""
    assert response.status_code == 302, response.status_code
    page = assert_inert(client.get(response["Location"]))
    stored = Comment.objects.filter(post=post).order_by("-pk").first()
    if stored is not None and normalised(stored.body) == normalised(typed).strip():
        # Held comments are shown to their writer; spam to nobody.
        shown = stored.status in (Comment.Status.APPROVED, Comment.Status.PENDING)
        assert (f'id="comment-{stored.pk}"' in page) == shown
        assert_inert(stored.body_html)
    else:
        assert any(name in page for name in ERROR_CLASSES), "no error is shown"
        assert normalised(comment_box(page)) == normalised(typed)
    return page


@pytest.mark.parametrize("payload", ALL, ids=payload_id)
def test_hostile_comment_text_and_name(published, send_comment, payload):
    client = Client()
    response = send_comment(client, published, comment=payload, name=payload)

    check_round_trip(client, published, response, payload)


@pytest.mark.parametrize("payload", SHORT, ids=payload_id)
def test_hostile_email_and_website(published, send_comment, payload):
    client = Client()
    typed = "Checking the email and website fields."
    response = send_comment(
        client, published, comment=typed, email=payload, url=payload
    )

    page = check_round_trip(client, published, response, typed)

    assert not Comment.objects.exists()
    assert "Please enter a valid email address." in page


# Hostile addresses the URL field accepts (quotes, angle brackets, Unicode): they
# are stored, so they are shown, in a link.
ACCEPTED_URLS = [p for p in SHORT if _is_valid_url(p)]


@pytest.mark.parametrize("payload", ACCEPTED_URLS, ids=payload_id)
def test_hostile_but_valid_website_is_an_inert_link(published, send_comment, payload):
    client = Client()
    response = send_comment(client, published, comment="See my site.", url=payload)

    check_round_trip(client, published, response, "See my site.")

    assert Comment.objects.get().author_url.startswith(("http://", "https://"))


@pytest.mark.parametrize("payload", SHORT, ids=payload_id)
def test_hostile_reply_and_page_parameters(published, send_comment, payload):
    client = Client()
    CommentFactory(post=published)

    response = send_comment(client, published, parent=payload)
    assert response.status_code == 302
    # The form comes back (kept draft) under hostile page and reply numbers.
    page = client.get(
        published.get_absolute_url(), {"cpage": payload, "replytocom": payload}
    )
    assert_inert(page)
    assert page.status_code == 200


@pytest.mark.parametrize("payload", SHORT, ids=payload_id)
def test_hostile_like_action(published, payload):
    client = Client()
    client.force_login(UserFactory(username="liker"))
    url = reverse("likes:like", args=[published.pk])

    redirected = client.post(url, {"action": payload})
    scripted = client.post(url, {"action": payload}, HTTP_ACCEPT="application/json")

    assert redirected.status_code == 302
    assert scripted.status_code == 200
    assert_inert(scripted.json()["html"])


@pytest.mark.parametrize("payload", ALL, ids=payload_id)
def test_hostile_search(published, payload):
    response = Client().get("/", {"s": payload})

    page = assert_inert(response)
    assert response.status_code == 200
    assert "Search results for" in page


def test_stored_hostile_comments_are_shown_as_text(published, open_discussion):
    """What an import, the admin or an old bug could have stored, shown to everyone:
    every payload in the body, name, website and avatar of an approved comment."""
    open_discussion.per_page = 0
    open_discussion.save()
    comments = [
        CommentFactory(
            post=published,
            body=payload,
            author_name=payload[:200],
            author_url=payload[:500],
            avatar_url=payload[:1000],
        )
        for payload in map(storable, ALL)
    ]

    page = assert_inert(Client().get(published.get_absolute_url()))

    for comment in comments:
        assert f'id="comment-{comment.pk}"' in page
    assert f"{len(ALL)} thoughts on" in page


def test_feeds_survive_every_stored_payload(published):
    """Feeds are XML: characters XML cannot carry are dropped, never a 500."""
    for start in range(0, len(ALL), 20):
        chunk = [storable(payload) for payload in ALL[start : start + 20]]
        for payload in chunk:
            CommentFactory(post=published, body=payload, author_name=payload[:200])
            PostFactory(author=published.author, body=payload, title=payload[:300])
        for feed in (
            "/feed/",
            "/feed/atom/",
            "/comments/feed/",
            f"{published.get_absolute_url()}feed/",
        ):
            response = Client().get(feed)
            assert response.status_code == 200, (feed, chunk)
            minidom.parseString(response.content)  # noqa: S318 - our own feed


@pytest.mark.parametrize("payload", ALL, ids=payload_id)
def test_hostile_profile_bio_and_website(published, payload):
    author = published.author
    client = Client()
    client.force_login(author)

    response = client.post(
        reverse("accounts:profile"),
        {"display_name": payload, "bio": payload, "website": payload},
    )

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "invalid-feedback" in assert_inert(response)
    assert_inert(Client().get(published.get_absolute_url()))


def test_hostile_author_names_on_archive_pages(published):
    profile = published.author.profile
    client = Client()
    for payload in map(storable, SHORT):
        profile.display_name = payload[:150]
        profile.bio = payload
        profile.save()
        url = reverse("blog:author", kwargs={"username": published.author.username})
        assert_inert(client.get(url))


@pytest.mark.parametrize("payload", ALL, ids=payload_id)
def test_hostile_post_body_title_and_image_description(writer, payload):
    payload = storable(payload)
    for body_format in Post.BodyFormat:
        post = PostFactory(
            author=writer,
            body=payload,
            body_format=body_format,
            title=payload[:300],
            featured_image_alt=payload[:300],
        )

        assert_inert(post.body_html)
        assert_inert(Client().get(post.get_absolute_url()))


def test_hostile_excerpts_on_lists_and_in_the_sitemap(writer):
    for payload in map(storable, ALL):
        PostFactory(author=writer, title=payload[:300], excerpt=payload)
    client = Client()
    for page in range(1, len(ALL) // 10 + 2):
        assert_inert(client.get("/", {"page": page}))
    assert client.get("/sitemap.xml").status_code == 200
