"""Identity policy: who may sign up, where log-ins return, what a network may set."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError, AuthProcess
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from requests import HTTPError

logger = logging.getLogger(__name__)

# Set by the comment form's identity buttons: where a network log-in comes back to.
SOCIAL_RETURN_SESSION_KEY = "colophon_social_return"

# allauth calls the network "X"; readers and the comment form say Twitter.
NETWORK_NAMES = {"twitter_oauth2": "Twitter", "twitter": "Twitter"}


def _network_name(provider) -> str:
    provider_id = getattr(provider, "id", "")
    return (
        NETWORK_NAMES.get(provider_id)
        or getattr(provider, "name", "")
        or _("the network")
    )


def _same_site(request: HttpRequest, url: str | None) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _return_url(request: HttpRequest, state: dict | None = None) -> str:
    """Where a network log-in goes back to: the comment form it started from."""
    target = request.session.pop(SOCIAL_RETURN_SESSION_KEY, None)
    if not _same_site(request, target) and state:
        target = state.get("next")
    return target if _same_site(request, target) else "/"


def _is_denial(error: str | None, exception: BaseException | None) -> bool:
    """The network answered, but refused: the app lacks a permission or scope."""
    if error == AuthError.DENIED or isinstance(exception, PermissionDenied):
        return True
    response = getattr(exception, "response", None)
    return isinstance(exception, HTTPError) and getattr(
        response, "status_code", None
    ) in (401, 403)


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url: str | None) -> bool:
        """Only addresses on this site are ever used as a `next` destination."""
        request = self.request or allauth_context.request
        allowed = {request.get_host()} if request is not None else set()
        return bool(url) and url_has_allowed_host_and_scheme(
            url, allowed_hosts=allowed, require_https=False
        )

    def format_email_subject(self, subject) -> str:
        prefix = account_settings.EMAIL_SUBJECT_PREFIX
        if prefix is None:
            prefix = f"[{settings.COLOPHON_SITE_NAME}] "
        return f"{prefix}{subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's mails greet "from" the Sites framework's name, "example.com"
        # until someone edits it; the site's own name is the one readers know.
        request = allauth_context.request
        host = (
            request.get_host()
            if request is not None
            else urlsplit(settings.COLOPHON_BASE_URL).netloc
        )
        site = SimpleNamespace(name=settings.COLOPHON_SITE_NAME, domain=host)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def post_login(self, request, user, **kwargs):
        # The comment form announces a network identity itself ("You are commenting
        # using your Twitter account"); allauth's "Successfully signed in as …"
        # would name the username made up for it instead.
        signal_kwargs = kwargs.get("signal_kwargs") or {}
        self._network_login = signal_kwargs.get("sociallogin") is not None
        return super().post_login(request, user, **kwargs)

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if (
            getattr(self, "_network_login", False)
            and message_template == "account/messages/logged_in.txt"
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # A network's email is never used to find, join or warn a local account:
        # with addresses left here allauth would compare them with its users'.
        user.email = ""
        sociallogin.email_addresses = []
        return user

    def save_user(self, request, sociallogin, form=None):
        user = sociallogin.user
        # Whatever a network says, a social log-in never grants staff rights.
        user.is_staff = False
        user.is_superuser = False
        return super().save_user(request, sociallogin, form)

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def list_apps(self, request, provider=None, client_id=None):
        """One application per network: when a network is configured both in the
        admin and in the environment, the admin's wins (allauth lists it first) and
        the other is ignored, instead of every log-in failing as ambiguous."""
        chosen = {}
        for app in super().list_apps(request, provider=provider, client_id=client_id):
            chosen.setdefault(app.provider, app)
        return list(chosen.values())

    def get_app(self, request, provider, client_id=None):
        """A network without keys is simply not here: its allauth pages answer 404,
        not a server error."""
        from allauth.socialaccount.models import SocialApp

        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404(f"{provider} is not configured") from None

    def pre_social_login(self, request, sociallogin) -> None:
        """A network identity never opens, nor gets attached to, a staff account."""
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            user = request.user
        else:
            user = sociallogin.user if sociallogin.is_existing else None
        if user is None or not (user.is_staff or user.is_superuser):
            return
        messages.error(
            request,
            _(
                "A %(network)s identity cannot be used with a staff account; log in "
                "with your password instead."
            )
            % {"network": _network_name(sociallogin.provider)},
        )
        raise ImmediateHttpResponse(
            HttpResponseRedirect(_return_url(request, sociallogin.state))
        )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """Back to the comment form (the draft is in the session) with the reason."""
        name = _network_name(provider)
        if exception is not None:
            logger.warning("Log-in with %s failed: %r", name, exception)
        if error == AuthError.CANCELLED:
            message = _(
                "You cancelled the log-in with %(network)s. Your comment is still here."
            )
        elif _is_denial(error, exception):
            message = _(
                "%(network)s did not give permission to log in. Your comment is still "
                "here."
            )
        else:
            message = _(
                "Could not connect to %(network)s (the log-in failed or took too "
                "long). Your comment is still here; please try again."
            )
        messages.error(request, message % {"network": name})
        state = (extra_context or {}).get("state")
        raise ImmediateHttpResponse(HttpResponseRedirect(_return_url(request, state)))
