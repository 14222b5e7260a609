"""Properties over arbitrary input (hypothesis): the comment form and the sanitiser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog import markup
from comments.forms import CommentForm, security_token
from tests.factories import PostFactory
from tests.security.payloads import ALL, dangerous_url

EXAMPLES = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Markup-ish text: hypothesis mixes these pieces with arbitrary characters.
PIECES = [
    "<",
    ">",
    "</",
    "/>",
    '"',
    "'",
    "=",
    "&",
    "&amp;",
    "&#x6A;",
    ";",
    ":",
    "<p>",
    "</p>",
    "<a href=",
    "</a>",
    "<img src=x ",
    "onerror=",
    "javascript:",
    "data:",
    "<script>",
    "</script>",
    "<style>",
    "<svg>",
    "<math>",
    "<table>",
    "<td>",
    "<pre>",
    "</pre>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<b>",
    "</b>",
    "<ol start=",
    "[caption]",
    "[/caption]",
    "[gallery]",
    "\n\n",
    "\n",
    "*",
    "_",
    "`",
    "[x](",
    ")",
    "![y](",
    "# ",
    "> ",
    "    ",
    "\x00",
    "\u202e",
    "\u200b",
]
markupish = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30
).map("".join)
any_text = st.one_of(st.text(max_size=400), markupish, st.sampled_from(ALL))

# Elements that may stay open in an HTML fragment (the parser closes them).
VOID = {"br", "hr", "img", "col", "wbr", "input", "source", "area", "meta", "link"}


class Collector(HTMLParser):
    """Tags, attributes and nesting of a fragment, as a browser's parser sees it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.stack: list[str] = []
        self.mismatched: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.mismatched.append(tag)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def same_markup(a: str, b: str) -> bool:
    """Equal, but for one known deviation (see the xfail test below): a newline
    right after <pre> is dropped by the next parse, as HTML says, and the sanitiser
    does not write it twice when serialising."""
    return _PRE_NEWLINE.sub(r"\1", a) == _PRE_NEWLINE.sub(r"\1", b)


_PRE_NEWLINE = re.compile(r"(<pre\b[^>]*>)\n")


def assert_allow_listed(html: str) -> None:
    """Only allowed tags, attributes and URL schemes; balanced tags."""
    found = parse(html)
    for tag, attrs in found.tags:
        assert tag in markup.ALLOWED_TAGS, tag
        allowed = (
            markup.ALLOWED_ATTRIBUTES.get(tag, set()) | markup.ALLOWED_ATTRIBUTES["*"]
        )
        for name, value in attrs:
            assert name in allowed or (tag == "a" and name == "rel"), (tag, name)
            if name in ("href", "src", "cite") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("",) or scheme in markup.URL_SCHEMES, value
                assert not dangerous_url(value), value
    assert not found.stack, f"left open: {found.stack}"
    assert not found.mismatched, f"closed without opening: {found.mismatched}"


@pytest.fixture(scope="module")
def post():
    """The form only needs the post's id: no database."""
    return PostFactory.build(pk=4242)


@EXAMPLES
@given(
    comment=any_text,
    name=any_text,
    email=st.one_of(st.emails(), any_text),
    url=st.one_of(st.just(""), any_text),
    parent=st.one_of(st.just(""), st.integers().map(str), any_text),
    honeypot=st.one_of(st.just(""), st.text(max_size=5)),
)
def test_the_comment_form_never_raises_and_is_valid_or_has_errors(
    post, comment, name, email, url, parent, honeypot
):
    form = CommentForm(
        {
            "comment": comment,
            "name": name,
            "email": email,
            "url": url,
            "parent": parent,
            "homepage": honeypot,
            "security": security_token(post.pk),
        },
        post=post,
    )

    valid = form.is_valid()

    assert valid != bool(form.errors)
    if valid:
        assert form.cleaned_data["comment"].strip()
        assert "\x00" not in form.cleaned_data["comment"]
        assert form.cleaned_data["url"] == "" or form.cleaned_data["url"].startswith(
            ("http://", "https://")
        )
    else:
        for messages in form.errors.values():
            assert all(str(message).strip() for message in messages)


@EXAMPLES
@given(source=any_text)
def test_sanitize_html_is_allow_listed_well_formed_and_idempotent(source):
    once = markup.sanitize_html(source)

    assert_allow_listed(once)
    assert same_markup(markup.sanitize_html(once), once)


@EXAMPLES
@given(source=any_text)
def test_markdown_output_is_allow_listed_and_stable_under_sanitising(source):
    html = markup.render_markdown(source)

    assert_allow_listed(html)
    assert same_markup(markup.sanitize_html(html), html)


@EXAMPLES
@given(source=any_text)
def test_wordpress_html_output_is_allow_listed_and_stable_under_sanitising(source):
    html = markup.render_wordpress_html(source)

    assert_allow_listed(html)
    assert same_markup(markup.sanitize_html(html), html)


@pytest.mark.parametrize(
    "source",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#x6A;avascript:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        '<p style="color:red" class="x" id="ok">text</p>',
        "<ol start=3 onclick=alert(1)><li>one</li></ol>",
    ],
)
def test_known_attacks_come_out_clean(source):
    html = markup.sanitize_html(source)

    assert_allow_listed(html)
    assert "alert" not in html or "<script" not in html
    assert "onerror" not in html and "onclick" not in html and "style=" not in html


@pytest.mark.xfail(
    strict=True,
    reason="known: sanitize_html writes <pre> followed by a newline, which the next "
    "parse drops (harmless whitespace; blog/markup.py should write it twice)",
)
def test_sanitising_twice_keeps_a_leading_newline_in_pre():
    once = markup.sanitize_html("<pre><c>\n")

    assert markup.sanitize_html(once) == once
