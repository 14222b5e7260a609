"""Hostile content in a real Chromium: nothing runs, nothing breaks the layout, and
the Content-Security-Policy is never violated by our own pages (issue 8).

Every payload that could run calls alert(1) or logs "XSS-MARKER". Hostile pages are
loaded twice: with the policy (as readers get them) and with the policy bypassed, so
escaping alone is shown to hold too.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import CommentSettings
from tests.browser.conftest import DESKTOP, page_widths, screenshot_dir
from tests.factories import AuthorFactory, CommentFactory, PostFactory, UserFactory
from tests.security.payloads import ALL, MARKER, SHORT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:` +
    `${event.lineNumber} ${event.sample}`
  );
});
"""


FIRE_EVENTS = """
() => {
  const names = ["mouseover", "mouseenter", "pointerenter", "focus", "click",
                 "animationstart", "toggle", "load", "error"];
  for (const element of document.querySelectorAll("#comments *, .post-body *")) {
    if (element.closest("form")) continue;
    for (const name of names) {
      element.dispatchEvent(new Event(name, {bubbles: false, cancelable: true}));
    }
  }
}
"""


# The 100,000-character payloads are left to the HTTP tests: one unbroken word that
# long takes Chromium seconds to lay out (see the xfail test at the end).
BROWSER_PAYLOADS = [payload for payload in ALL if len(payload) < 5000]


def without_nul(text: str) -> str:
    # A database (PostgreSQL) cannot hold NUL, and every form refuses it.
    return text.replace("\x00", "")


class Watched:
    """A page with everything that would show a script ran, or the policy bit."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.markers: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message):
        if MARKER in message.text:
            self.markers.append(message.text)

    def goto(self, url: str):
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        # Give late handlers (onerror of broken images, autofocus) their chance.
        self.page.wait_for_timeout(300)
        return response

    def violations(self) -> list[str]:
        return self.page.evaluate("() => window.__csp || []")

    def assert_nothing_ran(self, where: str):
        assert not self.dialogs, (where, self.dialogs)
        assert not self.markers, (where, self.markers)

    def assert_layout_holds(self, where: str):
        widths = page_widths(self.page)
        assert widths["scroll"] <= widths["inner"], (where, widths)
        assert self.page.locator("#main").is_visible(), where
        assert self.page.locator(".site-header").is_visible(), where


def _local_only(route):
    if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def watched(browser, live_server):
    """watched(bypass_csp=False, user=None) → a Watched desktop page."""
    contexts = []

    def open_page(*, bypass_csp: bool = False, user=None) -> Watched:
        context = browser.new_context(
            viewport=DESKTOP, base_url=live_server.url, bypass_csp=bypass_csp
        )
        context.set_default_timeout(20_000)
        context.add_init_script(WATCH_CSP)
        # Hostile avatars and links point anywhere: nothing leaves this machine.
        context.route("**/*", _local_only)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
        contexts.append(context)
        return Watched(context.new_page())

    yield open_page
    for context in contexts:
        context.close()


def test_the_watch_sees_a_script_that_runs(watched):
    """The checks below would notice: an unescaped payload is caught here."""
    page = watched(bypass_csp=True)

    page.page.set_content(
        f'<img src=x onerror=alert(1)><script>console.log("{MARKER}")</script>'
    )
    page.page.wait_for_timeout(300)

    assert page.dialogs == ["alert: 1"]
    assert page.markers == [MARKER]


@pytest.fixture
def hostile_site(migrated_data, settings):
    """A post whose body, comments, author bio and names are all hostile."""
    settings.COLOPHON_RATE_LIMITS = {}
    discussion = CommentSettings.load()
    discussion.per_page = 0
    discussion.flood_seconds = 0
    discussion.save()
    author = AuthorFactory(username="hostile")
    profile = author.profile
    profile.display_name = "<script>alert(1)</script>"
    profile.bio = "\n\n".join(without_nul(p) for p in SHORT[:60])
    profile.website = 'https://example.org/"><script>alert(1)</script>'
    profile.save()
    body = "\n\n".join(without_nul(p) for p in BROWSER_PAYLOADS)
    markdown = PostFactory(author=author, title="Hostile markdown", body=body)
    html = PostFactory(
        author=author, title="Hostile HTML", body=body, body_format="html"
    )
    for payload in map(without_nul, BROWSER_PAYLOADS):
        CommentFactory(
            post=markdown,
            body=payload,
            author_name=payload[:200],
            author_url=payload[:500],
            avatar_url=payload[:1000],
        )
    return {"author": author, "markdown": markdown, "html": html}


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "no-csp"])
def test_no_hostile_content_runs_or_breaks_the_page(watched, hostile_site, bypass_csp):
    page = watched(bypass_csp=bypass_csp)
    markdown, html = hostile_site["markdown"], hostile_site["html"]
    pages = {
        "post with hostile comments": markdown.get_absolute_url(),
        "hostile HTML post": html.get_absolute_url(),
        "home": "/",
        "author archive": reverse("blog:author", kwargs={"username": "hostile"}),
        "search": "/?s=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E%3Cimg%20src%3Dx"
        "%20onerror%3Dalert(1)%3E",
        "reply to a hostile page number": f"{markdown.get_absolute_url()}"
        "?cpage=%3Cscript%3Ealert(1)%3C/script%3E&replytocom=%22%3E%3Csvg%20onload"
        "%3Dalert(1)%3E",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, name
        page.assert_nothing_ran(name)
        page.assert_layout_holds(name)
    page.goto(markdown.get_absolute_url())
    assert page.page.locator("#comments li.comment").count() == len(BROWSER_PAYLOADS)
    # Pointer, focus and animation events would fire any handler that slipped
    # through; sent to every element of the comments and the post body.
    page.page.evaluate(FIRE_EVENTS)
    page.page.mouse.move(400, 400)
    page.page.keyboard.press("Tab")
    page.page.wait_for_timeout(200)
    page.assert_nothing_ran("after pointer and focus events")
    name = f"hostile-comments-{'no-csp' if bypass_csp else 'csp'}.png"
    page.page.screenshot(path=str(screenshot_dir() / name))


def test_a_hostile_comment_typed_in_the_form_stays_text(watched, hostile_site):
    page = watched(bypass_csp=True)
    post = hostile_site["html"]
    page.goto(post.get_absolute_url())
    form = page.page.locator("#commentform")
    hostile = '</textarea><script>alert(1)</script><img src=x onerror="alert(1)">'

    form.get_by_role("textbox", name="Comment").fill(hostile)
    form.get_by_role("textbox", name="Name").fill('"><svg onload=alert(1)>')
    form.get_by_role("textbox", name="Email").fill("not an address")
    form.get_by_role("button", name="Post Comment").click()
    page.page.wait_for_load_state("load")
    page.page.wait_for_timeout(300)

    page.assert_nothing_ran("the form shown again with errors")
    assert form.get_by_role("textbox", name="Comment").input_value() == hostile
    assert "Please enter a valid email address." in form.inner_text()

    form.get_by_role("textbox", name="Email").fill("hostile@example.net")
    form.get_by_role("button", name="Post Comment").click()
    page.page.wait_for_load_state("load")
    page.page.wait_for_timeout(300)

    page.assert_nothing_ran("the held comment shown to its writer")
    mine = page.page.locator(".comment-pending").last
    assert hostile in mine.inner_text()
    page.assert_layout_holds("after commenting")


def test_our_pages_never_violate_the_content_security_policy(
    watched, migrated_data, live_server
):
    author = AuthorFactory(username="writer")
    post = PostFactory(
        author=author,
        title="A normal post",
        body="Text with a [link](https://example.org/) and **bold** words.",
    )
    CommentFactory(post=post, body="A first reply.")
    reader = UserFactory(username="reader")
    anonymous = watched()
    signed_in = watched(user=author)
    pages = [
        (anonymous, "home", "/"),
        (anonymous, "post", post.get_absolute_url()),
        (anonymous, "archive", f"/{post.published_on:%Y/%m}/"),
        (anonymous, "search", "/?s=normal"),
        (anonymous, "log in", reverse("account_login")),
        (anonymous, "sign up", reverse("account_signup")),
        (anonymous, "like identity choice", reverse("likes:choose", args=[post.pk])),
        (anonymous, "not found", "/no/such/page/"),
        (signed_in, "profile", reverse("accounts:profile")),
        (signed_in, "post, signed in", post.get_absolute_url()),
    ]
    for page, name, url in pages:
        page.goto(url)
        assert page.violations() == [], name
        assert not page.errors, (name, page.errors)

    # What readers do on the post page: reply, like (script), type a comment.
    page = watched(user=reader)
    page.goto(post.get_absolute_url())
    page.page.locator(".comment-reply-link").first.click()
    page.page.locator("#cancel-comment-reply-link").click()
    page.page.locator(".like-button").click()
    page.page.locator(".like-button", has_text="Liked").wait_for()
    page.page.get_by_role("textbox", name="Comment").fill("Replying now.")
    page.page.get_by_role("button", name="Post Comment").click()
    page.page.wait_for_load_state("load")
    assert page.violations() == [], "post page interactions"
    assert not page.errors


def test_the_admin_works_under_the_same_policy(watched, migrated_data):
    root = UserFactory(username="root", superuser=True)
    post = PostFactory(author=root, title="Admin post")
    CommentFactory(post=post, pending=True)
    page = watched(user=root)

    for url in (
        "/admin/",
        "/admin/blog/post/",
        "/admin/blog/post/add/",
        f"/admin/blog/post/{post.pk}/change/",
        "/admin/comments/comment/",
        "/admin/accounts/user/",
    ):
        page.goto(url)
        assert page.violations() == [], url
        assert not page.errors, (url, page.errors)

    # The post form's own scripts: nested link-list inlines, calendar, slug.
    page.goto("/admin/blog/post/add/")
    page.page.locator("#id_title").fill("Typed in the admin")
    add_list = page.page.locator(".djn-add-handler:visible").first
    add_list.click()
    page.page.locator(".datetimeshortcuts a").first.click()
    assert page.page.locator("#id_slug").input_value() == "typed-in-the-admin"
    assert page.violations() == [], "admin post form interactions"
    assert not page.errors


@pytest.mark.xfail(
    strict=True,
    reason="known: Chromium needs seconds to lay out one unbroken 65,525-character "
    "word under `overflow-wrap: anywhere` with the site's fonts; a reader may post "
    "one (the comment length limit). Breaking long words when a comment is rendered "
    "did not help in a first try (zero-width spaces every 30 characters).",
)
def test_a_longest_possible_word_in_a_comment_lays_out_quickly(watched, migrated_data):
    post = PostFactory(title="Long word")
    CommentFactory(post=post, body="A" * CommentSettings.load().max_length)
    page = watched()

    started = time.monotonic()
    page.goto(post.get_absolute_url())
    page_widths(page.page)

    assert time.monotonic() - started < 1.5
