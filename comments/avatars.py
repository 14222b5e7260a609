"""Avatar URLs: Gravatar from the email hash, or a locally drawn identicon."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from comments.identity import email_hash

SIZE = 96


def _gravatar_query(size: int) -> str:
    return urlencode({"s": size, "d": "identicon", "r": "g"})


_GRAVATAR_QUERY = _gravatar_query(SIZE)


def gravatar_url(email: str, size: int = SIZE) -> str:
    query = _GRAVATAR_QUERY if size == SIZE else _gravatar_query(size)
    return f"https://www.gravatar.com/avatar/{email_hash(email)}?{query}"


_DIGEST_MARK = "0" * 32


@lru_cache(maxsize=8)
def _local_avatar_pattern(urlconf: str, script_prefix: str) -> str:
    # One URL lookup per URL configuration: a thread shows hundreds of avatars.
    return reverse("comments:avatar", urlconf=urlconf, kwargs={"digest": _DIGEST_MARK})


def local_avatar_url(seed: str) -> str:
    pattern = _local_avatar_pattern(
        get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
    return pattern.replace(_DIGEST_MARK, email_hash(seed))


def avatar_for(*, email: str, avatar_url: str, seed: str, external: bool) -> str:
    """What a comment's <img> shows, honouring the 'external avatars' setting."""
    if external:
        if avatar_url.startswith(("https://", "http://")):
            return avatar_url
        if email:
            return gravatar_url(email)
    return local_avatar_url(email or seed)


def identicon_svg(digest: str) -> str:
    """A symmetric 5x5 pattern in one colour, drawn from a hex digest."""
    digest = (digest * 2)[:32]
    hue = int(digest[:3], 16) % 360
    cells = []
    for row in range(5):
        for col in range(3):
            if int(digest[3 + row * 3 + col], 16) % 2 == 0:
                for x in {col, 4 - col}:
                    cells.append(
                        f'<rect x="{x * 10 + 5}" y="{row * 10 + 5}" '
                        'width="10" height="10"/>'
                    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60" '
        'width="96" height="96">'
        '<rect width="60" height="60" fill="#f2f2f2"/>'
        f'<g fill="hsl({hue}, 55%, 45%)">{"".join(cells)}</g></svg>'
    )
