import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from blog.wordpress import mapping

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_gmt_date_is_read_as_utc():
    moment = mapping.parse_wp_datetime(
        "2012-01-08 09:00:00", "2012-01-08 10:00:00", BERLIN
    )

    assert moment == dt.datetime(2012, 1, 8, 9, 0, tzinfo=dt.UTC)


def test_without_a_gmt_date_the_local_date_is_read_in_the_site_zone():
    moment = mapping.parse_wp_datetime(
        "0000-00-00 00:00:00", "2012-03-01 12:00:00", BERLIN
    )

    assert moment == dt.datetime(2012, 3, 1, 11, 0, tzinfo=dt.UTC)


def test_a_never_dated_draft_has_no_date():
    assert (
        mapping.parse_wp_datetime("0000-00-00 00:00:00", "0000-00-00 00:00:00", BERLIN)
        is None
    )


@pytest.mark.parametrize(
    ("wp_status", "ours"),
    [
        ("publish", "published"),
        ("future", "scheduled"),
        ("draft", "draft"),
        ("pending", "draft"),
        ("private", "draft"),
        ("trash", None),
        ("auto-draft", None),
        ("something-new", "draft"),
    ],
)
def test_post_statuses_map_to_ours(wp_status, ours):
    assert mapping.post_status(wp_status) == ours


@pytest.mark.parametrize(
    ("approved", "ours"),
    [
        ("1", "approved"),
        ("0", "pending"),
        ("spam", "spam"),
        ("trash", "trash"),
        ("post-trashed", "trash"),
        ("weird", "pending"),
    ],
)
def test_comment_statuses_map_to_ours(approved, ours):
    assert mapping.comment_status(approved) == ours


@pytest.mark.parametrize(
    ("wp_type", "ours"),
    [("", "comment"), ("comment", "comment"), ("pingback", "pingback")],
)
def test_comment_types_keep_pingbacks_and_trackbacks(wp_type, ours):
    assert mapping.comment_type(wp_type) == ours


def test_percent_encoded_slugs_are_decoded():
    assert mapping.decode_slug("%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82") == "привет"


def test_names_lose_markup_and_entities():
    assert mapping.plain("Title <em>With</em> Markup &amp; &#8220;quotes&#8221;") == (
        "Title With Markup & \u201cquotes\u201d"
    )


def test_comment_html_becomes_text_and_links_keep_their_address():
    text = mapping.comment_text(
        '<p>See <a href="https://news.example.com/a">this</a> &amp; that.</p>'
        "<p>Second<br />line</p>"
    )

    assert text == "See this (https://news.example.com/a) & that.\n\nSecond\nline"


def test_a_link_whose_text_is_its_address_is_written_once():
    text = mapping.comment_text('<a href="https://x.example/">https://x.example/</a>')

    assert text == "https://x.example/"


@pytest.mark.parametrize(
    ("value", "ours"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("", None),
        ("x", None),
    ],
)
def test_ip_addresses_are_checked(value, ours):
    assert mapping.ip_address(value) == ours


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("http://old.example.com/2012/01/08/some-post/", "/2012/01/08/some-post/"),
        ("http://old.example.com/%d0%bf%d1%80/", "/пр/"),
        ("http://old.example.com/?page_id=2", None),
        ("http://old.example.com/?p=12", None),
        ("http://old.example.com/", None),
        ("", None),
    ],
)
def test_old_link_paths_are_decoded_and_query_links_left_to_the_middleware(url, path):
    assert mapping.link_path(url) == path


def test_media_candidates_for_a_self_hosted_upload():
    assert mapping.media_candidates(
        "http://old.example.com/wp-content/uploads/2012/01/lake.png", "2012/01/lake.png"
    ) == ["2012/01/lake.png", "wp-content/uploads/2012/01/lake.png"]


def test_media_candidates_for_wordpress_com():
    assert mapping.media_candidates(
        "https://blog.files.wordpress.com/2015/03/cat.png?w=300"
    ) == ["2015/03/cat.png"]


def test_media_candidates_for_a_multisite_files_url():
    assert mapping.media_candidates(
        "http://old.example.com/files/2011/05/a%20b.jpg"
    ) == [
        "2011/05/a b.jpg",
        "files/2011/05/a b.jpg",
    ]


def test_media_candidates_never_climb_out_of_the_media_dir():
    assert mapping.media_candidates("http://x.example/a.png", "../../etc/passwd") == [
        "a.png"
    ]
