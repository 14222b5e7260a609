from django import template

from comments.rendering import discussion_html
from config import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_section(context, post):
    """The count heading, the threaded comments and the "Leave a Reply" form.

    On pages the page cache keeps, a part of its own: a change to the post's
    comments draws only this again.
    """
    request = context["request"]
    html = discussion_html(request, post, csrf_token=context.get("csrf_token"))
    return pagecache.hole(request, "discussion", post.pk, html)
