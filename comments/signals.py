"""Remember which identity a reader logged in with; keep cached pages fresh."""

from __future__ import annotations

from django.db import transaction

from accounts.adapters import SOCIAL_RETURN_SESSION_KEY
from comments.identity import IDENTITY_SESSION_KEY, NETWORK_KINDS, network_identity_data
from config.pagecache import bump_post_discussion


def remember_login_identity(sender, request, user, **kwargs):
    """After a network log-in keep its identity (name, profile, avatar) in the
    session; after a local log-in forget any earlier one."""
    request.session.pop(SOCIAL_RETURN_SESSION_KEY, None)
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None or sociallogin.account.provider not in NETWORK_KINDS:
        request.session.pop(IDENTITY_SESSION_KEY, None)
        return
    identity = network_identity_data(sociallogin.account)
    identity["name"] = identity["name"] or user.get_username()
    request.session[IDENTITY_SESSION_KEY] = identity


def comment_changed(sender, instance, raw=False, created=False, **kwargs):
    """A comment was written or removed: its post's cached pages are stale.

    Not for a new comment that is not approved: readers share only approved ones
    (its author sees a held one on pages that are never shared).
    """
    if raw or (created and instance.status != instance.Status.APPROVED):
        return
    post = instance.post
    transaction.on_commit(lambda: bump_post_discussion(post))
