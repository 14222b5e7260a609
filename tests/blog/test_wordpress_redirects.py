"""Old WordPress addresses answer 301 to the imported post."""

import pytest

from blog.models import Post, Redirect
from blog.wordpress import import_wxr
from tests.blog.wordpress_support import SELF_HOSTED, WORDPRESS_COM

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    import_wxr(source=SELF_HOSTED)
    import_wxr(source=WORDPRESS_COM)


def url_of(wp_id: int) -> str:
    return Post.objects.get(wordpress_id=wp_id).get_absolute_url()


def test_a_plain_p_permalink_redirects_to_the_post(imported, client):
    response = client.get("/?p=101")

    assert response.status_code == 301
    assert response["Location"] == url_of(101) == "/2012/01/08/hello-world/"


def test_a_page_id_permalink_redirects_to_the_page(imported, client):
    response = client.get("/?page_id=310")

    assert response.status_code == 301
    assert response["Location"] == url_of(310)


def test_p_of_a_post_that_is_not_published_shows_the_home_page(imported, client):
    assert client.get("/?p=104").status_code == 200
    assert client.get("/?p=103").status_code == 200


def test_p_that_is_not_a_number_shows_the_home_page(imported, client):
    assert client.get("/?p=hello").status_code == 200


def test_the_exports_own_link_path_redirects(imported, client):
    response = client.get("/archives/108")

    assert response.status_code == 301
    assert response["Location"] == url_of(108)


def test_a_page_link_redirects(imported, client):
    response = client.get("/about/")

    assert response.status_code == 301
    assert response["Location"] == url_of(110)


def test_an_old_slug_redirects(imported, client):
    response = client.get("/2015/03/14/first-draft-title/")

    assert response.status_code == 301
    assert response["Location"] == url_of(301)


def test_a_dated_link_equal_to_our_permalink_needs_no_redirect(imported, client):
    assert not Redirect.objects.filter(old_path="/2012/01/08/hello-world/").exists()
    assert client.get("/2012/01/08/hello-world/").status_code == 200


def test_a_cyrillic_permalink_works_without_a_redirect(imported, client):
    path = "/2012/02/03/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/"

    assert url_of(102) == path
    assert client.get(path).status_code == 200


def test_a_dated_link_in_another_time_zone_redirects(settings, client):
    # WordPress dated the post in its own zone; here the day starts earlier.
    settings.TIME_ZONE = "Pacific/Kiritimati"
    import_wxr(source=SELF_HOSTED)
    assert url_of(101) == "/2012/01/08/hello-world/"
    assert url_of(108) == "/2012/03/06/an-old-style-address/"

    response = client.get("/2012/03/05/an-old-style-address/")

    assert response.status_code == 301
    assert response["Location"] == url_of(108)
