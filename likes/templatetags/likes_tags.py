from django import template
from django.utils.safestring import mark_safe

from comments.identity import identity_for_request
from config import pagecache
from likes.rendering import like_section_html

register = template.Library()


@register.simple_tag(takes_context=True)
def like_section(context, post):
    """The Like button, "N bloggers like this" and the likers' avatars.

    On pages the page cache keeps, a part of its own: a like re-renders only this.
    """
    request = context["request"]
    html = like_section_html(
        post, identity_for_request(request), csrf_token=context.get("csrf_token")
    )
    return pagecache.hole(request, "likes", post.pk, mark_safe(html))  # noqa: S308 - template output  # nosec B308 B703
