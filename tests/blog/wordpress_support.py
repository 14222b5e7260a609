"""Helpers for the WordPress import tests: fixture paths, snapshots, tiny WXR."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wordpress"
SELF_HOSTED = FIXTURES / "self-hosted-wxr-1.1.xml"
WORDPRESS_COM = FIXTURES / "wordpress-com-wxr-1.2.xml"
# Read in place from the shared folder beside the repository; never copied here.
THEME_DATA = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "fixtures"
    / "wordpress"
    / "themeunittestdata.wordpress.xml"
)


def theme_data() -> Path:
    """The WordPress theme unit test export, or a skip when ../shared is absent."""
    if not THEME_DATA.is_file():
        pytest.skip(
            "../shared is absent: the theme unit test export is read in place from "
            f"{THEME_DATA} and never copied into the repository"
        )
    return THEME_DATA


def row_counts() -> dict[str, int]:
    """The number of rows of every model: equal before and after means no write."""
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_models()
    }


def files_under(path: Path) -> list[str]:
    if not path.exists():
        return []
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def wxr(body: str, *, version: str = "1.2") -> str:
    """A WXR document around `body` (authors, terms and items of the channel)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/{version}/">
<channel>
<title>Test</title>
<link>http://blog.example.com</link>
<wp:wxr_version>{version}</wp:wxr_version>
{body}
</channel>
</rss>
"""


def author(login: str, *, email: str = "", name: str = "") -> str:
    return (
        f"<wp:author><wp:author_login>{login}</wp:author_login>"
        f"<wp:author_email>{email or login + '@example.com'}</wp:author_email>"
        f"<wp:author_display_name>{name or login}</wp:author_display_name>"
        "</wp:author>"
    )


def item(
    wp_id: int,
    *,
    title: str = "A post",
    slug: str = "",
    creator: str = "alice",
    post_type: str = "post",
    status: str = "publish",
    date_gmt: str = "2014-05-06 07:08:09",
    link: str = "",
    extra: str = "",
) -> str:
    slug = slug or f"post-{wp_id}"
    return f"""<item>
<title>{title}</title>
<link>{link or f"http://blog.example.com/?p={wp_id}"}</link>
<dc:creator>{creator}</dc:creator>
<content:encoded><![CDATA[Body of {wp_id}.]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{wp_id}</wp:post_id>
<wp:post_date>{date_gmt}</wp:post_date>
<wp:post_date_gmt>{date_gmt}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status>
<wp:post_name>{slug}</wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_type>{post_type}</wp:post_type>
<wp:post_password></wp:post_password>
<wp:is_sticky>0</wp:is_sticky>
{extra}
</item>"""


def write(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
