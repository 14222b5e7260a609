"""Helpers of the Django templates that list posts: terms, page and canonical URLs."""

from django import template
from django.utils.http import urlencode

from blog.markup import web_url
from blog.post_page import PostTerms

register = template.Library()


@register.filter
def terms(post) -> PostTerms:
    """A listed post's categories and tags, from its prefetched rows."""
    return PostTerms.of(post)


register.filter("web_url", web_url)


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
def canonical_url(context):
    """This page's absolute URL, keeping only the page number and search words."""
    request = context["request"]
    params = {}
    if context.get("search_words"):
        params["s"] = context["search_words"]
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        params["page"] = page_obj.number
    url = request.build_absolute_uri(request.path)
    return f"{url}?{urlencode(params)}" if params else url
