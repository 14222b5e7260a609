from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from blog.models import Post
from comments.models import Comment
from config.security import XmlSafeRssFeed

FEED_SIZE = 30


class LatestCommentsFeed(Feed):
    """Approved comments on published posts, newest first (RSS 2.0)."""

    # A control character typed into a comment must not break the feed.
    feed_type = XmlSafeRssFeed

    def title(self):
        return f"Comments for {settings.COLOPHON_SITE_NAME}"

    def link(self):
        return reverse("blog:home")

    def description(self):
        return f"The latest comments on {settings.COLOPHON_SITE_NAME}"

    def items(self):
        return (
            Comment.objects.approved()
            .filter(post__in=Post.objects.published())
            .select_related("post")
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"Comment on {item.post.title} by {item.author_name}"

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.author_name

    def item_guid(self, item):
        return f"comment-{item.pk}"

    item_guid_is_permalink = False


class PostCommentsFeed(LatestCommentsFeed):
    """Approved comments on one post, under `<permalink>feed/` as on WordPress."""

    def get_object(self, request, year, month, day, slug):
        return get_object_or_404(
            Post.objects.published(),
            published_on__year=year,
            published_on__month=int(month),
            published_on__day=int(day),
            slug=slug,
        )

    def title(self, obj):
        return f"Comments on: {obj.title}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"Comments on “{obj.title}”"

    def items(self, obj):
        return (
            Comment.objects.approved()
            .filter(post=obj)
            .select_related("post")
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )
