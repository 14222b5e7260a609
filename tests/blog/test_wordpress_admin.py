"""The admin page that imports an uploaded WordPress export."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Post
from tests.blog.wordpress_support import SELF_HOSTED, row_counts

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:blog_post_import_wordpress")
CHANGELIST = reverse("admin:blog_post_changelist")


def upload(content: bytes | None = None, name="export.xml"):
    return SimpleUploadedFile(
        name, SELF_HOSTED.read_bytes() if content is None else content, "text/xml"
    )


def test_authors_may_not_open_the_import_page(client, author):
    client.force_login(author)

    assert client.get(IMPORT_URL).status_code == 403


def test_authors_may_not_post_an_import(client, author):
    client.force_login(author)

    response = client.post(IMPORT_URL, {"file": upload()})

    assert response.status_code == 403
    assert not Post.objects.exists()


def test_readers_are_sent_to_the_admin_login(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editors_may_open_the_import_page(client, editor):
    client.force_login(editor)

    response = client.get(IMPORT_URL)

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def test_an_upload_runs_the_import_and_shows_the_summary(client, superuser):
    client.force_login(superuser)

    response = client.post(IMPORT_URL, {"file": upload()})

    assert response.status_code == 200
    assert Post.objects.filter(wordpress_id=101).exists()
    assert response.context["report"].get("posts", "created") == 7
    page = response.content.decode()
    assert "WordPress import of export.xml: done" in page
    assert "post 106 &#x27;Thrown away&#x27;: in the trash; not imported" in page


def test_an_upload_can_be_a_dry_run(client, editor):
    client.force_login(editor)
    before = row_counts()

    response = client.post(IMPORT_URL, {"file": upload(), "dry_run": "on"})

    assert "dry run, nothing was written" in response.content.decode()
    assert row_counts() == before


def test_an_upload_takes_an_author_map(client, superuser):
    client.force_login(superuser)

    client.post(IMPORT_URL, {"file": upload(), "author_map": "alice=root\nbob=root\n"})

    assert Post.objects.get(wordpress_id=101).author == superuser


def test_a_file_that_is_not_a_wordpress_export_gets_a_clear_error(client, editor):
    client.force_login(editor)
    before = row_counts()

    response = client.post(
        IMPORT_URL, {"file": upload(b"<html><body>Hi</body></html>", "page.html")}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This is not a WordPress export: it is an XML file whose root element is "
        "<html>, not <rss>."
    ]
    assert row_counts() == before


def test_a_broken_file_error_names_the_line(client, editor):
    client.force_login(editor)
    cut = SELF_HOSTED.read_bytes()[:3000]
    line = cut.count(b"\n") + 1

    response = client.post(IMPORT_URL, {"file": upload(cut)})

    [message] = response.context["form"].errors["file"]
    assert message.startswith("The file is not well-formed XML")
    assert f"at line {line}," in message


def test_the_changelist_links_to_the_import_page_for_editors(client, editor):
    client.force_login(editor)

    assert IMPORT_URL.encode() in client.get(CHANGELIST).content


def test_the_changelist_has_no_import_link_for_authors(client, author):
    client.force_login(author)

    assert IMPORT_URL.encode() not in client.get(CHANGELIST).content
