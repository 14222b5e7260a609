"""Signed one-click moderation links for emails: comment, action and moderator."""

from __future__ import annotations

from django.core import signing

SALT = "colophon.comments.moderation"
MAX_AGE = 7 * 24 * 3600
ACTIONS = ("approve", "spam", "trash")


def moderation_token(*, comment_id: int, action: str, moderator_id: int) -> str:
    return signing.dumps(
        {"c": comment_id, "a": action, "m": moderator_id}, salt=SALT, compress=True
    )


def read_moderation_token(token: str) -> dict:
    """The signed payload; raises signing.BadSignature (or expired) when not valid."""
    payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    if payload.get("a") not in ACTIONS:
        raise signing.BadSignature("unknown action")
    return payload
