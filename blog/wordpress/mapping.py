"""Pure conversions from WordPress's values to ours. No database, no files."""

from __future__ import annotations

import datetime as dt
import html
import ipaddress
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.utils.html import strip_tags

WP_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

# wp:status → our Post.Status value; None: not imported.
POST_STATUSES = {
    "publish": "published",
    "future": "scheduled",
    "draft": "draft",
    "pending": "draft",
    # Only logged-in editors saw a private post; we have no such visibility, so
    # it stays out of readers' sight as a draft.
    "private": "draft",
    "trash": None,
    "auto-draft": None,
    "inherit": None,
}

# wp:comment_approved → our Comment.Status value.
COMMENT_STATUSES = {
    "1": "approved",
    "approve": "approved",
    "approved": "approved",
    "0": "pending",
    "hold": "pending",
    "spam": "spam",
    "trash": "trash",
    "post-trashed": "trash",
}

COMMENT_TYPES = {
    "": "comment",
    "comment": "comment",
    "pingback": "pingback",
    "trackback": "trackback",
}


def parse_wp_datetime(
    gmt: str, local: str, site_zone: ZoneInfo | dt.tzinfo
) -> dt.datetime | None:
    """The moment from the GMT column, else the local one read in `site_zone`.

    WordPress writes "0000-00-00 00:00:00" for a draft that was never dated.
    """
    moment = _naive(gmt)
    if moment is not None:
        return moment.replace(tzinfo=dt.UTC)
    moment = _naive(local)
    if moment is not None:
        return moment.replace(tzinfo=site_zone)
    return None


def _naive(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return dt.datetime.strptime(value, WP_DATE_FORMAT)
    except ValueError:
        return None


def post_status(wp_status: str) -> str | None:
    """Our status for a WordPress one; None for trash, auto-drafts and revisions.

    An unknown status is imported as a draft: never shown before someone looks.
    """
    return POST_STATUSES.get(wp_status.strip().lower(), "draft")


def comment_status(approved: str) -> str:
    """Our comment status; anything unknown waits for moderation."""
    return COMMENT_STATUSES.get(approved.strip().lower(), "pending")


def comment_type(wp_type: str) -> str:
    """comment, pingback or trackback; other plugin types are kept as written."""
    wp_type = wp_type.strip().lower()
    return COMMENT_TYPES.get(wp_type, wp_type[:20])


def to_int(value: str) -> int:
    """A WordPress id; 0 when the value is empty or not a number."""
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


def decode_slug(value: str) -> str:
    """WordPress keeps non-ASCII slugs percent-encoded; ours are plain Unicode."""
    return unquote(value.strip()).strip()


def plain(value: str) -> str:
    """A name or title as readers see it: tags dropped, entities decoded.

    WordPress stores "&amp;" and "&#8217;" in names, and allows markup in titles.
    """
    return html.unescape(strip_tags(value or "")).strip()


_LINK = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)')[^>]*>(.*?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
_LINE_END = re.compile(r"<br\s*/?>|</li\s*>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</p\s*>|</blockquote\s*>", re.IGNORECASE)


def _link_as_text(match: re.Match[str]) -> str:
    href = html.unescape(match.group(1) or match.group(2) or "").strip()
    text = match.group(3)
    label = html.unescape(strip_tags(text)).strip()
    if not href or href in (label, label.rstrip("/")):
        return text
    return f"{text} ({href})" if label else href


def comment_text(source: str) -> str:
    """A WordPress comment's HTML as our plain-text comment body.

    Our comments are plain text (escaped, paragraphs kept, URLs linked on
    display), so markup is dropped; a link keeps its address after its text.
    """
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINK.sub(_link_as_text, text)
    text = _LINE_END.sub(lambda match: match.group(0) + "\n", text)
    text = _PARAGRAPH_END.sub(lambda match: match.group(0) + "\n\n", text)
    text = html.unescape(strip_tags(text))
    # The source's own newlines come on top of the ones added for the tags.
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def ip_address(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def link_path(url: str) -> str | None:
    """The decoded path of an old permalink, as request.path spells it.

    None for an address with a query string (/?p=12, /?page_id=2): the redirect
    middleware answers those from the WordPress id instead.
    """
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.query or not parts.path or parts.path == "/":
        return None
    return unquote(parts.path)


def dated_path(date: dt.date, slug: str) -> str:
    """WordPress's /yyyy/mm/dd/slug/ permalink (also ours)."""
    return f"/{date:%Y}/{date:%m}/{date:%d}/{slug}/"


def local_date(local: str) -> dt.date | None:
    """The calendar day of WordPress's local post_date (used in its permalinks)."""
    moment = _naive(local)
    return moment.date() if moment else None


def media_candidates(url: str, attached_file: str = "") -> list[str]:
    """Relative paths under a copy of wp-content/uploads where the file may be.

    Tried in order: the attachment's _wp_attached_file, the URL path after
    /uploads/ (self-hosted) or /files/ (multisite), then the whole URL path
    (WordPress.com serves uploads from <blog>.files.wordpress.com/yyyy/mm/…).
    """
    candidates: list[str] = []
    if attached_file.strip():
        candidates.append(attached_file.strip())
    path = unquote(urlsplit(url.strip()).path) if url else ""
    for marker in ("/uploads/", "/files/"):
        if marker in path:
            candidates.append(path.split(marker, 1)[1])
    if path:
        candidates.append(path)
    seen: list[str] = []
    for candidate in candidates:
        parts = [
            part for part in PurePosixPath(candidate).parts if part not in ("/", "")
        ]
        cleaned = "/".join(parts)
        if cleaned and ".." not in parts and cleaned not in seen:
            seen.append(cleaned)
    return seen
