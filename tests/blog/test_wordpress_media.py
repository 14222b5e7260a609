"""Featured images: copied from --media-dir when there, else kept as their address."""

import pytest

from blog.models import Post
from blog.wordpress import WXRError, import_wxr, importer
from tests.blog.wordpress_support import (
    SELF_HOSTED,
    WORDPRESS_COM,
    files_under,
    row_counts,
    write,
)

pytestmark = pytest.mark.django_db

LAKE_URL = "http://oldblog.example.com/wp-content/uploads/2012/01/lake.png"


@pytest.fixture
def uploads(tmp_path, png_bytes):
    """A copy of wp-content/uploads holding the fixtures' images."""
    root = tmp_path / "uploads"
    for relative in ("2012/01/lake.png", "2012/02/bridge.png", "2015/03/cat.png"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(png_bytes)
    return root


def featured(wp_id: int) -> Post:
    return Post.objects.get(wordpress_id=wp_id)


def test_the_featured_image_is_copied_from_the_media_dir(uploads, settings):
    report = import_wxr(source=SELF_HOSTED, media_dir=uploads)

    hello = featured(101)
    assert hello.featured_image.name.endswith("lake.png")
    assert (settings.MEDIA_ROOT / hello.featured_image.name).is_file()
    assert hello.featured_image_alt == "A lake at dawn"
    assert hello.featured_image_url == LAKE_URL
    assert report.get("attachments", "created") == 2


def test_an_attachment_listed_after_its_post_is_found(uploads):
    import_wxr(source=SELF_HOSTED, media_dir=uploads)

    assert featured(102).featured_image.name.endswith("bridge.png")


def test_a_wordpress_com_upload_address_maps_to_year_and_month(uploads):
    import_wxr(source=WORDPRESS_COM, media_dir=uploads)

    assert featured(301).featured_image.name.endswith("cat.png")


def test_without_a_media_dir_the_original_address_is_kept_and_reported():
    report = import_wxr(source=SELF_HOSTED)

    hello = featured(101)
    assert not hello.featured_image
    assert hello.featured_image_url == LAKE_URL
    assert report.get("attachments", "skipped") == 2
    assert any(
        "2 featured image(s) kept as their WordPress address" in n
        for n in (report.notes)
    )


def test_an_image_missing_from_the_media_dir_is_reported_with_its_post(uploads):
    (uploads / "2012/01/lake.png").unlink()

    report = import_wxr(source=SELF_HOSTED, media_dir=uploads)

    assert not featured(101).featured_image
    assert featured(101).featured_image_url == LAKE_URL
    assert (
        "post 101 'Hello & welcome': featured image not found in media dir "
        "(2012/01/lake.png)"
    ) in report.problems


def test_a_file_that_is_not_an_image_is_refused_and_reported(uploads):
    (uploads / "2012/01/lake.png").write_bytes(b"<?php echo 'hi'; ?>")

    report = import_wxr(source=SELF_HOSTED, media_dir=uploads)

    assert not featured(101).featured_image
    assert any(
        p.startswith("post 101 'Hello & welcome': featured image lake.png refused")
        for p in report.problems
    )


def test_running_again_does_not_copy_the_image_again(uploads, settings):
    import_wxr(source=SELF_HOSTED, media_dir=uploads)
    files = files_under(settings.MEDIA_ROOT)

    report = import_wxr(source=SELF_HOSTED, media_dir=uploads)

    assert files_under(settings.MEDIA_ROOT) == files
    assert report.get("attachments", "unchanged") == 2


def test_a_dry_run_copies_no_image(uploads, settings):
    report = import_wxr(source=SELF_HOSTED, media_dir=uploads, dry_run=True)

    assert files_under(settings.MEDIA_ROOT) == []
    assert report.get("attachments", "created") == 2


def test_a_failed_import_removes_the_images_it_copied(
    uploads, settings, tmp_path, monkeypatch
):
    removed = []
    remove = importer._Importer.remove_saved_files

    def spy(self):
        removed.extend(name for _storage, name in self.saved_files)
        remove(self)

    monkeypatch.setattr(importer._Importer, "remove_saved_files", spy)
    text = SELF_HOSTED.read_text(encoding="utf-8")
    # Cut after the first post (whose image is copied), inside the next one.
    cut = text[: text.index("<wp:post_id>103")]
    path = write(tmp_path, cut, "cut.xml")
    before = row_counts()

    with pytest.raises(WXRError, match="not well-formed XML"):
        import_wxr(source=path, media_dir=uploads)

    assert [name.rsplit("/", 1)[-1] for name in removed] == ["lake.png"]
    assert files_under(settings.MEDIA_ROOT) == []
    assert row_counts() == before
