"""RSS 2.0 and Atom feeds: the whole site, and per category, tag and author."""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from taggit.models import Tag

from blog.models import Category, Post
from blog.views import author_or_404
from config.security import XmlSafeAtomFeed, XmlSafeRssFeed

FEED_SIZE = 20


class LatestPostsFeed(Feed):
    """The newest published posts, as WordPress's /feed/.

    Links are absolute on the requested host, like canonical links: the sites
    framework's stored domain would say example.com.
    """

    request = None
    # A control character pasted into a post must not break the feed.
    feed_type = XmlSafeRssFeed

    def get_feed(self, obj, request):
        # One feed object serves every request: the host goes on a per-request copy.
        feed = copy.copy(self)
        feed.request = request
        return super(LatestPostsFeed, feed).get_feed(obj, request)

    def absolute(self, location: str) -> str:
        return self.request.build_absolute_uri(location)

    def feed_url(self, obj=None):
        return self.absolute(self.request.path)

    def title(self, obj=None):
        return settings.COLOPHON_SITE_NAME

    def description(self, obj=None):
        return settings.COLOPHON_SITE_TAGLINE

    def link(self, obj=None):
        return self.absolute(reverse("blog:home"))

    def posts(self, obj):
        return Post.objects.published()

    def items(self, obj=None):
        return self.posts(obj).for_list()[:FEED_SIZE]

    def item_title(self, item):
        # The feed generator escapes; the default item_title would escape twice.
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return self.absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.display_name

    def item_author_link(self, item):
        username = item.author.get_username()
        return self.absolute(reverse("blog:author", kwargs={"username": username}))

    def item_categories(self, item):
        return [category.name for category in item.categories.all()] + [
            tag.name for tag in item.tags.all()
        ]


class AtomMixin:
    feed_type = XmlSafeAtomFeed

    def subtitle(self, obj=None):
        return self.description(obj)


class LatestPostsAtomFeed(AtomMixin, LatestPostsFeed):
    pass


class CategoryFeed(LatestPostsFeed):
    """Posts in a category and the categories below it."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj=None):
        return f"{settings.COLOPHON_SITE_NAME} \u2013 {obj.name}"

    def description(self, obj=None):
        return obj.description or settings.COLOPHON_SITE_TAGLINE

    def link(self, obj=None):
        return self.absolute(obj.get_absolute_url())

    def posts(self, obj):
        category_ids = Category.objects.descendant_ids(obj)
        return Post.objects.published().in_categories(category_ids)


class CategoryAtomFeed(AtomMixin, CategoryFeed):
    pass


class TagFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj=None):
        return f"{settings.COLOPHON_SITE_NAME} \u2013 {obj.name}"

    def link(self, obj=None):
        return self.absolute(reverse("blog:tag", kwargs={"slug": obj.slug}))

    def posts(self, obj):
        return Post.objects.published().tagged(obj)


class TagAtomFeed(AtomMixin, TagFeed):
    pass


class AuthorFeed(LatestPostsFeed):
    def get_object(self, request, username):
        return author_or_404(username)

    def title(self, obj=None):
        return f"{settings.COLOPHON_SITE_NAME} \u2013 {obj.display_name}"

    def link(self, obj=None):
        username = obj.get_username()
        return self.absolute(reverse("blog:author", kwargs={"username": username}))

    def posts(self, obj):
        return Post.objects.published().by_author(obj)


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass
