"""Avatar URLs: Gravatar from the email hash, or a locally drawn identicon."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from comments.identity import email_hash

SIZE = 96


def gravatar_url(email: str, size: int = SIZE) -> str:
    query = urlencode({"s": size, "d": "identicon", "r": "g"})
    return f"https://www.gravatar.com/avatar/{email_hash(email)}?{query}"


def local_avatar_url(seed: str) -> str:
    return reverse("comments:avatar", kwargs={"digest": email_hash(seed)})


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
