"""Identity policy: who may sign up, where log-ins return, what a network may set."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# Set by the comment form's identity buttons: where a network log-in comes back to.
SOCIAL_RETURN_SESSION_KEY = "colophon_social_return"


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url: str | None) -> bool:
        """Only addresses on this site are ever used as a `next` destination."""
        request = self.request
        allowed = {request.get_host()} if request is not None else set()
        return bool(url) and url_has_allowed_host_and_scheme(
            url, allowed_hosts=allowed, require_https=False
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # A network's email is never used to find or join a local account.
        user.email = ""
        return user

    def save_user(self, request, sociallogin, form=None):
        user = sociallogin.user
        # Whatever a network says, a social log-in never grants staff rights.
        user.is_staff = False
        user.is_superuser = False
        return super().save_user(request, sociallogin, form)

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """Back to the comment form (the draft is in the session) with the reason."""
        name = getattr(provider, "name", _("the network"))
        if error == AuthError.CANCELLED:
            message = _(
                "You cancelled the log-in with %(network)s. Your comment is still here."
            )
        elif error == AuthError.DENIED:
            message = _(
                "%(network)s did not give permission to log in. Your comment is still "
                "here."
            )
        else:
            message = _(
                "We could not connect to %(network)s (the log-in failed or took too "
                "long). Your comment is still here; please try again."
            )
        messages.error(request, message % {"network": name})
        target = request.session.pop(SOCIAL_RETURN_SESSION_KEY, None)
        if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            target = "/"
        raise ImmediateHttpResponse(HttpResponseRedirect(target))
