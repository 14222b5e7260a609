"""Uploaded image checks and resized renditions (featured images, avatars)."""

from __future__ import annotations

import io
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def max_image_bytes() -> int:
    return getattr(settings, "COLOPHON_MAX_IMAGE_BYTES", 10 * 1024 * 1024)


def max_image_pixels() -> int:
    return getattr(settings, "COLOPHON_MAX_IMAGE_PIXELS", 40_000_000)


def validate_image_upload(file) -> None:
    """Refuse files that are too big, not a served image type, or pixel bombs."""
    if file.size is not None and file.size > max_image_bytes():
        raise ValidationError(
            _("The image is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(file.size / 1_048_576, 1),
                "limit": round(max_image_bytes() / 1_048_576, 1),
            },
            code="image_too_large",
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                image_format = image.format
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels to process safely."), code="image_bomb"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("Upload a valid image: the file is not an image or is damaged."),
            code="invalid_image",
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Use a JPEG, PNG, GIF or WebP image."), code="image_format"
        )
    if width * height > max_image_pixels():
        raise ValidationError(
            _("The image has too many pixels to process safely."), code="image_bomb"
        )


def make_rendition(
    source, *, max_width: int, max_height: int | None = None
) -> ContentFile:
    """A JPEG no larger than the box, EXIF-oriented, as a named ContentFile."""
    source.open("rb")
    try:
        with Image.open(source) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_width, max_height or max_width * 4), Image.LANCZOS)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(
                buffer, format="JPEG", quality=82, optimize=True, progressive=True
            )
    finally:
        source.close()
    stem = PurePosixPath(source.name).stem
    return ContentFile(buffer.getvalue(), name=f"{stem}-{max_width}w.jpg")
