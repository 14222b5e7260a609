"""Featured images from a copy of wp-content/uploads (the --media-dir)."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File

from blog.images import validate_image_upload
from blog.wordpress.mapping import media_candidates


def find_media_file(media_dir: Path, url: str, attached_file: str = "") -> Path | None:
    """The file under `media_dir` an attachment URL points at, or None.

    Never a path outside `media_dir`, whatever the export says.
    """
    root = media_dir.resolve()
    for relative in media_candidates(url, attached_file):
        path = (root / relative).resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


def check_image(path: Path) -> None:
    """Raise ValidationError unless the file passes the featured image upload checks."""
    with path.open("rb") as handle:
        validate_image_upload(File(handle, name=path.name))
