"""Remember which identity a reader logged in with, for the comment form."""

from __future__ import annotations

from comments.identity import IDENTITY_SESSION_KEY, NETWORK_KINDS


def remember_login_identity(sender, request, user, **kwargs):
    """After a network log-in keep its identity (name, profile, avatar) in the
    session; after a local log-in forget any earlier one."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None or sociallogin.account.provider not in NETWORK_KINDS:
        request.session.pop(IDENTITY_SESSION_KEY, None)
        return
    account = sociallogin.account
    wrapped = account.get_provider_account()
    request.session[IDENTITY_SESSION_KEY] = {
        "kind": NETWORK_KINDS[account.provider],
        "uid": str(account.uid),
        "name": wrapped.to_str() or user.get_username(),
        "url": wrapped.get_profile_url() or "",
        "avatar_url": wrapped.get_avatar_url() or "",
    }
