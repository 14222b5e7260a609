"""Uploaded image checks and resized renditions (featured images, avatars)."""

from __future__ import annotations

import io
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def max_image_bytes() -> int:
    return getattr(settings, "COLOPHON_MAX_IMAGE_BYTES", 10 * 1024 * 1024)


def max_image_pixels() -> int:
    return getattr(settings, "COLOPHON_MAX_IMAGE_PIXELS", 40_000_000)


def _rewind(file) -> None:
    if hasattr(file, "seek"):
        file.seek(0)


def _bomb_error() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels to process safely."), code="image_bomb"
    )


def validate_image_upload(file) -> None:
    """Refuse files that are too big, not a served image type, damaged or pixel bombs.

    A file already in storage was checked when it was uploaded: saving a post or
    profile again neither re-reads it nor fails because a limit changed since.
    """
    if getattr(file, "_committed", False):
        return
    if file.size is not None and file.size > max_image_bytes():
        raise ValidationError(
            _("The image is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(file.size),
                "limit": filesizeformat(max_image_bytes()),
            },
            code="image_too_large",
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        with warnings.catch_warnings():
            # Pillow only warns up to twice its own pixel limit; refuse as well.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _rewind(file)
            with Image.open(file) as image:
                width, height = image.size
                image_format = image.format
                image.verify()
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Use a JPEG, PNG, GIF or WebP image."), code="image_format"
                )
            if width * height > max_image_pixels():
                raise _bomb_error()
            # Only decoding finds a cut-off JPEG or GIF (verify() reads headers);
            # JPEGs decode at an eighth of their size, which is enough for that.
            _rewind(file)
            with Image.open(file) as image:
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb_error() from None
    except Exception:
        # Pillow reports damaged files with many exception types.
        raise ValidationError(
            _("Upload a valid image: the file is not an image or is damaged."),
            code="invalid_image",
        ) from None
    finally:
        if position is not None:
            file.seek(position)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB or greyscale for JPEG; transparent areas become white, not black."""
    if image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    ):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    return image


def make_rendition(
    source, *, max_width: int, max_height: int | None = None
) -> ContentFile:
    """A JPEG no larger than the box, EXIF-oriented, as a named ContentFile."""
    source.open("rb")
    try:
        with Image.open(source) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_width, max_height or max_width * 4), Image.LANCZOS)
            image = _flatten(image)
            buffer = io.BytesIO()
            image.save(
                buffer, format="JPEG", quality=82, optimize=True, progressive=True
            )
    finally:
        source.close()
    stem = PurePosixPath(source.name).stem
    return ContentFile(buffer.getvalue(), name=f"{stem}-{max_width}w.jpg")
