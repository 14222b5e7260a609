"""Who is commenting: a guest, a local account, or a social network identity.

Every comment stores a snapshot of its commenter's identity, so moderation rules
("already approved", flood) can key on one value whatever the kind of commenter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


class Kind:
    GUEST = "guest"
    LOCAL = "local"
    TWITTER = "twitter"
    FACEBOOK = "facebook"

    CHOICES = [
        (GUEST, "Guest"),
        (LOCAL, "Local account"),
        (TWITTER, "Twitter"),
        (FACEBOOK, "Facebook"),
    ]
    NETWORKS = {TWITTER: "Twitter", FACEBOOK: "Facebook"}


# Where a network log-in's identity is kept (set by comments.signals).
IDENTITY_SESSION_KEY = "colophon_identity"

# The lengths of the comment columns a network identity is copied into.
NAME_MAX_LENGTH = 200
URL_MAX_LENGTH = 500
AVATAR_URL_MAX_LENGTH = 1000

# allauth provider id → the kind of identity it gives.
NETWORK_KINDS = {
    "twitter_oauth2": Kind.TWITTER,
    "twitter": Kind.TWITTER,
    "facebook": Kind.FACEBOOK,
}


@dataclass(frozen=True)
class Identity:
    kind: str
    uid: str
    name: str
    email: str = ""
    url: str = ""
    avatar_url: str = ""
    user_id: int | None = None

    @property
    def key(self) -> str:
        """One stable value per commenter, for moderation and flood rules."""
        return f"{self.kind}:{self.uid}"

    @property
    def is_guest(self) -> bool:
        return self.kind == Kind.GUEST


def guest_identity(*, name: str, email: str, url: str = "") -> Identity:
    email = email.strip()
    return Identity(
        kind=Kind.GUEST,
        uid=email_hash(email),
        name=name.strip(),
        email=email,
        url=url.strip(),
    )


def local_identity(user) -> Identity:
    profile = getattr(user, "profile", None)
    return Identity(
        kind=Kind.LOCAL,
        uid=str(user.pk),
        name=user.display_name,
        email=user.email,
        url=(profile.website if profile else "") or "",
        user_id=user.pk,
    )


def email_hash(email: str) -> str:
    """The Gravatar hash of an address (also our guest identity key)."""
    return hashlib.md5(  # noqa: S324 - Gravatar's protocol, not a security use  # nosec B324
        email.strip().lower().encode("utf-8")
    ).hexdigest()


def identity_for_request(request) -> Identity | None:
    """The identity a logged-in reader comments with, or None for a guest.

    A network log-in left its identity in the session (comments.signals); any other
    log-in is the local account.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    network = request.session.get(IDENTITY_SESSION_KEY)
    if network:
        return Identity(
            kind=network["kind"],
            uid=network["uid"],
            name=network["name"],
            url=network.get("url", ""),
            avatar_url=network.get("avatar_url", ""),
            user_id=user.pk,
        )
    return local_identity(user)


def _web_url(value, max_length: int) -> str:
    """An http(s) address a network gave us, or "" (never javascript: and the like)."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if len(value) > max_length or not value.lower().startswith(("https://", "http://")):
        return ""
    return value


def network_identity_data(account) -> dict[str, str]:
    """What the comment form needs about a network account (an allauth SocialAccount):
    its kind, uid, display name, profile and avatar, ready for the session."""
    wrapped = account.get_provider_account()
    extra = account.extra_data if isinstance(account.extra_data, dict) else {}
    # Not wrapped.to_str(): it prefers a network's email address to the name.
    name = extra.get("name") or extra.get("username") or ""
    avatar = wrapped.get_avatar_url()
    if not avatar and account.provider == "facebook":
        # allauth's Facebook account has no avatar; the Graph "picture" field has.
        picture = extra.get("picture")
        if isinstance(picture, dict) and isinstance(picture.get("data"), dict):
            avatar = picture["data"].get("url")
    return {
        "kind": NETWORK_KINDS[account.provider],
        "uid": str(account.uid),
        "name": str(name).strip()[:NAME_MAX_LENGTH],
        "url": _web_url(wrapped.get_profile_url(), URL_MAX_LENGTH),
        "avatar_url": _web_url(avatar, AVATAR_URL_MAX_LENGTH),
    }


def configured_networks(request) -> list:
    """The allauth providers for Twitter and Facebook that have keys, in that order
    (the adapter keeps one application per network: accounts.adapters)."""
    from allauth.socialaccount.adapter import get_adapter

    found = {
        provider.id: provider
        for provider in get_adapter(request).list_providers(request)
    }
    return [found[pid] for pid in NETWORK_KINDS if pid in found]


def network_name(provider_id: str) -> str:
    """What readers call a network ("Twitter", not allauth's "X")."""
    return Kind.NETWORKS.get(NETWORK_KINDS.get(provider_id, ""), provider_id)


def configured_network(request, provider_id: str):
    return next((p for p in configured_networks(request) if p.id == provider_id), None)
