"""Reader page helpers: navigation, link lists, absolute and canonical URLs, JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template import engines
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from blog.markup import web_url
from blog.models import Category
from blog.post_page import PostTerms
from config import pagecache

register = template.Library()

# Inside <script> the HTML parser ends at "</script>" whatever JSON thinks, so
# markup characters are written as JSON escapes (as Django's json_script does).
_SCRIPT_SAFE_JSON = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@register.inclusion_tag("blog/tags/category_nav.html", takes_context=True)
def category_nav(context):
    """Top-level categories as navigation links: (name, address) pairs, read in one
    query, or kept per site version on pages the page cache handles."""
    request = context.get("request")
    return {
        "categories": pagecache.per_site_version(
            request, ("category nav",), _top_categories
        ),
        "current_path": request.path if request else "",
    }


def _top_categories() -> list[tuple[str, str]]:
    return [
        (category.name, category.get_absolute_url())
        for category in Category.objects.filter(parent=None)
    ]


@register.simple_tag
def post_link_lists(link_lists):
    """The post page's link lists (blog.post_page.shown_link_lists) drawn by
    blog/jinja2/blog/link_lists.html."""
    html = (
        engines["jinja2"]
        .get_template("blog/link_lists.html")
        .render({"link_lists": link_lists, "related_links": gettext("Related links")})
    )
    return mark_safe(html)  # noqa: S308 - an autoescaped template's output  # nosec B308 B703


@register.filter
def terms(post) -> PostTerms:
    """A listed post's categories and tags, from its prefetched rows."""
    return PostTerms.of(post)


register.filter("web_url", web_url)


@register.simple_tag(takes_context=True)
def absolute_uri(context, location):
    """`location` (a path or URL) as an absolute URL on the requested host."""
    return context["request"].build_absolute_uri(location)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """This page's URL for page `number`, other query parameters kept; page 1 bare."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    if int(number) > 1:
        params["page"] = number
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


@register.simple_tag(takes_context=True)
def canonical_url(context, path=None):
    """This page's absolute URL, keeping only the page number and search words."""
    request = context["request"]
    params = {}
    if context.get("search_words"):
        params["s"] = context["search_words"]
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        params["page"] = page_obj.number
    url = request.build_absolute_uri(path or request.path)
    return f"{url}?{urlencode(params)}" if params else url


@register.simple_tag(takes_context=True)
def post_json_ld(context, post, terms):
    """A schema.org BlogPosting for `post`, in a script element safe from injection."""
    request = context["request"]
    author = post.author
    author_url = reverse("blog:author", kwargs={"username": author.get_username()})
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.summary,
        "dateModified": post.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": author.display_name,
            "url": request.build_absolute_uri(author_url),
        },
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": request.build_absolute_uri(post.get_absolute_url()),
        },
        "publisher": {"@type": "Organization", "name": context.get("site_name", "")},
        "articleSection": [category.name for category in terms.categories],
        "keywords": [tag.name for tag in terms.tags],
    }
    if post.published_at is not None:
        data["datePublished"] = post.published_at.isoformat()
    if post.page_image:
        data["image"] = [request.build_absolute_uri(post.page_image.url)]
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_SCRIPT_SAFE_JSON)),  # noqa: S308  # nosec B308 B703
    )
