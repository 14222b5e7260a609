from django import template

from comments.identity import identity_for_request
from likes.summary import like_summary

register = template.Library()


@register.inclusion_tag("likes/tags/like_section.html", takes_context=True)
def like_section(context, post):
    """The Like button, "N bloggers like this" and the likers' avatars."""
    request = context["request"]
    return {
        "post": post,
        "summary": like_summary(post, identity_for_request(request)),
        "csrf_token": context.get("csrf_token"),
    }
