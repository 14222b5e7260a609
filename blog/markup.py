"""Post bodies to safe HTML: Markdown or WordPress-style HTML in, allow-listed HTML out.

Rendering happens once, on save; templates print the stored result.
"""

from __future__ import annotations

import html as html_lib
import re

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

# Block-level tags after which WordPress does not wrap text in <p>.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|caption|dd|details|div|dl|dt|figcaption|figure|"
    "footer|form|h[1-6]|header|hr|li|ol|p|pre|section|table|tbody|td|tfoot|th|thead|"
    "tr|ul"
)
_STARTS_WITH_BLOCK = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})[\s/>]", re.IGNORECASE)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*-->")
_SHORTCODE_CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.DOTALL)
_SHORTCODE_ANY = re.compile(r"\[/?[a-z_][\w-]*(?:\s[^\]]*)?\]")


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
    return sanitize_html(html)


def _caption_to_figure(match: re.Match[str]) -> str:
    inner = match.group(1).strip()
    image_end = inner.rfind(">") + 1
    image, caption = inner[:image_end], inner[image_end:].strip()
    return f"<figure>{image}<figcaption>{caption}</figcaption></figure>"


def autop(html: str) -> str:
    """WordPress's paragraph rule: blank lines split paragraphs, newlines break."""
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [block.strip() for block in re.split(r"\n\s*\n", html) if block.strip()]
    out = []
    for block in blocks:
        if _STARTS_WITH_BLOCK.match(block):
            out.append(block)
        else:
            out.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def render_wordpress_html(source: str) -> str:
    """A WordPress post body (classic or block editor) to sanitised HTML."""
    html = _BLOCK_COMMENT.sub("", source)
    html = _SHORTCODE_CAPTION.sub(_caption_to_figure, html)
    html = _SHORTCODE_ANY.sub("", html)
    return sanitize_html(autop(html))


def plain_text(html: str) -> str:
    """The text of an HTML fragment, whitespace collapsed."""
    text = html_lib.unescape(nh3.clean(html, tags=set()))
    return re.sub(r"\s+", " ", text).strip()


def excerpt_from_html(html: str, words: int = 55) -> str:
    """The first `words` words of the text, with an ellipsis when cut (as WordPress)."""
    parts = plain_text(html).split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + "\u2026"
