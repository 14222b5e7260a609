"""Security headers on every HTML answer, and templates the policy never blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter
from django.conf import settings
from django.test import Client
from django.urls import reverse

from config.security import policy_for
from tests.factories import CategoryFactory, CommentFactory, PostFactory, UserFactory
from tests.security.payloads import assert_inert

pytestmark = pytest.mark.django_db

REQUIRED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "https:", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_strict_policy(response):
    policy = directives(response["Content-Security-Policy"])
    for name, sources in REQUIRED.items():
        assert policy[name] == sources, name
    assert policy["form-action"][0] == "'self'"
    # Besides this site, forms may only lead to the networks' log-in pages.
    for source in policy["form-action"][1:]:
        assert re.fullmatch(
            r"https://(\*\.|www\.)?(x|twitter|facebook)\.com", source
        ), source
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.fixture
def pages(author):
    post = PostFactory(author=author, title="Headers everywhere")
    CommentFactory(post=post)
    category = CategoryFactory(slug="news")
    post.categories.add(category)
    return {
        "home": "/",
        "post": post.get_absolute_url(),
        "archive": f"/{post.published_on:%Y}/{post.published_on:%m}/",
        "category": category.get_absolute_url(),
        "author": reverse("blog:author", kwargs={"username": author.username}),
        "search": "/?s=headers",
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "likes choose": reverse("likes:choose", args=[post.pk]),
        "not found": "/no/such/page/",
        "admin login": "/admin/login/",
    }


def test_every_html_page_has_the_strict_policy_and_the_other_headers(pages):
    client = Client()
    for name, url in pages.items():
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), name
        assert_strict_policy(response)
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


ADMIN_OWN_MARKUP = [
    "<svg> element",
    "<a href='javascript://'>",
    "<a href='javascript:void(0)'>",
]


def test_pages_for_signed_in_people_and_the_admin_have_the_policy(author):
    client = Client()
    client.force_login(UserFactory(username="root", superuser=True))
    for url in (
        reverse("accounts:profile"),
        "/admin/",
        "/admin/blog/post/",
        "/admin/blog/post/add/",
        "/admin/comments/comment/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response)
        # The admin draws icons in <svg>; nested_admin's own add/remove links
        # say javascript:// (their click handlers run; the URL itself never does).
        assert_inert(response, allow=ADMIN_OWN_MARKUP)


def test_error_pages_have_the_policy_too(settings, monkeypatch, author):
    from django.db import OperationalError

    from blog.views import HomeView

    post = PostFactory(author=author)
    settings.COLOPHON_RATE_LIMITS = {"comment": "1/m"}
    too_large = Client().post(
        "/comments/post/1/",
        data="comment=" + "x" * 3_000_000,
        content_type="application/x-www-form-urlencoded",
    )
    forbidden = Client(enforce_csrf_checks=True).post(reverse("account_login"))
    limited_client = Client()
    for _ in range(2):
        limited = limited_client.post(reverse("comments:submit", args=[post.pk]))

    def broken(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(HomeView, "get_queryset", broken)
    unavailable = Client().get("/")

    for response, status in (
        (too_large, 413),
        (forbidden, 403),
        (limited, 429),
        (unavailable, 503),
    ):
        assert response.status_code == status
        assert_strict_policy(response)
        assert "site-header" in assert_inert(response, status_below=600)


def test_strict_transport_security_on_https_with_debug_off():
    assert not settings.DEBUG
    response = Client().get("/", secure=True)

    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_feeds_and_json_are_not_sniffed_as_html(author):
    PostFactory(author=author)
    for url in ("/feed/", "/comments/feed/", "/healthz"):
        response = Client().get(url)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert not response["Content-Type"].startswith("text/html")


def test_a_view_that_sets_its_own_policy_keeps_it(rf):
    from django.http import HttpResponse

    from config.security import ContentSecurityPolicyMiddleware

    def view(request):
        response = HttpResponse("<p>sandboxed</p>")
        response["Content-Security-Policy"] = "sandbox"
        return response

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))

    assert response["Content-Security-Policy"] == "sandbox"


def test_form_action_follows_the_networks_authorisation_address(monkeypatch):
    monkeypatch.setattr(
        TwitterOAuth2Adapter, "authorize_url", "https://login.example.net/authorize"
    )

    policy = directives(policy_for("/"))

    assert "https://login.example.net" in policy["form-action"]


def test_a_path_override_loosens_only_that_path(settings):
    settings.COLOPHON_CSP_PATH_OVERRIDES = {"/admin/": {"style-src": ["'self'", "x"]}}

    assert directives(policy_for("/admin/"))["style-src"] == ["'self'", "x"]
    assert directives(policy_for("/"))["style-src"] == ["'self'"]


# --- Templates ---------------------------------------------------------------

TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "templates",  # with templates/jinja2
    *sorted(Path(settings.BASE_DIR).glob("*/templates")),
    *sorted(Path(settings.BASE_DIR).glob("*/jinja2")),
]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def our_templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


def test_our_templates_have_no_inline_script_style_or_handler():
    found = []
    for path in our_templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER, JS_URL):
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(settings.BASE_DIR)}: {match[0]}")
    assert not found, found


def test_the_only_inline_script_is_the_json_ld_data_block(author):
    post = PostFactory(author=author, title="</script><script>alert(1)</script>")

    page = Client().get(post.get_absolute_url()).content.decode()

    inline = INLINE_SCRIPT.findall(page)
    assert inline == ['<script type="application/ld+json">']
    assert_inert(page)
