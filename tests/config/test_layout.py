"""One frame for every page: Jinja2 pages extend templates/jinja2/layout.html, and
Django templates get the same frame through config.layout (templates/base.html)."""

import re

import pytest
from django.test import Client

from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def frame(html: str) -> dict[str, str]:
    """The parts of a page the frame draws, without the current-page marker."""
    html = html.replace(' aria-current="page"', "")
    return {
        "stylesheets": re.findall(r'<link rel="stylesheet" href="[^"]+">', html)[:2],
        "header": re.search(r'<header class="site-header">.*?</header>', html, re.S)[0],
        "footer": re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)[0],
    }


def test_a_django_page_and_the_jinja2_post_page_share_the_frame(post):
    CategoryFactory(name="World", slug="world")
    client = Client()

    post_page = client.get(post.get_absolute_url()).content.decode()  # Jinja2
    home = client.get("/").content.decode()  # a Django template
    log_in = client.get("/accounts/login/").content.decode()  # allauth's

    assert frame(post_page) == frame(home) == frame(log_in)
    assert 'href="/category/world/"' in frame(home)["header"]


def test_a_django_page_fills_the_frames_title_and_content(post):
    html = Client().get("/no-such-page/").content.decode()

    assert "<title>Page not found – " in html
    assert '<main id="main"' in html
    assert "That page can’t be found." in html
    # The search form there is the Jinja2 fragment, drawn inside the Django page.
    assert 'id="not-found-search-input"' in html
