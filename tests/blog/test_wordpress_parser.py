import io
import xml.etree.ElementTree as ET

import pytest

from blog.wordpress import parser
from blog.wordpress.parser import Author, Channel, Item, Term, WXRError, read_wxr
from tests.blog.wordpress_support import (
    SELF_HOSTED,
    WORDPRESS_COM,
    author,
    item,
    wxr,
)


def records(path):
    with path.open("rb") as handle:
        return list(read_wxr(handle))


def from_text(text: str):
    return list(read_wxr(io.BytesIO(text.encode("utf-8"))))


def test_authors_and_terms_come_before_the_channel_and_the_items():
    kinds = [type(record).__name__ for record in records(SELF_HOSTED)]

    first_item = kinds.index("Item")
    assert kinds[:first_item] == ["Author"] * 2 + ["Term"] * 6 + ["Channel"]
    assert set(kinds[first_item:]) == {"Item"}


def test_the_channel_gives_the_wxr_version_and_blog_address():
    channel = next(r for r in records(SELF_HOSTED) if isinstance(r, Channel))

    assert channel.wxr_version == "1.1"
    assert channel.base_blog_url == "http://oldblog.example.com"


def test_an_author_has_login_email_and_names():
    alice = next(r for r in records(SELF_HOSTED) if isinstance(r, Author))

    assert alice == Author(
        login="alice",
        email="alice@oldblog.example.com",
        display_name="Alice A. Author",
        first_name="Alice",
        last_name="Anders",
        wp_id=1,
    )


def test_a_category_keeps_its_parent_slug_and_description():
    news = next(r for r in records(SELF_HOSTED) if isinstance(r, Term))

    assert (news.taxonomy, news.slug, news.parent_slug) == ("category", "world", "news")


def test_wxr_1_2_https_namespaces_are_read():
    items = [r for r in records(WORDPRESS_COM) if isinstance(r, Item)]

    post = next(i for i in items if i.wp_id == 301)
    assert post.title == "Cats and light"
    assert post.status == "publish"
    assert post.meta["_thumbnail_id"] == "300"
    assert post.old_slugs == ["first-draft-title"]
    assert [c.wp_id for c in post.comments] == [401, 402, 403, 404]


def test_wp_terms_of_other_taxonomies_are_left_out():
    terms = [r for r in records(WORDPRESS_COM) if isinstance(r, Term)]

    assert [(t.taxonomy, t.slug) for t in terms] == [
        ("category", "essays"),
        ("post_tag", "photography"),
        ("category", "essays"),
    ]


def test_the_excerpt_and_the_content_are_told_apart():
    post = next(
        r for r in records(SELF_HOSTED) if isinstance(r, Item) and r.wp_id == 101
    )

    assert post.excerpt == "A short summary."
    assert post.content.startswith("First paragraph of the first post.")


def test_an_item_lists_its_categories_and_tags_as_written():
    post = next(
        r for r in records(SELF_HOSTED) if isinstance(r, Item) and r.wp_id == 101
    )

    assert post.terms == [
        ("category", "world", "World"),
        ("category", "news", "News &amp; Views"),
        ("post_tag", "elections", "Elections"),
        ("post_tag", "tea-cakes", "Tea &amp; Cakes"),
    ]


def test_a_comment_has_every_field():
    post = next(
        r for r in records(SELF_HOSTED) if isinstance(r, Item) and r.wp_id == 101
    )

    erin = next(c for c in post.comments if c.wp_id == 202)
    assert (erin.author, erin.email, erin.approved, erin.parent_id) == (
        "Erin",
        "erin@example.net",
        "0",
        201,
    )
    assert erin.date_gmt == "2012-01-09 09:00:00"


def test_a_truncated_file_is_refused_naming_the_line():
    text = SELF_HOSTED.read_text(encoding="utf-8")
    cut = text[: text.index("<wp:comment_id>203")]

    with pytest.raises(WXRError) as error:
        from_text(cut)

    line = cut.count("\n") + 1
    assert f"line {line}" in str(error.value)
    assert "not well-formed XML" in str(error.value)


def test_a_file_that_is_not_xml_is_refused():
    with pytest.raises(WXRError, match=r"not well-formed XML: syntax error at line 1"):
        from_text("Title,Date\nHello,2012-01-01\n")


def test_an_empty_file_is_refused():
    with pytest.raises(WXRError, match="line 1"):
        from_text("")


def test_an_xml_file_that_is_not_rss_is_refused():
    with pytest.raises(WXRError, match=r"root element is <svg>, not <rss>"):
        from_text('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')


def test_an_rss_feed_that_is_not_a_wordpress_export_is_refused():
    feed = (
        '<rss version="2.0"><channel><title>News</title>'
        "<item><title>One</title></item></channel></rss>"
    )

    with pytest.raises(WXRError, match=r"not a WordPress export \(WXR\)"):
        from_text(feed)


def test_an_unknown_major_wxr_version_is_refused():
    with pytest.raises(WXRError, match="WXR version 2.0 is not supported"):
        from_text(wxr(item(1), version="2.0"))


def test_read_elements_are_dropped_from_the_tree(monkeypatch):
    """Constant memory: when an item is handed over, the channel holds no element."""
    real_iterparse = ET.iterparse
    roots = []

    def spy(source, events):
        for event, element in real_iterparse(source, events=events):
            if not roots:
                roots.append(element)
            yield event, element

    monkeypatch.setattr(parser.ET, "iterparse", spy)
    text = wxr(author("alice") + "".join(item(n) for n in range(1, 6)))
    kept_after_handing_over = []
    for record in read_wxr(io.BytesIO(text.encode())):
        if isinstance(record, Item):
            # The parser reads ahead; what must be gone is every element handed over.
            ids = [int(child.findtext("{*}post_id")) for child in roots[0][0]]
            kept_after_handing_over += [i for i in ids if i <= record.wp_id]

    assert kept_after_handing_over == []


def test_progress_reports_the_bytes_read():
    text = wxr(item(1)).encode()
    reported = []

    list(read_wxr(io.BytesIO(text), on_progress=reported.append))

    assert reported[-1] == len(text)
