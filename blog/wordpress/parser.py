"""Read a WordPress eXtended RSS (WXR) export one record at a time.

The file is parsed with ElementTree's iterparse and every top-level element of the
channel is dropped once it has been read, so memory stays flat however large the
export is. Elements are matched on their local names: WXR 1.0, 1.1 and 1.2 (and
WordPress.com's https namespace URIs) differ only in namespace URIs. Nothing here
touches the database.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

WP_NAMESPACE_MARK = "wordpress.org/export/"


class WXRError(Exception):
    """The file is not a readable WordPress export; the message says why and where."""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: int | None = None


@dataclass
class Term:
    """A category or tag declared in the channel (wp:category, wp:tag, wp:term)."""

    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Comment:
    wp_id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    comment_type: str = ""
    parent_id: int = 0
    user_id: int = 0


@dataclass
class Item:
    """One <item>: a post, page, attachment, menu item or any other post type."""

    wp_id: int
    post_type: str = "post"
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    comment_status: str = "open"
    slug: str = ""
    status: str = ""
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    # (domain, slug, name) of each <category domain="…" nicename="…">
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    # Only the first value of each key; the import needs no repeated ones except
    # old slugs, which are kept apart.
    meta: dict[str, str] = field(default_factory=dict)
    old_slugs: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Channel:
    """The export's own description, complete once the first item is reached."""

    wxr_version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""


Record = Author | Term | Item | Channel


def split_tag(tag: str) -> tuple[str, str]:
    """'{namespace}local' → (namespace, local); a plain tag has no namespace."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _is_wp(namespace: str) -> bool:
    return WP_NAMESPACE_MARK in namespace and not namespace.endswith("excerpt/")


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return default


def _children(element: ET.Element) -> dict[str, str]:
    """The text of each wp: child by local name (the first one of each name)."""
    values: dict[str, str] = {}
    for child in element:
        namespace, local = split_tag(child.tag)
        if _is_wp(namespace):
            values.setdefault(local, child.text or "")
    return values


def _author(element: ET.Element) -> Author:
    values = _children(element)
    return Author(
        login=values.get("author_login", "").strip(),
        email=values.get("author_email", "").strip(),
        display_name=values.get("author_display_name", "").strip(),
        first_name=values.get("author_first_name", "").strip(),
        last_name=values.get("author_last_name", "").strip(),
        wp_id=_int(values.get("author_id", ""), 0) or None,
    )


def _term(local: str, element: ET.Element) -> Term | None:
    values = _children(element)
    if local == "category":
        return Term(
            taxonomy="category",
            slug=values.get("category_nicename", "").strip(),
            name=values.get("cat_name", "").strip(),
            parent_slug=values.get("category_parent", "").strip(),
            description=values.get("category_description", "").strip(),
        )
    if local == "tag":
        return Term(
            taxonomy="post_tag",
            slug=values.get("tag_slug", "").strip(),
            name=values.get("tag_name", "").strip(),
            description=values.get("tag_description", "").strip(),
        )
    taxonomy = values.get("term_taxonomy", "").strip()
    if taxonomy not in ("category", "post_tag"):
        return None
    return Term(
        taxonomy=taxonomy,
        slug=values.get("term_slug", "").strip(),
        name=values.get("term_name", "").strip(),
        parent_slug=values.get("term_parent", "").strip(),
        description=values.get("term_description", "").strip(),
    )


def _comment(element: ET.Element) -> Comment:
    values = _children(element)
    return Comment(
        wp_id=_int(values.get("comment_id", "")),
        author=values.get("comment_author", "").strip(),
        email=values.get("comment_author_email", "").strip(),
        url=values.get("comment_author_url", "").strip(),
        ip=values.get("comment_author_IP", "").strip(),
        date=values.get("comment_date", "").strip(),
        date_gmt=values.get("comment_date_gmt", "").strip(),
        content=values.get("comment_content", ""),
        approved=values.get("comment_approved", "1").strip(),
        comment_type=values.get("comment_type", "").strip(),
        parent_id=_int(values.get("comment_parent", "")),
        user_id=_int(values.get("comment_user_id", "")),
    )


_ITEM_FIELDS = {
    "post_type": "post_type",
    "post_date": "date",
    "post_date_gmt": "date_gmt",
    "comment_status": "comment_status",
    "post_name": "slug",
    "status": "status",
    "post_password": "password",
    "attachment_url": "attachment_url",
}


def _item(element: ET.Element) -> Item:
    item = Item(wp_id=0)
    for child in element:
        namespace, local = split_tag(child.tag)
        if not namespace:
            if local == "title":
                item.title = child.text or ""
            elif local == "link":
                item.link = _text(child)
            elif local == "guid":
                item.guid = _text(child)
            elif local == "category":
                item.terms.append(
                    (
                        child.get("domain", ""),
                        child.get("nicename", ""),
                        (child.text or "").strip(),
                    )
                )
        elif local == "creator":
            item.creator = _text(child)
        elif local == "encoded":
            if namespace.endswith("excerpt/"):
                item.excerpt = child.text or ""
            else:
                item.content = child.text or ""
        elif not _is_wp(namespace):
            continue
        elif local == "post_id":
            item.wp_id = _int(child.text or "")
        elif local == "is_sticky":
            item.is_sticky = _text(child) == "1"
        elif local in _ITEM_FIELDS:
            setattr(item, _ITEM_FIELDS[local], _text(child))
        elif local == "postmeta":
            values = _children(child)
            key = values.get("meta_key", "").strip()
            if key == "_wp_old_slug":
                item.old_slugs.append(values.get("meta_value", "").strip())
            elif key:
                item.meta.setdefault(key, values.get("meta_value", ""))
        elif local == "comment":
            item.comments.append(_comment(child))
    return item


class _CountingReader:
    """A binary file that counts the bytes read, for the progress bar."""

    def __init__(self, file):
        self._file = file
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.bytes_read += len(data)
        return data


def read_wxr(
    file, *, on_progress: Callable[[int], None] | None = None
) -> Iterator[Record]:
    """Yield the export's authors, terms, the Channel and items, in file order.

    The Channel is yielded once, before the first item (or at the end when there
    is none). Raises WXRError for a file that is not well-formed XML (naming the
    line and column) or not a WordPress export.
    """
    reader = _CountingReader(file)
    channel = Channel()
    channel_announced = False
    stack: list[ET.Element] = []
    try:
        # ElementTree never fetches external entities, and expat >= 2.4.1 (bundled
        # with Python 3.11) refuses entity-expansion bombs: safe for an upload.
        events = ET.iterparse(reader, events=("start", "end"))  # noqa: S314  # nosec B314
        for event, element in events:
            if event == "start":
                if not stack and split_tag(element.tag)[1] != "rss":
                    raise WXRError(
                        "This is not a WordPress export: it is an XML file whose "
                        f"root element is <{split_tag(element.tag)[1]}>, not <rss>."
                    )
                stack.append(element)
                continue
            stack.pop()
            depth = len(stack)
            if depth != 2:
                continue
            # A direct child of <channel>: read it, then let it go.
            parent = stack[1]
            namespace, local = split_tag(element.tag)
            record = None
            if local == "item" and not namespace:
                if not channel_announced:
                    _check_version(channel)
                    channel_announced = True
                    yield channel
                record = _item(element)
            elif _is_wp(namespace):
                if local == "author":
                    record = _author(element)
                elif local in ("category", "tag", "term"):
                    record = _term(local, element)
                elif local == "wxr_version":
                    channel.wxr_version = _text(element)
                elif local in ("base_site_url", "base_blog_url"):
                    setattr(channel, local, _text(element))
            elif not namespace and local in ("title", "link"):
                setattr(channel, local, _text(element))
            element.clear()
            parent.remove(element)
            if on_progress is not None:
                on_progress(reader.bytes_read)
            if record is not None:
                yield record
    except ET.ParseError as exc:
        line, column = exc.position
        raise WXRError(
            f"The file is not well-formed XML: {_expat_message(exc)} "
            f"at line {line}, column {column}."
        ) from None
    if not channel_announced:
        _check_version(channel)
        yield channel


def _expat_message(exc: ET.ParseError) -> str:
    # expat ends its message with ": line N, column M"; the position is given apart.
    return str(exc).split(": line ")[0]


def _check_version(channel: Channel) -> None:
    if not channel.wxr_version:
        raise WXRError(
            "This is not a WordPress export (WXR): the channel has no "
            "<wp:wxr_version>. Export the blog from WordPress under Tools → Export."
        )
    # 1.0 to 1.2 share every element read here; a later 1.x only adds some.
    if not channel.wxr_version.startswith("1."):
        raise WXRError(
            f"WXR version {channel.wxr_version} is not supported (1.0 to 1.2 are)."
        )
