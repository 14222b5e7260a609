"""The Jinja2 environment: the site's frame and its hottest pages.

The frame every page shares (templates/jinja2/layout.html: head, header, footer) and
the post page with its comment thread and link lists are Jinja2 templates: they
compile to Python functions and render several times faster than Django templates,
which is what lets a post with hundreds of comments and links render quickly with
every cache cold (docs/performance.md). Django templates (allauth, forms, the
admin, lists of posts) keep the same frame through config.layout.
"""

from __future__ import annotations

from functools import lru_cache

from django.template.defaultfilters import linebreaks_filter, truncatechars
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment

from blog.markup import web_url
from blog.post_page import json_ld
from comments.rendering import comment_section
from likes.rendering import like_section


def url(name: str, *args, **kwargs) -> str:
    """reverse() as Django's {% url %} tag uses it."""
    if args or kwargs:
        return reverse(name, args=args, kwargs=kwargs)
    # The frame's links (home, feeds, log-in) are the same on every page.
    return _fixed_url(name, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=64)
def _fixed_url(name: str, urlconf, script_prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def date(value, format_string: str) -> str:
    """Django's `date` filter, in the current time zone as Django templates show
    datetimes."""
    return date_format(timezone.template_localtime(value), format_string)


def header_categories(request) -> list[tuple[str, str]]:
    """The header's category links, kept per site version on cached-page requests."""
    from blog.models import Category
    from config.pagecache import per_site_version

    return per_site_version(request, ("category nav",), Category.objects.navigation)


def absolute_uri(request, location: str) -> str:
    return request.build_absolute_uri(location)


def linebreaks(value) -> str:
    """Django's `linebreaks` filter: paragraphs and <br>s, the text escaped."""
    return linebreaks_filter(value, autoescape=True)


def environment(**options) -> Environment:
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    # Always on, whatever the settings say: these templates print reader text.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # Django's catalogues, so both kinds of template speak the reader's language.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(
        url=url,
        static=static,
        language=get_language,
        absolute_uri=absolute_uri,
        header_categories=header_categories,
        json_ld=json_ld,
        like_section=like_section,
        comment_section=comment_section,
    )
    env.filters.update(
        web_url=web_url,
        date=date,
        linebreaks=linebreaks,
        truncatechars=truncatechars,
    )
    return env
