"""Response headers and early refusals that every page gets.

- A strict Content-Security-Policy on HTML responses: scripts and styles only from
  our own files, no plugins, no framing, forms only to this site (and to the social
  networks' log-in pages a log-in form redirects to).
- Request bodies larger than the site ever accepts are refused with a 413 page in
  the site's look before anything reads them.

Error pages here are rendered without the database, like the 500 page, so they
work whatever is failing.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse
from django.template import loader
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Where the social networks' log-in pages live: a form that starts a network log-in
# posts to this site, which redirects there, and browsers check `form-action` on
# every step of that redirect chain. The authorisation endpoints allauth uses are
# added as well (network_login_origins), so a changed address keeps working.
SOCIAL_LOGIN_ORIGINS = (
    "https://x.com",
    "https://*.x.com",
    "https://twitter.com",
    "https://*.twitter.com",
    "https://facebook.com",
    "https://*.facebook.com",
)
NETWORK_ADAPTERS = (
    "allauth.socialaccount.providers.twitter_oauth2.views.TwitterOAuth2Adapter",
    "allauth.socialaccount.providers.facebook.views.FacebookOAuth2Adapter",
)

DEFAULT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "https:", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'", *SOCIAL_LOGIN_ORIGINS],
}


def build_policy(directives: dict[str, list[str]]) -> str:
    """A Content-Security-Policy header value from {directive: [sources]}."""
    return "; ".join(
        " ".join([name, *sources]) for name, sources in directives.items() if sources
    )


def network_login_origins() -> list[str]:
    """The origins of the installed networks' authorisation endpoints."""
    origins = []
    for dotted in NETWORK_ADAPTERS:
        try:
            adapter = import_string(dotted)
        except ImportError:
            continue
        parts = urlsplit(str(getattr(adapter, "authorize_url", "") or ""))
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def policy_for(path: str) -> str:
    """The Content-Security-Policy header value for a page at `path`."""
    directives = dict(getattr(settings, "COLOPHON_CSP", None) or DEFAULT_POLICY)
    overrides = getattr(settings, "COLOPHON_CSP_PATH_OVERRIDES", {})
    for prefix, changes in overrides.items():
        if path.startswith(prefix):
            directives.update(changes)
            break
    form_action = directives.get("form-action", [])
    if form_action and "'none'" not in form_action:
        extra = [o for o in network_login_origins() if o not in form_action]
        directives["form-action"] = [*form_action, *extra]
    return build_policy(directives)


class ContentSecurityPolicyMiddleware:
    """Add the site's Content-Security-Policy to every HTML response.

    A view may set its own header first (it is kept). Non-HTML answers (feeds, JSON,
    images) need none: browsers do not run scripts from them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and (
            "Content-Security-Policy" not in response
        ):
            response["Content-Security-Policy"] = policy_for(request.path)
        return response


# --- Request size ------------------------------------------------------------


def max_request_bytes(content_type: str) -> int:
    """The largest body accepted: form data, plus the largest upload for multipart."""
    form_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    if content_type.startswith("multipart/"):
        upload_limit = getattr(settings, "COLOPHON_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
        return form_limit + upload_limit
    return form_limit


def render_error_page(
    template_name: str, *, status: int, context: dict | None = None
) -> HttpResponse:
    """An error page in the site's look, rendered without request or database."""
    page_context = {
        "site_name": settings.COLOPHON_SITE_NAME,
        "site_tagline": settings.COLOPHON_SITE_TAGLINE,
        "error_page": True,
        **(context or {}),
    }
    try:
        body = loader.get_template(template_name).render(page_context)
    except Exception:
        logger.exception("the %s page could not be rendered", status)
        title = page_context.get("title", "Error")
        body = f"<!doctype html><title>{status}</title><h1>{title} ({status})</h1>"
    return HttpResponse(body, status=status)


def request_too_large() -> HttpResponse:
    return render_error_page(
        "413.html",
        status=413,
        context={"title": _("That was too much to send")},
    )


class RequestSizeLimitMiddleware:
    """Answer 413 to a body larger than the site accepts, before a view sees it.

    Django refuses such bodies itself when request.POST is first read (by the CSRF
    check), but with a bare 400 page; this says what happened instead. A declared
    length over the limit is refused without reading a byte.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = max_request_bytes(request.META.get("CONTENT_TYPE", ""))
        if limit and length > limit:
            logger.warning(
                "refused a %d-byte %s to %s", length, request.method, request.path
            )
            return request_too_large()
        if request.method == "POST":
            try:
                # Parsed here (the CSRF check would do it next) so that form data
                # over Django's own limits gets the same clear answer.
                request.POST  # noqa: B018
            except (RequestDataTooBig, TooManyFieldsSent):
                logger.warning("refused an oversized form post to %s", request.path)
                return request_too_large()
        return self.get_response(request)


def csrf_failure(request, reason=""):
    """403 for a form without a valid CSRF token, in the site's look (Django's own
    page has an inline style the policy blocks)."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    response = render_error_page(
        "403_csrf.html",
        status=403,
        context={
            "title": _("The form could not be sent"),
            "no_cookie": reason == REASON_NO_CSRF_COOKIE,
        },
    )
    logger.warning("CSRF check failed for %s: %s", request.path, reason)
    return response


# --- Feeds -------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all (not even as references): most C0
# controls, lone surrogates and U+FFFE/U+FFFF. A reader can type them into a
# comment; left in, one of them makes every feed that shows it fail.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """`value` without the characters XML cannot hold (strings, also in lists)."""
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


class XmlSafeFeedMixin:
    """A feed generator that drops XML-invalid characters instead of failing."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *(xml_safe(arg) for arg in args),
            **{key: xml_safe(value) for key, value in kwargs.items()},
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *(xml_safe(arg) for arg in args),
            **{key: xml_safe(value) for key, value in kwargs.items()},
        )


class XmlSafeRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    pass


class XmlSafeAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    pass
