"""Django templates in the site's Jinja2 frame, and Jinja2 fragments inside them.

The frame (templates/jinja2/layout.html) and the fragments lists share with the
post page (post meta, terms, search form, meta tags) are Jinja2 templates, written
once. Django templates use them through this tag library (`{% load layout %}`):

    {% layout %}
      {% part "title" %}…{% endpart %}{% part "content" %}…{% endpart %}
    {% endlayout %}

draws each part, then the frame around them (templates/base.html does this, so a
Django page still just extends "base.html" and fills its blocks); and

    {% jinja "blog/includes/post_meta.html" post=post %}

draws a Jinja2 fragment with the given values (and the request, site name and
tagline, as the Jinja2 context processors give them).
"""

from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()

# What the frame reads from a Django page's context.
FRAME_CONTEXT = (
    "request",
    "user",
    "messages",
    "site_name",
    "site_tagline",
    "search_words",
    "error_page",
)


def _render(name: str, values: dict) -> str:
    # The Django context processors have already run: their values are in `values`.
    return mark_safe(  # noqa: S308 - an autoescaped template's output  # nosec B308 B703
        engines["jinja2"].env.get_template(name).render(values)
    )


class LayoutNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        parts: dict[str, str] = {}
        with context.push(layout_parts=parts):
            self.nodelist.render(context)
        values = {name: context.get(name) for name in FRAME_CONTEXT}
        return _render("django_page.html", {**values, "parts": parts})


class PartNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        context["layout_parts"][self.name.resolve(context)] = mark_safe(  # noqa: S308  # nosec B308 B703
            self.nodelist.render(context)
        )
        return ""


@register.tag
def layout(parser, token):
    """Draw the `part`s inside, then the site's frame around them."""
    nodelist = parser.parse(("endlayout",))
    parser.delete_first_token()
    return LayoutNode(nodelist)


@register.tag
def part(parser, token):
    """One named part of the frame: title, meta, head, content or scripts."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% part %} takes one name")
    nodelist = parser.parse(("endpart",))
    parser.delete_first_token()
    return PartNode(parser.compile_filter(bits[1]), nodelist)


@register.simple_tag(takes_context=True)
def jinja(context, name, **values):
    """The Jinja2 template `name` drawn with `values`."""
    frame = {key: context.get(key) for key in FRAME_CONTEXT}
    return _render(name, {**frame, **values})
