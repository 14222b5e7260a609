"""The Jinja2 environment for the fragments a page repeats hundreds of times.

Pages are Django templates. The comment thread and the link lists (one row per
comment or link, up to a thousand on a page) are Jinja2 templates: they compile to
Python functions and render several times faster, which is what lets a post with
hundreds of comments render quickly with every cache cold (docs/performance.md).
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from blog.markup import web_url


def environment(**options) -> Environment:
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    # Always on, whatever the settings say: these templates print reader text.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # Django's catalogues, so both kinds of template speak the reader's language.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters["web_url"] = web_url
    return env
