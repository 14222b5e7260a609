import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.conftest import image_bytes
from tests.factories import CategoryFactory, PostFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def meta(html: str, key: str) -> str | None:
    match = re.search(
        rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html
    )
    return match.group(1) if match else None


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


# --- Canonical and social meta ----------------------------------------------


def test_post_page_has_canonical_and_open_graph_meta(client, post):
    html = client.get(post.get_absolute_url(), {"utm_source": "x"}).content.decode()

    url = f"http://testserver{post.get_absolute_url()}"
    assert canonical(html) == url
    assert meta(html, "og:url") == url
    assert meta(html, "og:title") == "A post worth reading"
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:site_name") == "Colophon"
    assert meta(html, "og:description") == post.summary
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "og:image") is None


def test_post_with_an_image_has_og_image_and_a_large_twitter_card(client, post):
    post.featured_image.save("photo.png", ContentFile(image_bytes()), save=True)

    html = client.get(post.get_absolute_url()).content.decode()

    assert meta(html, "og:image").startswith("http://testserver/media/posts/")
    assert meta(html, "twitter:image") == meta(html, "og:image")
    assert meta(html, "twitter:card") == "summary_large_image"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/category/world/",
        "/tag/politics/",
        "/author/alice/",
        "/2024/",
        "/2024/03/",
    ],
)
def test_every_reader_page_has_canonical_and_open_graph(client, author, path):
    CategoryFactory(slug="world")
    PostFactory(author=author, tags=["politics"])

    html = client.get(path).content.decode()

    assert canonical(html) == f"http://testserver{path}"
    assert meta(html, "og:url") == f"http://testserver{path}"
    assert meta(html, "og:title")
    assert meta(html, "og:site_name") == "Colophon"
    assert meta(html, "twitter:card") == "summary"


def test_canonical_of_a_later_page_keeps_the_page_number(client, author):
    PostFactory.create_batch(11, author=author)

    html = client.get("/", {"page": 2, "fbclid": "abc"}).content.decode()

    assert canonical(html) == "http://testserver/?page=2"


def test_meta_values_are_escaped(client, author):
    post = PostFactory(
        author=author, title='Say "hi" <now>', excerpt='A "quote" & more'
    )

    html = client.get(post.get_absolute_url()).content.decode()

    # The page is a Jinja2 template, which writes " as &#34; (the same text).
    assert '<meta property="og:title" content="Say &#34;hi&#34; &lt;now&gt;">' in html
    assert meta(html, "description") == "A &#34;quote&#34; &amp; more"


# --- JSON-LD ----------------------------------------------------------------


def test_post_page_describes_itself_as_a_blog_posting(client, post):
    html = client.get(post.get_absolute_url()).content.decode()

    data = json_ld(html)
    url = f"http://testserver{post.get_absolute_url()}"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "A post worth reading"
    assert data["datePublished"] == post.published_at.isoformat()
    assert data["dateModified"] == post.updated_at.isoformat()
    assert data["author"] == {
        "@type": "Person",
        "name": post.author.profile.display_name,
        "url": "http://testserver/author/alice/",
    }
    assert data["mainEntityOfPage"]["@id"] == url


def test_json_ld_names_the_image_when_there_is_one(client, post):
    post.featured_image.save("photo.png", ContentFile(image_bytes()), save=True)

    data = json_ld(client.get(post.get_absolute_url()).content.decode())

    assert data["image"][0].startswith("http://testserver/media/posts/")


def test_a_title_cannot_break_out_of_the_json_ld_script(client, author):
    title = "</script><script>alert(1)</script> & «ёлка»"
    post = PostFactory(author=author, title=title)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert html.count("</script>") == html.count("<script")
    assert json_ld(html)["headline"] == title


# --- Sitemap and robots.txt -------------------------------------------------


def sitemap_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def test_sitemap_lists_published_posts_only(client, author):
    published = PostFactory(author=author)
    draft = PostFactory(author=author, draft=True)
    scheduled = PostFactory(author=author, scheduled=True)

    locations = sitemap_locations(client)

    assert f"http://testserver{published.get_absolute_url()}" in locations
    assert f"http://testserver{scheduled.get_absolute_url()}" not in locations
    assert not any(f"/preview/{draft.pk}/" in loc for loc in locations)


def test_sitemap_lists_archives_that_have_published_posts(client, author):
    world = CategoryFactory(slug="world")
    europe = CategoryFactory(slug="europe", parent=world)
    CategoryFactory(slug="empty")
    PostFactory(author=author, categories=[europe], tags=["politics"])
    PostFactory(author=author, draft=True, tags=["secret"])
    post = PostFactory(author=author)

    locations = sitemap_locations(client)

    year, month = f"{post.published_on:%Y}", f"{post.published_on:%m}"
    for path in (
        "/",
        "/category/world/",
        "/category/europe/",
        "/tag/politics/",
        "/author/alice/",
        f"/{year}/",
        f"/{year}/{month}/",
    ):
        assert f"http://testserver{path}" in locations
    assert "http://testserver/category/empty/" not in locations
    assert "http://testserver/tag/secret/" not in locations


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_admin(client, db):
    response = client.get(reverse("robots_txt"))

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
