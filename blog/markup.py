"""Post bodies to safe HTML: Markdown or WordPress-style HTML in, allow-listed HTML out.

Rendering happens once, on save; templates print the stored result.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urlsplit

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir", "id"},
    "a": {"href", "name"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "code": {"class"},
    "col": {"span"},
    "colgroup": {"span"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "reversed", "type"},
    "q": {"cite"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "time": {"datetime"},
}

URL_SCHEMES = {"http", "https", "mailto"}

_MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty"]

# Block-level tags: WordPress never wraps them in <p> and starts a new paragraph
# around them.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|caption|col|colgroup|dd|details|div|dl|dt|"
    "fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|legend|li|main|"
    "menu|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul"
)
_BLOCK_OPEN = re.compile(rf"<(?:{_BLOCK_TAGS})(?=[\s/>])[^>]*>", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"</(?:{_BLOCK_TAGS})\s*>|<hr(?=[\s/>])[^>]*>", re.I)
_STARTS_WITH_BLOCK = re.compile(rf"^</?(?:{_BLOCK_TAGS})[\s/>]", re.IGNORECASE)
_ENDS_WITH_BLOCK = re.compile(rf"</(?:{_BLOCK_TAGS})\s*>$", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_PRE = re.compile(r"<pre\b.*?</pre\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_NEWLINE = re.compile(r"(?:<br\s*/?>)?[ \t]*\n[ \t]*", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
# Text-level breaks: plain text needs a space where a block or line ends.
_TEXT_BREAK = re.compile(rf"<(?:br|/?(?:{_BLOCK_TAGS}))(?=[\s/>])[^>]*>", re.IGNORECASE)

_CAPTION = re.compile(
    r"\[caption(?P<attrs>[^\]]*)\](?P<inner>.*?)\[/caption\]",
    re.IGNORECASE | re.DOTALL,
)
_CAPTION_MEDIA = re.compile(
    r"((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_CAPTION_ATTR = re.compile(r"""\bcaption=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SHORTCODE = re.compile(
    r"(?P<open>\[?)\[(?P<close>/?)(?P<name>[A-Za-z_][\w-]*)(?P<attrs>(?:\s[^\[\]]*)?)"
    r"\](?P<end>\]?)"
)
_SHORTCODE_CLOSER = re.compile(r"\[/([A-Za-z_][\w-]*)\]")
# Shortcodes of WordPress and WordPress.com: removed even without attributes.
# Any other bracketed word ("[sic]") is text unless it has attributes or a closer.
KNOWN_SHORTCODES = {
    "archives", "audio", "blog-subscription", "caption", "contact-field",
    "contact-form", "crowdsignal", "dailymotion", "embed", "facebook", "flickr",
    "gallery", "gist", "googlemaps", "gravatar", "instagram",
    "jetpack_subscription_form", "playlist", "polldaddy", "recipe", "scribd",
    "slideshare", "slideshow", "soundcloud", "spotify", "ted", "tweet",
    "twitter-timeline", "video", "vimeo", "wp_caption", "wpvideo", "youtube",
}  # fmt: skip


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; links get noopener."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Markdown (with raw HTML allowed) to sanitised HTML."""
    html = markdown.markdown(
        source, extensions=_MARKDOWN_EXTENSIONS, output_format="html"
    )
    return _EMPTY_PARAGRAPH.sub("", sanitize_html(html)).strip()


def _outside_pre(html: str, change) -> str:
    """Apply `change` to the text between <pre> blocks, which stay as written."""
    out, last = [], 0
    for match in _PRE.finditer(html):
        out.append(change(html[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(change(html[last:]))
    return "".join(out)


def _caption_to_figure(match: re.Match[str]) -> str:
    inner = match.group("inner").strip()
    media = _CAPTION_MEDIA.match(inner)
    image, caption = (media.group(1), media.group(2).strip()) if media else ("", inner)
    if not caption:
        # Older WordPress versions keep the caption in an attribute.
        attribute = _CAPTION_ATTR.search(match.group("attrs"))
        caption = (attribute.group(1) or attribute.group(2)) if attribute else ""
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{image}{figcaption}</figure>"


def _strip_shortcodes(html: str) -> str:
    closed = {name.lower() for name in _SHORTCODE_CLOSER.findall(html)}

    def replace(match: re.Match[str]) -> str:
        if match.group("open") and match.group("end"):
            # [[gallery]] is WordPress's way to write a shortcode as text.
            return match.group(0)[1:-1]
        name, attrs = match.group("name").lower(), match.group("attrs")
        if not (
            name in KNOWN_SHORTCODES
            or name in closed
            or "=" in attrs
            or attrs.rstrip().endswith("/")
        ):
            return match.group(0)
        return match.group("open") + match.group("end")

    return _SHORTCODE.sub(replace, html)


def _line_breaks(block: str) -> str:
    return _NEWLINE.sub("<br>\n", block)


def autop(html: str) -> str:
    """WordPress's paragraph rule: blank lines split paragraphs, newlines break.

    Block-level elements start their own paragraph and are never wrapped; the
    inside of <pre> is left exactly as written.
    """
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    html = html.replace("\x00", "").replace("\x01", "")
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    html = _PRE.sub(keep, html)
    # A newline inside a tag is no line break; hide it until the end.
    html = _TAG.sub(lambda match: match.group(0).replace("\n", "\x01"), html)
    html = _BLOCK_OPEN.sub(lambda match: "\n\n" + match.group(0), html)
    html = _BLOCK_CLOSE.sub(lambda match: match.group(0) + "\n\n", html)
    out = []
    for chunk in re.split(r"\n[ \t]*\n\s*", html):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("\x00") and chunk.endswith("\x00"):
            out.append(kept[int(chunk.strip("\x00"))])
        elif _STARTS_WITH_BLOCK.match(chunk) or _ENDS_WITH_BLOCK.search(chunk):
            out.append(_line_breaks(chunk))
        else:
            out.append(f"<p>{_line_breaks(chunk)}</p>")
    return "\n".join(out).replace("\x01", "\n")


def render_wordpress_html(source: str) -> str:
    """A WordPress post body (classic or block editor) to sanitised HTML."""
    html = _COMMENT.sub("", source)
    html = _outside_pre(html, lambda text: _CAPTION.sub(_caption_to_figure, text))
    html = _outside_pre(html, _strip_shortcodes)
    return _EMPTY_PARAGRAPH.sub("", sanitize_html(autop(html))).strip()


def plain_text(html: str) -> str:
    """The text of an HTML fragment, whitespace collapsed."""
    text = html_lib.unescape(nh3.clean(_TEXT_BREAK.sub(" ", html), tags=set()))
    return re.sub(r"\s+", " ", text).strip()


def excerpt_from_html(html: str, words: int = 55) -> str:
    """The first `words` words of the text, with an ellipsis when cut (as WordPress)."""
    parts = plain_text(html).split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + "\u2026"


def web_url(value) -> str:
    """`value` if it is an http(s) URL, else "" (never a javascript: link)."""
    value = str(value or "").strip()
    # The usual case without parsing (a page checks hundreds of addresses).
    if value[:8].lower().startswith(("http://", "https://")):
        return value
    try:
        scheme = urlsplit(value).scheme
    except ValueError:  # e.g. an unclosed "[": no address a browser would follow
        return ""
    return value if scheme.lower() in ("http", "https") else ""
