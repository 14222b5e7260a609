import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from PIL import Image

from blog.images import validate_image_upload
from blog.models import Post
from tests.factories import PostFactory


def noisy_image(fmt: str, size=(320, 240), mode="RGB") -> bytes:
    """A photo-like image: noise does not compress, so a cut really loses pixels."""
    rng = random.Random(fmt)
    channels = len(mode)
    pixels = bytes(rng.getrandbits(8) for _ in range(size[0] * size[1] * channels))
    buffer = io.BytesIO()
    Image.frombytes(mode, size, pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def big_but_tiny_png(width: int, height: int) -> bytes:
    """A one-bit PNG: huge dimensions, a few kilobytes on disk."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def error_code(data: bytes, name: str = "image.png") -> str | None:
    try:
        validate_image_upload(upload(name, data))
    except ValidationError as error:
        return error.code
    return None


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("PNG", "a.png"), ("JPEG", "a.jpg"), ("GIF", "a.gif"), ("WEBP", "a.webp")],
)
def test_served_image_types_are_accepted(fmt, name):
    assert error_code(noisy_image(fmt), name) is None


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO"])
def test_other_image_types_are_refused(fmt):
    assert error_code(noisy_image(fmt, size=(64, 64)), f"a.{fmt.lower()}") == (
        "image_format"
    )


def test_a_text_file_named_png_is_refused():
    assert error_code(b"just some text, honestly\n" * 20) == "invalid_image"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_a_truncated_image_is_refused(fmt):
    data = noisy_image(fmt)

    assert error_code(data[: len(data) // 2], f"cut.{fmt.lower()}") == "invalid_image"


def test_an_empty_file_is_refused():
    assert error_code(b"") == "invalid_image"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.COLOPHON_MAX_IMAGE_BYTES = 2_000
    data = noisy_image("PNG", size=(100, 100))

    with pytest.raises(ValidationError) as caught:
        validate_image_upload(upload("big.png", data))

    assert caught.value.code == "image_too_large"
    assert "the limit is 2.0\xa0KB" in caught.value.messages[0]


def test_a_decompression_bomb_is_refused_without_decoding_it():
    bomb = big_but_tiny_png(20_000, 20_000)
    assert len(bomb) < 100_000  # small on disk, 400 megapixels in memory

    assert error_code(bomb, "bomb.png") == "image_bomb"


def test_an_image_just_over_pillows_warning_limit_is_refused():
    assert error_code(big_but_tiny_png(10_000, 10_000), "big.png") == "image_bomb"


def test_the_pixel_limit_is_a_setting(settings):
    settings.COLOPHON_MAX_IMAGE_PIXELS = 100 * 100

    assert error_code(noisy_image("PNG", size=(101, 100))) == "image_bomb"
    assert error_code(noisy_image("PNG", size=(100, 100))) is None


def test_validation_leaves_the_upload_where_it_was():
    file = upload("a.png", noisy_image("PNG"))
    file.seek(10)

    validate_image_upload(file)

    assert file.tell() == 10


# --- Through a form -------------------------------------------------------------

PostImageForm = modelform_factory(Post, fields=["title", "featured_image"])


def bound_form(data: bytes, name: str, instance=None):
    return PostImageForm(
        data={"title": "With a picture"},
        files={"featured_image": upload(name, data)},
        instance=instance,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("notes.png", lambda: b"plain text pretending\n" * 30, "invalid_image"),
        ("cut.jpg", lambda: noisy_image("JPEG")[:3000], "invalid_image"),
        ("cut.gif", lambda: noisy_image("GIF")[:3000], "invalid_image"),
        ("old.bmp", lambda: noisy_image("BMP", size=(32, 32)), "image_format"),
        ("bomb.png", lambda: big_but_tiny_png(20_000, 20_000), "invalid_image"),
        ("big.png", lambda: big_but_tiny_png(10_000, 10_000), "image_bomb"),
    ],
)
def test_a_bad_upload_is_an_error_on_the_image_field(name, make, code):
    form = bound_form(make(), name)

    assert not form.is_valid()
    assert list(form.errors) == ["featured_image"]
    assert [error.code for error in form.errors.as_data()["featured_image"]] == [code]


@pytest.mark.django_db
def test_an_oversized_upload_is_an_error_on_the_image_field(settings):
    settings.COLOPHON_MAX_IMAGE_BYTES = 1_000

    form = bound_form(noisy_image("PNG", size=(64, 64)), "photo.png")

    assert not form.is_valid()
    assert form.errors.as_data()["featured_image"][0].code == "image_too_large"


@pytest.mark.django_db
def test_a_good_upload_passes_the_form_and_is_stored(author):
    post = PostFactory(author=author)
    form = bound_form(noisy_image("JPEG"), "photo.jpg", instance=post)

    assert form.is_valid(), form.errors
    form.save()

    post.refresh_from_db()
    assert post.featured_image.name.endswith(".jpg")
    assert post.featured_image.storage.exists(post.featured_image.name)


@pytest.mark.django_db
def test_a_stored_image_is_not_checked_again_when_other_fields_change(author, settings):
    post = PostFactory(
        author=author,
        featured_image=upload("photo.png", noisy_image("PNG", size=(64, 64))),
    )
    # Limits tightened later, and the file lost from storage meanwhile: editing
    # the title must still work.
    settings.COLOPHON_MAX_IMAGE_BYTES = 10
    post.featured_image.storage.delete(post.featured_image.name)
    form = PostImageForm(data={"title": "Renamed"}, instance=post)

    assert form.is_valid(), form.errors
